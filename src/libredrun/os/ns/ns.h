/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_NS_H
#define RR_NS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * Namespaces of a new container, planned in the parent (paths opened and
 * checked there, so a bad path fails before clone):
 *  - pid, time, network, ipc, uts and cgroup namespaces given by path are
 *    joined by the parent itself before clone: pid and time only ever apply
 *    to children, and joining there keeps host privileges even when the
 *    child gets a new user namespace;
 *  - a new user namespace is created by clone (with pid, net, ipc, uts and
 *    mount) and its maps are written by the parent;
 *  - a user namespace given by path is joined first in the child, which then
 *    unshares the others;
 *  - the cgroup and time namespaces are always unshared by the child: cgroup
 *    once it is in its cgroup, time after writing the offsets;
 *  - a mount namespace given by path is joined last, in the child.
 */
struct rr_ns_plan {
  uint64_t clone_flags;   /* CLONE_NEW* passed to clone */
  uint64_t unshare_flags; /* CLONE_NEW* the child unshares (user joined case) */
  bool new_user, new_pid, new_cgroup, new_time, new_uts;
  int join_fd[8]; /* per rr_ns_table index, -1 when not joined */
};

int rr_ns_plan_new(const oci_config *cfg, struct rr_ns_plan **out, struct rr_error **err) RR_WUR;
void rr_ns_plan_free(struct rr_ns_plan *p);

/* Parent, before clone: join the pid/time/net/ipc/uts/cgroup namespaces given by path. */
int rr_ns_parent_join(const struct rr_ns_plan *p, struct rr_error **err) RR_WUR;
/*
 * Parent, after clone: a new network namespace as an fd, the caller staying
 * in its own. Creating one takes ≈ 0.45 ms (most of a clone with the five
 * namespaces); done here, it overlaps the child's first mounts, and the child
 * joins it before anything that depends on it (sysfs, sysctl, hooks).
 */
int rr_ns_new_net(struct rr_error **err) RR_WUR;
/* Parent, after clone: write the child's uid_map/gid_map (setgroups deny when unprivileged). */
int rr_ns_write_idmaps(pid_t pid, const oci_config *cfg, struct rr_error **err) RR_WUR;
/* Write `n` mappings to /proc/<pid>/<file> (uid_map or gid_map), one
 * "inside outside size" line each, in one write as the kernel requires. */
int rr_ns_write_idmap(pid_t pid, const char *file, oci_id_mapping **m, size_t n,
                      struct rr_error **err) RR_WUR;
/* Child: join the user namespace by path, unshare, cgroup and time namespaces. */
int rr_ns_child_enter(const struct rr_ns_plan *p, const oci_config *cfg,
                      struct rr_error **err) RR_WUR;
/* Child: join a mount namespace given by path (last). */
int rr_ns_child_join_mount(const struct rr_ns_plan *p, struct rr_error **err) RR_WUR;
/* Child: hostname and domainname (needs a new uts namespace, checked at plan time). */
int rr_ns_child_set_names(const oci_config *cfg, struct rr_error **err) RR_WUR;
/* exec: open the namespaces of a running process that differ from ours, fds
 * per rr_ns_table index (-1 where they are the same); close with rr_ns_close_all. */
int rr_ns_open_of_pid(pid_t pid, int fds[8], struct rr_error **err) RR_WUR;
void rr_ns_close_all(int fds[8]);
/* exec, parent before clone: join the pid and time namespaces (they apply to
 * children). Without privilege over them (rootless), first the container's
 * user namespace, and the caller is non-dumpable from then on. */
int rr_ns_join_for_children(const int fds[8], struct rr_error **err) RR_WUR;
/* exec, child: join the others in table order (user first unless the parent
 * is in it already, mount last). */
int rr_ns_child_join_all(const int fds[8], struct rr_error **err) RR_WUR;

#endif
