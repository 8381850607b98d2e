/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/ns/ns.h"

/* An id-mapped mount takes its mapping from a user namespace: a short-lived
 * child unshares one, we write the mount's mappings into it, keep an fd to it
 * and let the child go. The fd is all the mount needs. */
int rr_fs_idmap_userns(const oci_mount *m, struct rr_error **err)
{
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return rr_fail_errno(err, "pipe");
  pid_t pid = fork();
  if (pid < 0) {
    close(pipefd[0]);
    close(pipefd[1]);
    return rr_fail_errno(err, "fork");
  }
  if (pid == 0) {
    char c = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
    close(pipefd[0]);
    if (write(pipefd[1], &c, 1) != 1)
      _exit(1);
    /* Wait to be killed: the namespace must live until the parent has its fd. */
    for (;;)
      pause();
  }
  close(pipefd[1]);
  char c = 'n';
  int r = -1;
  if (read(pipefd[0], &c, 1) != 1 || c != 'y') {
    rr_fail(err, RR_ERR_SYSTEM, 0, "id-mapped mount: cannot create a user namespace");
  } else if (rr_ns_write_idmap(pid, "uid_map", m->uid_mappings, m->uid_mappings_len, err) == 0 &&
             rr_ns_write_idmap(pid, "gid_map", m->gid_mappings, m->gid_mappings_len, err) == 0) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
    r = open(path, O_RDONLY | O_CLOEXEC);
    if (r < 0)
      rr_fail_errno(err, "open `%s`", path);
  }
  close(pipefd[0]);
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return r;
}
