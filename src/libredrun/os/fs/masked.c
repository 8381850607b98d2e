/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/fs/resolve.h"

/* The source for masking files, checked to really be the null device: a
 * /dev/null swapped for a symlink or another node would otherwise bind
 * something readable or writable over the masked path. */
static int open_null(int rootfd, struct rr_error **err)
{
  _cleanup_close_ int fd =
      rr_fs_open_in_root(rootfd, "/dev/null", O_PATH, RR_RESOLVE_NOFOLLOW_LAST, err);
  if (fd < 0)
    return rr_wrap(err, "mask paths");
  struct stat st;
  if (fstat(fd, &st) < 0)
    return rr_fail_errno(err, "stat `/dev/null`");
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "mask paths: `/dev/null` in the container is not the null device");
  return steal_fd(fd);
}

static int mask_one(int rootfd, int *nullfd, int *tmpfs, const char *path, struct rr_error **err)
{
  _cleanup_error_ struct rr_error *e = NULL;
  /* Not following the last component: a symlink planted at a masked path must
   * not get its target masked (or worse, something else mounted over). */
  _cleanup_close_ int fd = rr_fs_open_in_root(rootfd, path, O_PATH, RR_RESOLVE_NOFOLLOW_LAST, &e);
  if (fd < 0) {
    if (e->errnum == ENOENT || e->errnum == ENOTDIR)
      return 0;
    *err = steal_ptr(e);
    return rr_wrap(err, "mask `%s`", path);
  }
  struct stat st;
  if (fstat(fd, &st) < 0)
    return rr_fail_errno(err, "mask `%s`: stat", path);
  if (S_ISLNK(st.st_mode)) {
    rr_debug("masked path %s is a symlink: left alone", path);
    return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    if (rr_fs_mount_empty_ro_tmpfs(fd, tmpfs, err) < 0)
      return rr_wrap(err, "mask `%s`", path);
    return 0;
  }
  if (*nullfd < 0 && (*nullfd = open_null(rootfd, err)) < 0)
    return -1;
  if (rr_fs_bind_fd(*nullfd, fd, false, NULL, err) < 0)
    return rr_wrap(err, "mask `%s`", path);
  return 0;
}

int rr_fs_mask_paths(const struct rr_fs_plan *plan, struct rr_error **err)
{
  if (plan->n_masked == 0)
    return 0;
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int nullfd = -1, tmpfs = -1;
  if (root < 0)
    return rr_fail_errno(err, "open `/`");
  for (size_t i = 0; i < plan->n_masked; i++)
    if (mask_one(root, &nullfd, &tmpfs, plan->masked[i], err) < 0)
      return -1;
  return 0;
}

int rr_fs_readonly_paths(const struct rr_fs_plan *plan, struct rr_error **err)
{
  if (plan->n_readonly == 0)
    return 0;
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return rr_fail_errno(err, "open `/`");
  for (size_t i = 0; i < plan->n_readonly; i++) {
    const char *path = plan->readonly_paths[i];
    _cleanup_error_ struct rr_error *e = NULL;
    _cleanup_close_ int fd = rr_fs_open_in_root(root, path, O_PATH, 0, &e);
    if (fd < 0) {
      if (e->errnum == ENOENT || e->errnum == ENOTDIR)
        continue;
      *err = steal_ptr(e);
      return rr_wrap(err, "make `%s` read-only", path);
    }
    /* A read-only copy of the tree, made read-only before it is attached over
     * the original: nothing below it can be written, submounts included. */
    struct rr_fs_bind_attrs a = {.rec_set = MOUNT_ATTR_RDONLY, .userns_fd = -1};
    if (rr_fs_bind_fd(fd, fd, true, &a, err) < 0)
      return rr_wrap(err, "make `%s` read-only", path);
  }
  return 0;
}
