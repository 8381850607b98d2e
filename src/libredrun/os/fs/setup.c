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

/* The mount point of the mount that holds `fd` (from mountinfo by mount id). */
static char *mountpoint_of(int fd)
{
  struct statx stx;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
    return NULL;
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  char line[4096];
  while (f && fgets(line, sizeof(line), f)) {
    unsigned long long id;
    char mp[4096];
    if (sscanf(line, "%llu %*s %*s %*s %4095s", &id, mp) == 2 && id == stx.stx_mnt_id)
      return strchr(mp, '\\') ? NULL : rr_xstrdup(mp);
  }
  return NULL;
}

/* pivot_root refuses a new root whose parent mount is shared. With a shared
 * rootfsPropagation the parent is made private (only in our namespace). */
static int unshare_root_parent(const char *rootfs, struct rr_error **err)
{
  _cleanup_free_ char *parent_path = rr_xasprintf("%s/..", rootfs);
  _cleanup_close_ int parent = open(parent_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0)
    return rr_fail_errno(err, "open the root's parent");
  _cleanup_free_ char *mp = mountpoint_of(parent);
  if (mp == NULL)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "cannot find the mount holding `%s`", rootfs);
  if (mount(NULL, mp, NULL, MS_PRIVATE, NULL) < 0)
    return rr_fail_errno(err, "make `%s` private", mp);
  return 0;
}

static int bind_root(const struct rr_fs_plan *plan, int *rootfd, struct rr_error **err)
{
  _cleanup_close_ int dir = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return rr_fail_errno(err, "open root `%s`", plan->rootfs);
  /* pivot_root needs the new root to be a mount point of its own. */
  if (rr_fs_bind_fd(dir, dir, true, NULL, err) < 0)
    return rr_wrap(err, "bind the root `%s`", plan->rootfs);
  if (plan->root_shared && unshare_root_parent(plan->rootfs, err) < 0)
    return -1;
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

int rr_fs_setup_root(const struct rr_fs_plan *plan, rr_fs_before_pivot_fn before_pivot, void *data,
                     struct rr_error **err)
{
  /* First, cut mount propagation as asked (rprivate unless told otherwise):
   * nothing done below may show up on the host. */
  if (mount(NULL, "/", NULL, plan->root_propagation, NULL) < 0)
    return rr_fail_errno(err, "set the propagation of `/`");

  _cleanup_close_ int rootfd = -1;
  if (bind_root(plan, &rootfd, err) < 0)
    return -1;
  for (size_t i = 0; i < plan->n_mounts; i++)
    if (rr_fs_do_mount(plan, &plan->mounts[i], &rootfd, err) < 0)
      return -1;
  if (rr_fs_create_devices(plan, rootfd, err) < 0)
    return -1;
  if (before_pivot && before_pivot(data, err) < 0)
    return -1;
  if (rr_fs_pivot(plan, rootfd, err) < 0)
    return -1;
  if (rr_fs_write_sysctl(plan, err) < 0 || rr_fs_mask_paths(plan, err) < 0 ||
      rr_fs_readonly_paths(plan, err) < 0)
    return -1;
  if (plan->readonly && make_root_readonly(err) < 0)
    return -1;
  if (plan->set_personality && personality(plan->personality) < 0)
    return rr_fail_errno(err, "personality");
  return 0;
}
