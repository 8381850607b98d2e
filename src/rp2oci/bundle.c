/* SPDX-License-Identifier: Apache-2.0 */
/* Writing the bundle: the root skeleton (mount points and Symlink exports),
 * the generated files, then config.json, atomically and last. Everything is
 * created relative to directory fds with O_NOFOLLOW, so a Symlink export
 * (an absolute link into the host's namespace) is never followed while the
 * skeleton is built: nothing outside the bundle is touched. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "rp2oci/bundle.h"

static int mkdir_p(const char *path, struct rr_error **err)
{
  _cleanup_free_ char *p = rr_xstrdup(path);
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(p, 0755) < 0 && errno != EEXIST)
        return rr_fail_errno(err, "create `%s`", p);
      *s = c;
      if (c == '\0')
        break;
    }
  }
  return 0;
}

/* Open (creating as directories) every component of rel below dirfd, without
 * following symlinks. Returns -2 when a component is a symlink or not a
 * directory: the runtime resolves such paths inside the container. */
static int open_parents(int dirfd, const char *rel, size_t len, struct rr_error **err)
{
  int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    return rr_fail_errno(err, "dup");
  const char *s = rel;
  const char *end = rel + len;
  while (s < end) {
    while (s < end && *s == '/')
      s++;
    const char *e = s;
    while (e < end && *e != '/')
      e++;
    if (e == s)
      break;
    char name[256];
    size_t n = (size_t)(e - s);
    if (n >= sizeof(name)) {
      close(fd);
      return rr_fail(err, RR_ERR_INVALID, ENAMETOOLONG, "path component too long in `%s`", rel);
    }
    memcpy(name, s, n);
    name[n] = '\0';
    if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST) {
      int r = rr_fail_errno(err, "create rootfs directory `%.*s`", (int)(e - rel), rel);
      close(fd);
      return r;
    }
    int next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(fd);
    if (next < 0)
      return (errno == ELOOP || errno == ENOTDIR) ? -2 : rr_fail_errno(err, "open `%s`", name);
    fd = next;
    s = e;
  }
  return fd;
}

static int make_mount_point(int rootfd, const char *dst, bool file, struct rr_error **err)
{
  if (strcmp(dst, "/") == 0)
    return 0;
  const char *base = strrchr(dst, '/') + 1;
  int pfd = open_parents(rootfd, dst, (size_t)(base - dst), err);
  if (pfd == -2)
    return 0;
  if (pfd < 0)
    return -1;
  _cleanup_close_ int parent = pfd;
  if (file) {
    int fd = openat(parent, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0)
      close(fd);
    else if (errno != EISDIR && errno != ELOOP)
      return rr_fail_errno(err, "create rootfs mount point `%s`", dst);
  } else if (mkdirat(parent, base, 0755) < 0 && errno != EEXIST) {
    return rr_fail_errno(err, "create rootfs mount point `%s`", dst);
  }
  return 0;
}

static int make_symlink(int rootfd, const struct rp_link *l, struct rr_error **err)
{
  const char *base = strrchr(l->link, '/') + 1;
  if (*base == '\0')
    return rr_fail(err, RR_ERR_INVALID, 0, "Symlink at `/` is not possible");
  int pfd = open_parents(rootfd, l->link, (size_t)(base - l->link), err);
  if (pfd == -2)
    return rr_fail(err, RR_ERR_INVALID, 0, "Symlink `%s`: a parent is itself a symlink", l->link);
  if (pfd < 0)
    return -1;
  _cleanup_close_ int parent = pfd;
  char cur[4096];
  ssize_t n = readlinkat(parent, base, cur, sizeof(cur) - 1);
  if (n >= 0) {
    cur[n] = '\0';
    if (strcmp(cur, l->target) == 0)
      return 0;
    if (unlinkat(parent, base, 0) < 0)
      return rr_fail_errno(err, "replace rootfs symlink `%s`", l->link);
  }
  if (symlinkat(l->target, parent, base) < 0)
    return rr_fail_errno(err, "create rootfs symlink `%s`", l->link);
  return 0;
}

static int write_file_at(int dirfd, const char *name, const char *data, size_t len,
                         struct rr_error **err)
{
  _cleanup_close_ int fd =
      openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return rr_fail_errno(err, "create `%s`", name);
  if (rr_write_all(fd, data, len) < 0)
    return rr_fail_errno(err, "write `%s`", name);
  return 0;
}

int rp_bundle_clear(const char *bundle)
{
  _cleanup_free_ char *p = rr_xasprintf("%s/config.json", bundle);
  return unlink(p) < 0 && errno != ENOENT ? -1 : 0;
}

static bool source_is_file(int bundlefd, const struct rp_mount *mt)
{
  if (strcmp(mt->type, "bind") != 0)
    return false;
  struct stat st;
  int r = mt->source[0] == '/' ? stat(mt->source, &st) : fstatat(bundlefd, mt->source, &st, 0);
  return r == 0 && !S_ISDIR(st.st_mode);
}

int rp_bundle_write(const struct rp_plan *plan, const char *bundle, const char *rootfs,
                    const char *json, struct rr_error **err)
{
  if (mkdir_p(bundle, err) < 0)
    return -1;
  _cleanup_close_ int bfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (bfd < 0)
    return rr_fail_errno(err, "open bundle `%s`", bundle);
  if (rootfs == NULL && mkdirat(bfd, "rootfs", 0755) < 0 && errno != EEXIST)
    return rr_fail_errno(err, "create `%s/rootfs`", bundle);
  _cleanup_close_ int rfd =
      rootfs ? open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
             : openat(bfd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (rfd < 0)
    return rr_fail_errno(err, "open root `%s`", rootfs ? rootfs : "rootfs");

  if (plan->nfiles > 0) {
    if (mkdirat(bfd, "redpak-files", 0755) < 0 && errno != EEXIST)
      return rr_fail_errno(err, "create `%s/redpak-files`", bundle);
    _cleanup_close_ int ffd =
        openat(bfd, "redpak-files", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (ffd < 0)
      return rr_fail_errno(err, "open `%s/redpak-files`", bundle);
    for (size_t i = 0; i < plan->nfiles; i++)
      if (write_file_at(ffd, strrchr(plan->files[i].name, '/') + 1, plan->files[i].data,
                        plan->files[i].len, err) < 0)
        return -1;
  }
  /* symlinks first: a mount point below a link is then left to the runtime */
  for (size_t i = 0; i < plan->nlinks; i++)
    if (make_symlink(rfd, &plan->links[i], err) < 0)
      return -1;
  for (size_t i = 0; i < plan->nmounts; i++)
    if (make_mount_point(rfd, plan->mounts[i].destination, source_is_file(bfd, &plan->mounts[i]),
                         err) < 0)
      return -1;

  if (write_file_at(bfd, "config.json.tmp", json, strlen(json), err) < 0)
    return -1;
  if (renameat(bfd, "config.json.tmp", bfd, "config.json") < 0) {
    int r = rr_fail_errno(err, "rename config.json");
    unlinkat(bfd, "config.json.tmp", 0);
    return r;
  }
  return 0;
}
