/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_PROC_CLONE_H
#define RR_PROC_CLONE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "libredrun/core/error.h"

struct rr_clone_req {
  uint64_t ns_flags; /* CLONE_NEW* to create at clone time */
  bool clone_parent; /* the child becomes a child of our caller (create, run -d) */
  int cgroup_fd;     /* CLONE_INTO_CGROUP target, -1 for none */
  bool cgroup_only;  /* fail (ENOTSUP, nothing cloned) rather than clone outside cgroup_fd */
  bool undumpable;   /* born with PR_SET_DUMPABLE 0 (mm flags are copied at clone) */
};

struct rr_clone_res {
  int pidfd;      /* -1 when the kernel gave none (legacy clone without CLONE_PIDFD) */
  bool in_cgroup; /* the child was born in cgroup_fd; otherwise the caller enters it */
};

/*
 * fork-like: returns 0 in the child, the pid in the parent, -1 with *err set.
 * Tries clone3 (CLONE_PIDFD, CLONE_INTO_CGROUP), then clone3 without the
 * cgroup, then legacy clone. The environment variable REDRUN_TEST_NO_CLONE3=1
 * skips clone3 so the fallback is tested.
 */
pid_t rr_clone(const struct rr_clone_req *req, struct rr_clone_res *res,
               struct rr_error **err) RR_WUR;

/* pidfd_open / pidfd_send_signal, with -1 + errno on ENOSYS like the rest. */
int rr_pidfd_open(pid_t pid);
int rr_pidfd_signal(int pidfd, int sig);

#endif
