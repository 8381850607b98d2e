/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/fs/resolve.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* Whether open_tree/move_mount/mount_setattr exist here; learnt on first use. */
static bool no_new_mount_api;

void rr_fs_ms_to_attr(unsigned long set, unsigned long clear, uint64_t *attr_set,
                      uint64_t *attr_clr)
{
  static const struct {
    unsigned long ms;
    uint64_t attr;
  } map[] = {
      {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
      {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
      {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
  };
  *attr_set = *attr_clr = 0;
  for (size_t i = 0; i < RR_ARRAY_SIZE(map); i++) {
    if (set & map[i].ms)
      *attr_set |= map[i].attr;
    else if (clear & map[i].ms)
      *attr_clr |= map[i].attr;
  }
  if (set & MS_NOATIME) {
    *attr_set |= MOUNT_ATTR_NOATIME;
    *attr_clr |= MOUNT_ATTR__ATIME;
  } else if (set & MS_STRICTATIME) {
    *attr_set |= MOUNT_ATTR_STRICTATIME;
    *attr_clr |= MOUNT_ATTR__ATIME;
  } else if (set & MS_RELATIME || clear & MS_NOATIME) {
    *attr_clr |= MOUNT_ATTR__ATIME;
  }
}

void rr_fs_mount_force_legacy(bool on)
{
  no_new_mount_api = on;
}

/* Remount fallback for kernels without mount_setattr: the flags the mount has
 * now are kept, because in a user namespace dropping a locked one is EPERM.
 * mnt_fd must be the root of the mount. */
static int remount_fallback(int mnt_fd, uint64_t set, uint64_t clr, struct rr_error **err)
{
  static const struct {
    unsigned long ms;
    uint64_t attr;
    unsigned long st;
  } map[] = {
      {MS_RDONLY, MOUNT_ATTR_RDONLY, ST_RDONLY},
      {MS_NOSUID, MOUNT_ATTR_NOSUID, ST_NOSUID},
      {MS_NODEV, MOUNT_ATTR_NODEV, ST_NODEV},
      {MS_NOEXEC, MOUNT_ATTR_NOEXEC, ST_NOEXEC},
      {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME, ST_NODIRATIME},
  };
  struct statvfs sv;
  if (fstatvfs(mnt_fd, &sv) < 0)
    return rr_fail_errno(err, "statvfs");
  unsigned long flags = MS_BIND | MS_REMOUNT;
  for (size_t i = 0; i < RR_ARRAY_SIZE(map); i++) {
    if (sv.f_flag & map[i].st)
      flags |= map[i].ms;
    if (clr & map[i].attr)
      flags &= ~map[i].ms;
    if (set & map[i].attr)
      flags |= map[i].ms;
  }
  if ((clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME) {
    uint64_t atime = set & MOUNT_ATTR__ATIME;
    flags |= atime == MOUNT_ATTR_NOATIME       ? MS_NOATIME
             : atime == MOUNT_ATTR_STRICTATIME ? MS_STRICTATIME
                                               : MS_RELATIME;
  } else {
    flags |= (sv.f_flag & ST_NOATIME)    ? MS_NOATIME
             : (sv.f_flag & ST_RELATIME) ? MS_RELATIME
                                         : MS_STRICTATIME;
  }
  if (set & MOUNT_ATTR_NOSYMFOLLOW)
    flags |= MS_NOSYMFOLLOW;
  char p[RR_FD_PATH_MAX];
  if (mount(NULL, rr_fs_fd_path(mnt_fd, p), NULL, flags, NULL) < 0)
    return rr_fail_errno(err, "remount");
  return 0;
}

/* Without mount_setattr, "recursive" means: the mount and every mount below
 * it, one remount each, found by mount point in mountinfo. */
static int remount_tree(int mnt_fd, uint64_t set, uint64_t clr, struct rr_error **err)
{
  char p[RR_FD_PATH_MAX], top[4096];
  ssize_t n = readlink(rr_fs_fd_path(mnt_fd, p), top, sizeof(top) - 1);
  if (n < 0)
    return rr_fail_errno(err, "readlink");
  top[n] = '\0';
  size_t len = strlen(top);
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return rr_fail_errno(err, "open mountinfo");
  char line[8192];
  while (fgets(line, sizeof(line), f)) {
    char mp[4096];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
      continue;
    rr_fs_mountinfo_unescape(mp);
    bool below = strcmp(top, "/") == 0
                     ? mp[0] == '/'
                     : strncmp(mp, top, len) == 0 && (mp[len] == '\0' || mp[len] == '/');
    if (!below)
      continue;
    _cleanup_close_ int fd = open(mp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || remount_fallback(fd, set, clr, err) < 0)
      return fd < 0 ? rr_fail_errno(err, "open `%s`", mp) : rr_wrap(err, "`%s`", mp);
  }
  return 0;
}

int rr_fs_setattr_fd(int mnt_fd, uint64_t set, uint64_t clr, bool recursive, struct rr_error **err)
{
  if (set == 0 && clr == 0)
    return 0;
  if (!no_new_mount_api) {
    struct mount_attr attr = {.attr_set = set, .attr_clr = clr};
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (mount_setattr(mnt_fd, "", flags, &attr, sizeof(attr)) == 0)
      return 0;
    if (errno != ENOSYS)
      return rr_fail_errno(err, "mount_setattr");
    no_new_mount_api = true;
  }
  if (recursive)
    return remount_tree(mnt_fd, set, clr, err);
  return remount_fallback(mnt_fd, set, clr, err);
}

int rr_fs_clone_tree(int src_fd, bool recursive, const struct rr_fs_bind_attrs *a,
                     struct rr_error **err)
{
  if (no_new_mount_api)
    return rr_fail(err, RR_ERR_UNSUPPORTED, ENOSYS, "open_tree needs linux 5.2");
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
  _cleanup_close_ int tree = open_tree(src_fd, "", flags | (recursive ? AT_RECURSIVE : 0));
  if (tree < 0) {
    if (errno == ENOSYS)
      no_new_mount_api = true;
    return rr_fail_errno(err, "open_tree");
  }
  /* Attributes go on the detached copy: the mount is never visible with
   * weaker flags than asked. */
  if (a->userns_fd >= 0) {
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)a->userns_fd};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | (a->idmap_recursive ? AT_RECURSIVE : 0), &attr,
                      sizeof(attr)) < 0)
      return rr_fail_errno(err, "id-map the mount");
  }
  if (rr_fs_setattr_fd(tree, a->rec_set, a->rec_clr, true, err) < 0 ||
      rr_fs_setattr_fd(tree, a->set, a->clr, false, err) < 0)
    return -1;
  return steal_fd(tree);
}

int rr_fs_attach_tree(int tree_fd, int target_fd, struct rr_error **err)
{
  if (move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rr_fail_errno(err, "move_mount");
  return 0;
}

int rr_fs_bind_fd(int src_fd, int target_fd, bool recursive, const struct rr_fs_bind_attrs *a,
                  struct rr_error **err)
{
  static const struct rr_fs_bind_attrs none = {.userns_fd = -1};
  char sp[RR_FD_PATH_MAX], tp[RR_FD_PATH_MAX];
  if (a == NULL)
    a = &none;
  if (!no_new_mount_api) {
    _cleanup_error_ struct rr_error *e = NULL;
    _cleanup_close_ int tree = rr_fs_clone_tree(src_fd, recursive, a, &e);
    if (tree >= 0)
      return rr_fs_attach_tree(tree, target_fd, err);
    if (!no_new_mount_api) {
      *err = steal_ptr(e);
      return -1;
    }
  }
  if (a->userns_fd >= 0)
    return rr_fail(err, RR_ERR_UNSUPPORTED, ENOSYS, "id-mapped mounts need linux 5.12");
  if (mount(rr_fs_fd_path(src_fd, sp), rr_fs_fd_path(target_fd, tp), NULL,
            MS_BIND | (recursive ? MS_REC : 0), NULL) < 0)
    return rr_fail_errno(err, "bind mount");
  if (a->set == 0 && a->clr == 0 && a->rec_set == 0 && a->rec_clr == 0)
    return 0;
  /* The fd still names the covered directory; the new mount is reached by
   * its path, and checked to be the source we bound before it is changed. */
  char path[4096];
  ssize_t n = readlink(tp, path, sizeof(path) - 1);
  if (n < 0)
    return rr_fail_errno(err, "readlink the bind target");
  path[n] = '\0';
  _cleanup_close_ int mnt = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat want, got;
  if (mnt < 0 || fstat(mnt, &got) < 0 || fstat(src_fd, &want) < 0)
    return rr_fail_errno(err, "reopen the bind mount");
  if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "the bind mount at `%s` changed while mounting", path);
  if (rr_fs_setattr_fd(mnt, a->rec_set, a->rec_clr, true, err) < 0 ||
      rr_fs_setattr_fd(mnt, a->set, a->clr, false, err) < 0)
    return -1;
  return 0;
}

int rr_fs_mount_fs_fd(int target_fd, const char *source, const char *type, unsigned long flags,
                      const char *data, struct rr_error **err)
{
  /* Mounted on "." after fchdir: the exact directory opened inside the root,
   * never a path the container could swap for a symlink, and without a
   * /proc/self/fd lookup per mount (about 4 us each). Leaves the working
   * directory there: the container's child chdirs before it execs. */
  if (fchdir(target_fd) < 0)
    return rr_fail_errno(err, "mount `%s`: enter the target", type);
  if (mount(source ? source : type, ".", type, flags, data) < 0)
    return rr_fail_errno(err, "mount `%s`", type);
  return 0;
}

int rr_fs_propagation_fd(int mnt_fd, unsigned long propagation, struct rr_error **err)
{
  char p[RR_FD_PATH_MAX];
  if (propagation == 0)
    return 0;
  if (mount(NULL, rr_fs_fd_path(mnt_fd, p), NULL, propagation, NULL) < 0)
    return rr_fail_errno(err, "set mount propagation");
  return 0;
}

int rr_fs_mount_empty_ro_tmpfs(int target_fd, int *tmpl, struct rr_error **err)
{
  /* Every masked directory gets a clone of the first one's mount: one tmpfs
   * instance (read-only, empty) made and torn down instead of one each. */
  if (tmpl != NULL && *tmpl >= 0) {
    _cleanup_close_ int clone =
        open_tree(*tmpl, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (clone < 0)
      return rr_fail_errno(err, "open_tree");
    if (move_mount(clone, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return rr_fail_errno(err, "move_mount");
    return 0;
  }
  /* fsopen/fsmount need no /proc: after pivot_root the container's /proc may
   * be missing or be anything the config put there. */
  if (!no_new_mount_api) {
    _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs >= 0) {
      if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
          fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
          fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return rr_fail_errno(err, "create tmpfs");
      unsigned attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
      _cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
      if (mnt < 0)
        return rr_fail_errno(err, "fsmount tmpfs");
      if (move_mount(mnt, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return rr_fail_errno(err, "move_mount");
      /* attached now: the fd names the mount, which open_tree can clone */
      if (tmpl != NULL)
        *tmpl = steal_fd(mnt);
      return 0;
    }
    if (errno != ENOSYS)
      return rr_fail_errno(err, "fsopen tmpfs");
    no_new_mount_api = true;
  }
  return rr_fs_mount_fs_fd(target_fd, "tmpfs", "tmpfs",
                           MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555", err);
}
