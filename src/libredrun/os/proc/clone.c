/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libredrun/os/proc/clone.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

struct clone3_args {
  uint64_t flags;
  uint64_t pidfd;
  uint64_t child_tid;
  uint64_t parent_tid;
  uint64_t exit_signal;
  uint64_t stack;
  uint64_t stack_size;
  uint64_t tls;
  uint64_t set_tid;
  uint64_t set_tid_size;
  uint64_t cgroup;
};

static pid_t do_clone3(uint64_t flags, int cgroup_fd, int *pidfd)
{
  struct clone3_args a;
  memset(&a, 0, sizeof(a));
  a.flags = flags | CLONE_PIDFD;
  a.pidfd = (uint64_t)(uintptr_t)pidfd;
  /* with CLONE_PARENT the kernel uses our own exit signal and refuses another */
  a.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  if (cgroup_fd >= 0) {
    a.flags |= CLONE_INTO_CGROUP;
    a.cgroup = (uint64_t)cgroup_fd;
  }
  return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

static pid_t clone_child(const struct rr_clone_req *req, struct rr_clone_res *res,
                         struct rr_error **err)
{
  uint64_t flags = req->ns_flags | (req->clone_parent ? CLONE_PARENT : 0);
  int pidfd = -1;
  pid_t pid = -1;
  const char *no3 = getenv("REDRUN_TEST_NO_CLONE3");
  res->pidfd = -1;
  res->in_cgroup = false;
  bool only = req->cgroup_only && req->cgroup_fd >= 0;
  if (no3 == NULL || strcmp(no3, "1") != 0) {
    pid = do_clone3(flags, req->cgroup_fd, &pidfd);
    if (pid >= 0) {
      res->in_cgroup = req->cgroup_fd >= 0;
    } else if (only) {
      return rr_fail_errnum(err, ENOTSUP, "clone3 into the cgroup");
    } else if (req->cgroup_fd >= 0 && errno != ENOSYS) {
      /* CLONE_INTO_CGROUP refused (old kernel, v1-only fd): place it afterwards */
      pid = do_clone3(flags, -1, &pidfd);
    }
    if (pid < 0 && errno != ENOSYS && errno != E2BIG)
      return rr_fail_errno(err, "clone3");
  }
  if (pid < 0 && only)
    return rr_fail_errnum(err, ENOTSUP, "clone into the cgroup");
  if (pid < 0) {
    /* legacy clone(2): x86_64 argument order flags, stack, parent_tid (pidfd), child_tid, tls */
    pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | CLONE_PIDFD | SIGCHLD), NULL, &pidfd,
                         NULL, NULL);
    if (pid < 0 && errno == EINVAL) {
      pidfd = -1;
      pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, NULL);
    }
    if (pid < 0)
      return rr_fail_errno(err, "clone");
  }
  if (pid == 0)
    return 0;
  res->pidfd = pidfd;
  return pid;
}

pid_t rr_clone(const struct rr_clone_req *req, struct rr_clone_res *res, struct rr_error **err)
{
  /* A child that sets itself non-dumpable would be open to ptrace for its
   * first instructions, already inside the container's pid namespace for
   * exec; born so, it never is. We are dumpable again right after. */
  int was = req->undumpable ? prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) : 0;
  if (req->undumpable && was > 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return rr_fail_errno(err, "prctl(PR_SET_DUMPABLE)");
  pid_t pid = clone_child(req, res, err);
  if (pid != 0 && was > 0)
    prctl(PR_SET_DUMPABLE, was, 0, 0, 0);
  return pid;
}

int rr_pidfd_open(pid_t pid)
{
  return (int)syscall(SYS_pidfd_open, pid, 0);
}

int rr_pidfd_signal(int pidfd, int sig)
{
  return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}
