/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"

/* tmpcopyup: the new tmpfs starts with the content of the directory it
 * covers (e.g. an image's /run or /tmp). Nothing is followed: symlinks are
 * copied as symlinks, and both sides are walked by fd. */

static int copy_file(int from_dir, int to_dir, const char *name, const struct stat *st,
                     struct rr_error **err)
{
  _cleanup_close_ int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return rr_fail_errno(err, "open `%s`", name);
  _cleanup_close_ int out = openat(
      to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return rr_fail_errno(err, "create `%s`", name);
  off_t left = st->st_size;
  while (left > 0) {
    ssize_t n = sendfile(out, in, NULL, (size_t)left > (1 << 30) ? (1 << 30) : (size_t)left);
    if (n < 0)
      return rr_fail_errno(err, "copy `%s`", name);
    if (n == 0)
      break;
    left -= n;
  }
  return 0;
}

static int copy_entry(int from_dir, int to_dir, const char *name, int depth, struct rr_error **err);

static int copy_dir(int from, int to, int depth, struct rr_error **err)
{
  if (depth > 64)
    return rr_fail(err, RR_ERR_UNSUPPORTED, ELOOP, "tree too deep");
  int dupfd = fcntl(from, F_DUPFD_CLOEXEC, 0);
  if (dupfd < 0)
    return rr_fail_errno(err, "dup");
  DIR *d = fdopendir(dupfd);
  if (d == NULL) {
    close(dupfd);
    return rr_fail_errno(err, "opendir");
  }
  int r = 0;
  struct dirent *de;
  while (r == 0 && (de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    r = copy_entry(from, to, de->d_name, depth, err);
  }
  closedir(d);
  return r;
}

static int copy_entry(int from_dir, int to_dir, const char *name, int depth, struct rr_error **err)
{
  struct stat st;
  if (fstatat(from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return rr_fail_errno(err, "stat `%s`", name);
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(to_dir, name, st.st_mode & 07777) < 0 && errno != EEXIST)
      return rr_fail_errno(err, "mkdir `%s`", name);
    _cleanup_close_ int from =
        openat(from_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    _cleanup_close_ int to = openat(to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (from < 0 || to < 0)
      return rr_fail_errno(err, "open `%s`", name);
    if (copy_dir(from, to, depth + 1, err) < 0)
      return -1;
  } else if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlinkat(from_dir, name, target, sizeof(target) - 1);
    if (n < 0)
      return rr_fail_errno(err, "readlink `%s`", name);
    target[n] = '\0';
    if (symlinkat(target, to_dir, name) < 0)
      return rr_fail_errno(err, "symlink `%s`", name);
  } else if (S_ISREG(st.st_mode)) {
    if (copy_file(from_dir, to_dir, name, &st, err) < 0)
      return -1;
  } else {
    if (mknodat(to_dir, name, st.st_mode, st.st_rdev) < 0)
      return rr_fail_errno(err, "mknod `%s`", name);
  }
  if (fchownat(to_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM &&
      errno != EINVAL)
    return rr_fail_errno(err, "chown `%s`", name);
  if (!S_ISLNK(st.st_mode) && fchmodat(to_dir, name, st.st_mode & 07777, 0) < 0)
    return rr_fail_errno(err, "chmod `%s`", name);
  struct timespec ts[2] = {st.st_atim, st.st_mtim};
  utimensat(to_dir, name, ts, AT_SYMLINK_NOFOLLOW);
  return 0;
}

int rr_fs_copy_tree(int from_fd, int to_fd, struct rr_error **err)
{
  return copy_dir(from_fd, to_fd, 0, err);
}
