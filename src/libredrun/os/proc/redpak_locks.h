/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_PROC_REDPAK_LOCKS_H
#define RR_PROC_REDPAK_LOCKS_H

#include <stddef.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * red-pak `Lock` exports: rp2oci lists their destinations in the annotation
 * `bzh.redpesk.redpak.lock-files` (a JSON array of absolute paths). Like
 * bwrap's --lock-file, the container holds a shared (read) lock on each of
 * them for as long as it lives, so that a tool taking a write lock on the
 * same file (a package manager updating the node) sees it in use.
 *
 * The lock is an open file description lock (F_OFD_SETLK, F_RDLCK, whole
 * file): it conflicts with POSIX fcntl/lockf locks like bwrap's, but belongs
 * to the fd rather than to the process, so the container's program closing
 * another fd of the same file does not drop it. The fd is deliberately
 * inherited by the container process (no O_CLOEXEC at exec): the lock lives
 * exactly as long as the container's processes keep it (docs/security.md).
 */
#define RR_REDPAK_LOCK_FILES "bzh.redpesk.redpak.lock-files"

struct rr_redpak_locks {
  char **paths;
  size_t n;
  int *fds; /* after rr_redpak_locks_take, -1 before */
};

/* Parse the annotation (absent: n = 0). A value that is not a JSON array of
 * absolute paths is an error naming the annotation. Used at create (parent)
 * to refuse a bad value before anything starts, and again by the child. */
int rr_redpak_locks_parse(const oci_config *cfg, struct rr_redpak_locks *out,
                          struct rr_error **err) RR_WUR;
void rr_redpak_locks_clear(struct rr_redpak_locks *l);
/* Parse and forget: the check create runs before anything starts. */
int rr_redpak_locks_check(const oci_config *cfg, struct rr_error **err) RR_WUR;

/* In the container's init, after pivot_root and after the host fds are
 * closed: open each path inside the root (no magic links, no escape) and take
 * the lock without waiting. Fails when a path is missing or locked for
 * writing by someone else. The fds are O_CLOEXEC until rr_redpak_locks_keep. */
int rr_redpak_locks_take(struct rr_redpak_locks *l, struct rr_error **err) RR_WUR;

/* Right before execve (after the runtime marks every other fd close-on-exec):
 * let the lock fds through. */
int rr_redpak_locks_keep(const struct rr_redpak_locks *l, struct rr_error **err) RR_WUR;

#endif
