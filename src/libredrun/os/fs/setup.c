/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/fs/resolve.h"

static int bind_root(const struct rr_fs_plan *plan, int *rootfd, struct rr_error **err)
{
  _cleanup_close_ int dir = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return rr_fail_errno(err, "open root `%s`", plan->rootfs);
  /* pivot_root needs the new root to be a mount point of its own. */
  if (rr_fs_bind_fd(dir, dir, true, NULL, err) < 0)
    return rr_wrap(err, "bind the root `%s`", plan->rootfs);
  *rootfd = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*rootfd < 0)
    return rr_fail_errno(err, "open root `%s`", plan->rootfs);
  return 0;
}

static int make_root_readonly(struct rr_error **err)
{
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return rr_fail_errno(err, "open `/`");
  if (rr_fs_setattr_fd(root, MOUNT_ATTR_RDONLY, 0, false, err) < 0)
    return rr_wrap(err, "make the root read-only");
  return 0;
}

/* File systems that do not take the mounter's network namespace. */
static bool netns_free(const struct rr_fs_mount *m)
{
  switch (m->kind) {
  case RR_FSM_BIND:
  case RR_FSM_PROC:
  case RR_FSM_MQUEUE:
  case RR_FSM_CGROUP:
    return true;
  case RR_FSM_FS:
    return m->type != NULL && (strcmp(m->type, "tmpfs") == 0 || strcmp(m->type, "devpts") == 0);
  case RR_FSM_SYSFS:
    break;
  }
  return false;
}

int rr_fs_setup_root(const struct rr_fs_plan *plan, rr_fs_before_pivot_fn before_pivot,
                     rr_fs_before_net_fn before_net, void *data, struct rr_error **err)
{
  /* First, cut mount propagation (rprivate unless told otherwise): nothing
   * done below may show up on the host. A shared or unbindable root is set up
   * private and gets its mode after pivot_root: pivot_root refuses shared
   * mounts, open_tree refuses unbindable ones, and a root shared with the
   * host's peer group would copy every mount made here onto the host. */
  unsigned long late = plan->root_propagation & (MS_SHARED | MS_UNBINDABLE);
  unsigned long early = late ? MS_REC | MS_PRIVATE : plan->root_propagation;
  if (mount(NULL, "/", NULL, early, NULL) < 0)
    return rr_fail_errno(err, "set the propagation of `/`");

  _cleanup_close_ int rootfd = -1;
  if (bind_root(plan, &rootfd, err) < 0)
    return -1;
  for (size_t i = 0; i < plan->n_mounts; i++) {
    if (before_net && !netns_free(&plan->mounts[i]) && before_net(data, err) < 0)
      return -1;
    if (rr_fs_do_mount(plan, &plan->mounts[i], &rootfd, err) < 0)
      return -1;
  }
  if (rr_fs_create_devices(plan, rootfd, err) < 0)
    return -1;
  if (before_pivot && before_pivot(data, err) < 0)
    return -1;
  if (rr_fs_pivot(plan, rootfd, err) < 0)
    return -1;
  if (rr_fs_write_sysctl(plan, err) < 0 || rr_fs_mask_paths(plan, err) < 0 ||
      rr_fs_readonly_paths(plan, err) < 0)
    return -1;
  if (late && mount(NULL, "/", NULL, plan->root_propagation, NULL) < 0)
    return rr_fail_errno(err, "set the propagation of `/`");
  if (plan->readonly && make_root_readonly(err) < 0)
    return -1;
  if (plan->set_personality && personality(plan->personality) < 0)
    return rr_fail_errno(err, "personality");
  return 0;
}
