/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_PROC_CHILD_H
#define RR_PROC_CHILD_H

#include <stdbool.h>

#include "libredrun/os/fs/rootfs.h"
#include "libredrun/os/ns/ns.h"
#include "libredrun/os/security/seccomp.h"
#include "oci_types.h"

/*
 * Everything the container child needs, prepared by the parent before clone.
 * The child reports every failure as an RR_MSG_ERROR and _exits: it never
 * prints (until it is released from the exec fifo, when nobody listens any
 * more and errors go to the log sink).
 */
struct rr_child {
  const oci_config *cfg;
  const oci_process *proc;
  const struct rr_ns_plan *ns; /* NULL for exec: namespaces already joined */
  const struct rr_fs_plan *fs; /* NULL: no new mount namespace */
  const char *rootfs;          /* chroot target without a mount namespace (NULL: none) */
  const struct rr_seccomp *seccomp;
  const char *id;
  int sync_fd;
  int fifo_fd;      /* exec fifo (O_RDWR); -1: exec right after READY */
  int keep_fds;     /* fds 3 .. 3+keep_fds-1 go to the container */
  char **extra_env; /* appended to process.env (LISTEN_FDS, LISTEN_PID), may be NULL */
  int close_fds[4]; /* parent fds to close at once (state dir lock), -1 terminated */
  bool new_keyring;
  bool wait_go;        /* wait for RR_MSG_GO (maps written, cgroup entered) */
  const int *join_fds; /* exec: namespace fds per rr_ns_table index (-1: keep ours), else NULL */
  bool undumpable;     /* cloned non-dumpable (rr_clone_req.undumpable) */
  bool late_netns;     /* cloned without CLONE_NEWNET: RR_MSG_NETNS brings it (rr_ns_new_net) */
};

/* The child's entry point after clone. Never returns. */
void rr_child_main(struct rr_child *c) __attribute__((noreturn));

#endif
