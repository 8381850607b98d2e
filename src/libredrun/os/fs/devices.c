/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/fs/resolve.h"

/* What every container gets in /dev unless /dev is bind-mounted from outside:
 * the set runc and crun create, so programs find the same /dev everywhere. */
static const struct {
  const char *path;
  unsigned major, minor;
} default_devices[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
  const char *target, *name;
} default_links[] = {
    {"/proc/self/fd", "fd"},       {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"}, {"/proc/kcore", "core"},
};

static struct rr_fs_device *find_device(struct rr_fs_plan *plan, const char *path)
{
  for (size_t i = 0; i < plan->n_devices; i++)
    if (strcmp(plan->devices[i].path, path) == 0)
      return &plan->devices[i];
  return NULL;
}

static struct rr_fs_device *add_device(struct rr_fs_plan *plan, const char *path)
{
  struct rr_fs_device *d = find_device(plan, path);
  if (d)
    return d; /* a linux.devices entry replaces the default of the same path */
  plan->devices = rr_xrealloc(plan->devices, (plan->n_devices + 1) * sizeof(*plan->devices));
  d = &plan->devices[plan->n_devices++];
  memset(d, 0, sizeof(*d));
  d->path = rr_xstrdup(path);
  return d;
}

static int device_type(const char *t, mode_t *out)
{
  if (t == NULL)
    return -1;
  if (strcmp(t, "c") == 0 || strcmp(t, "u") == 0)
    *out = S_IFCHR;
  else if (strcmp(t, "b") == 0)
    *out = S_IFBLK;
  else if (strcmp(t, "p") == 0)
    *out = S_IFIFO;
  else
    return -1;
  return 0;
}

int rr_fs_plan_devices(const oci_config *cfg, struct rr_fs_plan *plan, struct rr_error **err)
{
  if (plan->default_dev) {
    for (size_t i = 0; i < RR_ARRAY_SIZE(default_devices); i++) {
      struct rr_fs_device *d = add_device(plan, default_devices[i].path);
      d->type = S_IFCHR;
      d->rdev = makedev(default_devices[i].major, default_devices[i].minor);
      d->mode = 0666;
    }
  }
  const oci_linux *lx = cfg->linux;
  for (size_t i = 0; lx && i < lx->devices_len; i++) {
    const oci_device *od = lx->devices[i];
    mode_t type;
    if (od == NULL || od->path == NULL || od->path[0] != '/')
      return rr_fail(err, RR_ERR_INVALID, 0, ".linux.devices[%zu].path: must be absolute", i);
    if (device_type(od->type, &type) < 0)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.devices[%zu].type: `%s` is not one of c, b, u, p", i,
                     od->type ? od->type : "");
    if (type != S_IFIFO && (!od->major_present || !od->minor_present))
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.devices[%zu]: major and minor are required for type `%s`", i,
                     od->type);
    struct rr_fs_device *d = add_device(plan, od->path);
    d->type = type;
    d->rdev = type == S_IFIFO ? 0 : makedev(od->major, od->minor);
    d->mode = od->file_mode_present ? (od->file_mode & 07777) : 0666;
    d->uid = od->uid_present ? od->uid : 0;
    d->gid = od->gid_present ? od->gid : 0;
  }
  return 0;
}

/* The parent directory of `path` inside the root, created if missing. The
 * last one opened is kept in *cache (its path in *cached): most devices share
 * /dev, which is then resolved once. */
static int open_parent(int rootfd, const char *path, const char **name, int *cache, char **cached,
                       struct rr_error **err)
{
  _cleanup_free_ char *copy = rr_xstrdup(path);
  *name = strrchr(path, '/') + 1;
  if (**name == '\0' || strcmp(*name, ".") == 0 || strcmp(*name, "..") == 0)
    return rr_fail(err, RR_ERR_INVALID, EINVAL, "`%s` does not name a file", path);
  const char *parent = dirname(copy);
  if (*cache >= 0 && strcmp(*cached, parent) == 0)
    return *cache;
  int fd = rr_fs_open_in_root(rootfd, parent, O_PATH | O_DIRECTORY, RR_RESOLVE_MKDIR, err);
  if (fd < 0)
    return -1;
  if (*cache >= 0)
    close(*cache);
  free(*cached);
  *cache = fd;
  *cached = rr_xstrdup(parent);
  return fd;
}

/* An empty regular file `name` in dir. Whatever else the image has there (a
 * fifo that would block, a device, a symlink) is removed first, never opened. */
static int create_placeholder(int dir, const char *name, mode_t mode)
{
  for (int tries = 0; tries < 3; tries++) {
    int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) {
      close(fd);
      return 0;
    }
    if (errno != EEXIST)
      return -1;
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
      return 0;
    if (unlinkat(dir, name, 0) < 0 && errno != ENOENT)
      return -1;
  }
  errno = EEXIST;
  return -1;
}

/* In a user namespace mknod is not allowed: the host's node is bind-mounted
 * onto an empty file instead. */
static int bind_device(int dir, const char *name, const struct rr_fs_device *d,
                       struct rr_error **err)
{
  _cleanup_close_ int src = open(d->path, O_PATH | O_CLOEXEC);
  if (src < 0)
    return rr_fail_errno(err, "open host device `%s`", d->path);
  if (create_placeholder(dir, name, 0000) < 0)
    return rr_fail_errno(err, "create `%s`", d->path);
  _cleanup_close_ int target = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return rr_fail_errno(err, "open `%s`", d->path);
  struct stat st;
  if (fstat(target, &st) < 0 || !S_ISREG(st.st_mode))
    return rr_fail(err, RR_ERR_INVALID, 0, "`%s` exists and is not a regular file", d->path);
  return rr_fs_bind_fd(src, target, false, NULL, err);
}

/* `born_ours`: a node made in `dir` already has the owner the config asks
 * for (our fsuid/fsgid, no setgid directory), so no chown is needed. */
static int make_node(int dir, const char *name, const struct rr_fs_device *d, bool born_ours,
                     struct rr_error **err)
{
  if (mknodat(dir, name, d->type | d->mode, d->rdev) < 0) {
    if (errno != EEXIST)
      return rr_fail_errno(err, "mknod `%s`", d->path);
    /* Whatever the image shipped there is replaced, never written through. */
    if (unlinkat(dir, name, 0) < 0 || mknodat(dir, name, d->type | d->mode, d->rdev) < 0)
      return rr_fail_errno(err, "mknod `%s`", d->path);
  }
  if (!born_ours && fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return rr_fail_errno(err, "chown `%s`", d->path);
  return 0;
}

static int create_links(int rootfd, const struct rr_fs_plan *plan, struct rr_error **err)
{
  _cleanup_close_ int dev =
      rr_fs_open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY, RR_RESOLVE_MKDIR, err);
  if (dev < 0)
    return -1;
  for (size_t i = 0; i < RR_ARRAY_SIZE(default_links); i++) {
    if (strcmp(default_links[i].name, "core") == 0 && access("/proc/kcore", F_OK) < 0)
      continue;
    if (symlinkat(default_links[i].target, dev, default_links[i].name) < 0 && errno != EEXIST)
      return rr_fail_errno(err, "symlink `/dev/%s`", default_links[i].name);
  }
  if (plan->has_devpts) {
    /* The container's pty master comes from its own devpts instance. */
    if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
      return rr_fail_errno(err, "remove `/dev/ptmx`");
    if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
      return rr_fail_errno(err, "symlink `/dev/ptmx`");
  }
  if (plan->opts.terminal) {
    /* A placeholder file: rr_fs_setup_console binds the pty slave onto it. */
    if (create_placeholder(dev, "console", 0600) < 0)
      return rr_fail_errno(err, "create `/dev/console`");
  }
  return 0;
}

int rr_fs_create_devices(const struct rr_fs_plan *plan, int rootfd, struct rr_error **err)
{
  mode_t old_umask = umask(0);
  int r = 0;
  _cleanup_close_ int cache = -1;
  _cleanup_free_ char *cached = NULL;
  int stat_dir = -1;
  bool setgid_dir = true;
  uid_t euid = geteuid();
  gid_t egid = getegid();
  for (size_t i = 0; r == 0 && i < plan->n_devices; i++) {
    const struct rr_fs_device *d = &plan->devices[i];
    const char *name;
    int dir = open_parent(rootfd, d->path, &name, &cache, &cached, err);
    if (dir < 0) {
      r = -1;
    } else if (plan->opts.in_user_ns) {
      r = bind_device(dir, name, d, err);
    } else {
      if (dir != stat_dir) {
        struct stat st;
        setgid_dir = fstat(dir, &st) < 0 || (st.st_mode & S_ISGID) != 0;
        stat_dir = dir;
      }
      bool born_ours = !setgid_dir && d->uid == euid && d->gid == egid;
      r = make_node(dir, name, d, born_ours, err);
    }
  }
  if (r == 0 && plan->default_dev)
    r = create_links(rootfd, plan, err);
  umask(old_umask);
  return r < 0 ? rr_wrap(err, "create devices") : 0;
}

int rr_fs_setup_console(int pty_slave_fd, struct rr_error **err)
{
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return rr_fail_errno(err, "open `/`");
  _cleanup_close_ int target = rr_fs_open_in_root(
      root, "/dev/console", O_PATH, RR_RESOLVE_MKFILE | RR_RESOLVE_NOFOLLOW_LAST, err);
  if (target < 0)
    return rr_wrap(err, "set up /dev/console");
  struct stat st;
  if (fstat(target, &st) < 0)
    return rr_fail_errno(err, "stat `/dev/console`");
  /* Only our placeholder or a device: a symlink or directory planted there
   * would redirect the bind (the /dev/console race of the runc advisories). */
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
    return rr_fail(err, RR_ERR_INVALID, 0, "`/dev/console` is not a file or device");
  if (rr_fs_bind_fd(pty_slave_fd, target, false, NULL, err) < 0)
    return rr_wrap(err, "bind the terminal onto `/dev/console`");
  return 0;
}
