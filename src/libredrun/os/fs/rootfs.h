/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_FS_ROOTFS_H
#define RR_FS_ROOTFS_H

#include <stdbool.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * The container's root filesystem, in two steps:
 *  - rr_fs_plan_new() runs in the parent before clone: it validates every mount,
 *    resolves root.path against the bundle and builds the list of operations, so
 *    bad input fails with nothing to undo;
 *  - rr_fs_setup_root() runs in the container child, already in its new mount
 *    namespace (and user/pid/cgroup namespaces), and does all of it: root
 *    propagation, binding the root, mounts, /dev, createContainer hooks (via
 *    the callback, before pivot_root), pivot_root (or chroot with no_pivot),
 *    sysctl, masked and readonly paths, root.readonly.
 * The child then only sets cwd, identity and execs.
 */
struct rr_fs_plan;

struct rr_fs_opts {
  bool no_pivot;           /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
  bool in_user_ns;         /* devices are bind-mounted from the host instead of mknod */
  bool terminal;           /* process.terminal: /dev/console will be bound to the pty */
  const char *cgroup_path; /* the container's cgroup (absolute, in the cgroup2 fs), may be NULL */
};

/* Called in the child after the mounts and before pivot_root (createContainer hooks). */
typedef int (*rr_fs_before_pivot_fn)(void *data, struct rr_error **err);
/* Called in the child before a mount whose file system depends on the network
 * namespace (sysfs, and any type not known not to): the child joins it. */
typedef int (*rr_fs_before_net_fn)(void *data, struct rr_error **err);

int rr_fs_plan_new(const oci_config *cfg, const char *bundle_dir, const struct rr_fs_opts *opts,
                   struct rr_fs_plan **out, struct rr_error **err) RR_WUR;
int rr_fs_setup_root(const struct rr_fs_plan *plan, rr_fs_before_pivot_fn before_pivot,
                     rr_fs_before_net_fn before_net, void *data, struct rr_error **err) RR_WUR;
/* After rr_fs_setup_root, with the pty slave open: bind it onto /dev/console. */
int rr_fs_setup_console(int pty_slave_fd, struct rr_error **err) RR_WUR;
void rr_fs_plan_free(struct rr_fs_plan *plan);

#endif
