/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/fs/resolve.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* Linux's own limit on symlinks followed in one lookup. */
#define MAX_SYMLINKS 40

static bool force_fallback;
static bool no_openat2;

void rr_fs_resolve_force_fallback(bool force)
{
  force_fallback = force;
}

const char *rr_fs_fd_path(int fd, char buf[RR_FD_PATH_MAX])
{
  snprintf(buf, RR_FD_PATH_MAX, "/proc/self/fd/%d", fd);
  return buf;
}

/* -1 with errno; ENOSYS when openat2 cannot be used at all. */
static int try_openat2(int rootfd, const char *path, int oflags, unsigned rflags)
{
  struct open_how how = {
      .flags = (unsigned)(oflags | O_CLOEXEC),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  if (rflags & RR_RESOLVE_NOFOLLOW_LAST)
    how.flags |= O_NOFOLLOW;
  if (force_fallback || no_openat2) {
    errno = ENOSYS;
    return -1;
  }
  for (int tries = 0; tries < 8; tries++) {
    int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    if (fd >= 0)
      return fd;
    if (errno == EAGAIN || errno == EINTR)
      continue; /* a concurrent rename somewhere in the tree: the kernel asks to retry */
    if (errno == ENOSYS || errno == E2BIG || errno == EPERM) {
      /* EPERM: seccomp profiles of outer sandboxes often deny unknown syscalls */
      no_openat2 = true;
      errno = ENOSYS;
    }
    return -1;
  }
  errno = ENOSYS; /* kept racing: let the walk do it */
  return -1;
}

struct walk {
  int rootfd;
  int *stack; /* fds of the directories walked into; the root itself is not on it */
  size_t depth, cap;
};

static int walk_cur(const struct walk *w)
{
  return w->depth ? w->stack[w->depth - 1] : w->rootfd;
}

static void walk_push(struct walk *w, int fd)
{
  if (w->depth == w->cap) {
    w->cap = w->cap ? w->cap * 2 : 16;
    w->stack = rr_xrealloc(w->stack, w->cap * sizeof(int));
  }
  w->stack[w->depth++] = fd;
}

static void walk_pop(struct walk *w)
{
  if (w->depth)
    close(w->stack[--w->depth]);
}

static void walk_release(struct walk *w)
{
  while (w->depth)
    walk_pop(w);
  free(w->stack);
}

/* Split the next component off *rest into buf; false at the end. */
static bool next_component(const char **rest, char *buf, size_t size, bool *last)
{
  const char *p = *rest;
  while (*p == '/')
    p++;
  if (*p == '\0')
    return false;
  size_t n = strcspn(p, "/");
  if (n >= size)
    n = size - 1; /* longer than NAME_MAX: the open fails with ENAMETOOLONG anyway */
  memcpy(buf, p, n);
  buf[n] = '\0';
  p += strcspn(p, "/");
  *rest = p;
  while (*p == '/')
    p++;
  *last = *p == '\0';
  return true;
}

/* Create `name` in dir when missing. A concurrent creation is fine: the
 * caller opens it with O_NOFOLLOW afterwards and looks at what it got. */
static int create_missing(int dir, const char *name, bool file)
{
  if (file) {
    int fd = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
      return errno == EEXIST ? 0 : -1;
    close(fd);
    return 0;
  }
  if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

/* Open `name` inside `dir` with the caller's flags; never follows a symlink. */
static int open_final(int dir, const char *name, int oflags)
{
  return openat(dir, name, oflags | O_NOFOLLOW | O_CLOEXEC);
}

static int walk_open(int rootfd, const char *path, int oflags, unsigned rflags)
{
  _cleanup_free_ char *pathbuf = rr_xstrdup(path);
  struct walk w = {.rootfd = rootfd};
  const char *rest = pathbuf;
  char name[4096];
  bool last = false;
  int symlinks = 0, ret = -1, saved;
  bool create = rflags & (RR_RESOLVE_MKDIR | RR_RESOLVE_MKFILE);

  for (;;) {
    if (!next_component(&rest, name, sizeof(name), &last)) {
      /* path ended on "/", "." or "..": the result is the directory we are in */
      ret = openat(walk_cur(&w), ".", oflags | O_CLOEXEC);
      break;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
      if (name[1] == '.')
        walk_pop(&w); /* ".." at the root stays at the root */
      if (last) {
        ret = openat(walk_cur(&w), ".", oflags | O_CLOEXEC);
        break;
      }
      continue;
    }
    int dir = walk_cur(&w);
    if (last && (rflags & RR_RESOLVE_NOFOLLOW_LAST)) {
      ret = open_final(dir, name, oflags);
      if (ret < 0 && errno == ENOENT && create) {
        if (create_missing(dir, name, rflags & RR_RESOLVE_MKFILE) < 0)
          break;
        ret = open_final(dir, name, oflags);
      }
      break;
    }
    int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (create_missing(dir, name, last && (rflags & RR_RESOLVE_MKFILE)) < 0)
        break;
      fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0)
      break;
    struct stat st;
    if (fstat(fd, &st) < 0) {
      saved = errno;
      close(fd);
      errno = saved;
      break;
    }
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
      saved = errno;
      close(fd);
      if (n < 0) {
        errno = saved;
        break;
      }
      if (++symlinks > MAX_SYMLINKS) {
        errno = ELOOP;
        break;
      }
      target[n] = '\0';
      /* An absolute target restarts at the container's root, not the host's. */
      if (target[0] == '/')
        while (w.depth)
          walk_pop(&w);
      char *joined = rr_xasprintf("%s/%s", target, rest);
      free(pathbuf);
      pathbuf = joined;
      rest = pathbuf;
      continue;
    }
    if (!last) {
      if (!S_ISDIR(st.st_mode)) {
        close(fd);
        errno = ENOTDIR;
        break;
      }
      walk_push(&w, fd);
      continue;
    }
    if ((oflags & O_PATH) && !(oflags & O_DIRECTORY)) {
      ret = fd;
      break;
    }
    close(fd);
    /* Reopen with the caller's flags; if the name was swapped for a symlink in
     * between, O_NOFOLLOW makes this fail instead of following it. */
    ret = open_final(dir, name, oflags);
    break;
  }
  saved = errno;
  walk_release(&w);
  errno = saved;
  return ret;
}

int rr_fs_open_in_root(int rootfd, const char *path, int oflags, unsigned rflags,
                       struct rr_error **err)
{
  int fd = try_openat2(rootfd, path, oflags, rflags);
  if (fd >= 0)
    return fd;
  if (errno == ENOSYS || (errno == ENOENT && (rflags & (RR_RESOLVE_MKDIR | RR_RESOLVE_MKFILE))))
    fd = walk_open(rootfd, path, oflags, rflags);
  if (fd < 0)
    return rr_fail_errno(err, "open `%s` inside the container root", path);
  return fd;
}
