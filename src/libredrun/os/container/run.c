/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/container/internal.h"
#include "libredrun/os/proc/clone.h"
#include "libredrun/os/proc/terminal.h"

struct relay {
  pid_t pid;
  int pidfd;
  bool exited;
  int status;
};

static void reap(struct relay *r)
{
  int st;
  if (!r->exited && waitpid(r->pid, &st, WNOHANG) == r->pid) {
    r->exited = true;
    r->status = st;
  }
}

static void forward(int sig, void *data)
{
  struct relay *r = data;
  if (sig == SIGCHLD) {
    reap(r);
    return;
  }
  if (r->exited)
    return;
  if (r->pidfd >= 0)
    rr_pidfd_signal(r->pidfd, sig);
  else
    kill(r->pid, sig);
}

void rr_relay_sigset(sigset_t *set)
{
  sigfillset(set);
  sigdelset(set, SIGKILL);
  sigdelset(set, SIGSTOP);
  /* synchronous faults are ours, not the container's */
  sigdelset(set, SIGSEGV);
  sigdelset(set, SIGBUS);
  sigdelset(set, SIGILL);
  sigdelset(set, SIGFPE);
}

int rr_container_wait_relay(pid_t pid, int pidfd, int pty_master, const sigset_t *set)
{
  struct relay rl = {.pid = pid, .pidfd = pidfd};
  _cleanup_close_ int sigfd = signalfd(-1, set, SFD_CLOEXEC);
  if (pty_master >= 0)
    rr_term_relay(pty_master, sigfd, forward, &rl);
  while (!rl.exited) {
    reap(&rl);
    if (rl.exited)
      break;
    struct signalfd_siginfo si;
    ssize_t n = sigfd >= 0 ? read(sigfd, &si, sizeof(si)) : -1;
    if (n == (ssize_t)sizeof(si)) {
      forward((int)si.ssi_signo, &rl);
    } else if (n < 0 && errno != EINTR) {
      int st;
      if (waitpid(pid, &st, 0) == pid) {
        rl.exited = true;
        rl.status = st;
      }
    }
  }
  if (WIFEXITED(rl.status))
    return WEXITSTATUS(rl.status);
  if (WIFSIGNALED(rl.status))
    return 128 + WTERMSIG(rl.status);
  return 0;
}

int rr_container_run(const struct rr_runtime *rt, const struct rr_create_opts *o, bool detach,
                     bool keep, int *status, struct rr_error **err)
{
  *status = 0;
  sigset_t set, old;
  rr_relay_sigset(&set);
  /* blocked from before clone (the child restores its mask) so that no signal
   * is lost or kills us between create and the relay */
  if (!detach)
    sigprocmask(SIG_BLOCK, &set, &old);
  struct rr_created c;
  int r = rr_container_do_create(rt, o, !detach, &c, err);
  if (r == 0 && !c.started && rr_container_do_start(c.d, c.st, c.cfg, err) < 0) {
    _cleanup_error_ struct rr_error *e = NULL;
    if (rr_container_do_destroy(c.d, c.st, c.cfg, false, &e) < 0)
      rr_warn("%s", e->msg);
    if (!detach)
      waitpid(c.pid, NULL, 0);
    rr_created_release(&c);
    r = -1;
  }
  if (r < 0 || detach) {
    if (!detach)
      sigprocmask(SIG_SETMASK, &old, NULL);
    if (r == 0)
      rr_created_release(&c);
    return r;
  }
  /* the state dir lock is for transitions: others may kill/inspect while we wait */
  flock(c.d->fd, LOCK_UN);

  *status = rr_container_wait_relay(c.pid, c.pidfd, c.pty_master, &set);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (!keep) {
    flock(c.d->fd, LOCK_EX);
    _cleanup_error_ struct rr_error *e = NULL;
    if (rr_container_do_destroy(c.d, c.st, c.cfg, true, &e) < 0)
      rr_warn("%s", e->msg);
  }
  rr_created_release(&c);
  return 0;
}
