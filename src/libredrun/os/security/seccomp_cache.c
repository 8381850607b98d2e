/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp.h"
#include "libredrun/os/security/seccomp_internal.h"

/*
 * File layout: magic, key length, key bytes, instruction count, instructions
 * (native endianness: the cache never leaves the machine).
 */
static const char cache_magic[8] = "RRSCMP01";

static char *cache_dir;
static bool cache_dir_set;

void rr_seccomp_set_cache_dir(const char *dir)
{
  free(cache_dir);
  cache_dir = dir ? rr_xstrdup(dir) : NULL;
  cache_dir_set = true;
}

static const char *current_dir(void)
{
  if (cache_dir_set)
    return cache_dir;
  /* Rootless: /run/redrun is not ours, the per-user runtime dir is. */
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (geteuid() != 0 && xdg != NULL && xdg[0] == '/') {
    cache_dir = rr_xasprintf("%s/redrun/seccomp-cache", xdg);
    cache_dir_set = true;
    return cache_dir;
  }
  return RR_SECCOMP_CACHE_DIR;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static int mkdir_parents(const char *dir)
{
  _cleanup_free_ char *p = rr_xstrdup(dir);
  for (char *s = strchr(p + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
    *s = '\0';
    if (mkdir(p, 0700) < 0 && errno != EEXIST)
      return -1;
    *s = '/';
  }
  if (mkdir(p, 0700) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

/*
 * A loaded filter is the container's sandbox: only trust a directory that we
 * own and nobody else can write, opened without following a symlink.
 */
static int open_dir(bool create)
{
  const char *dir = current_dir();
  if (dir == NULL || dir[0] != '/')
    return -1;
  if (create && mkdir_parents(dir) < 0) {
    rr_debug("seccomp cache: cannot create `%s`: %s", dir, strerror(errno));
    return -1;
  }
  _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
    rr_debug("seccomp cache: `%s` is not private to this user, not used", dir);
    return -1;
  }
  return steal_fd(fd);
}

static void file_name(const struct rr_buf *key, char name[32])
{
  snprintf(name, 32, "%016llx.bpf", (unsigned long long)fnv1a(key->data, key->len));
}

static bool read_all(int fd, void *p, size_t n)
{
  size_t done = 0;
  while (done < n) {
    ssize_t r = read(fd, (char *)p + done, n - done);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return false;
    done += (size_t)r;
  }
  return true;
}

static bool write_all(int fd, const void *p, size_t n)
{
  size_t done = 0;
  while (done < n) {
    ssize_t r = write(fd, (const char *)p + done, n - done);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return false;
    done += (size_t)r;
  }
  return true;
}

bool rr_seccomp_cache_load(const struct rr_buf *key, struct sock_filter **insns, size_t *n)
{
  _cleanup_close_ int dfd = open_dir(false);
  if (dfd < 0)
    return false;
  char name[32];
  file_name(key, name);
  _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return false;
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 022) != 0)
    return false;

  char magic[sizeof(cache_magic)];
  uint64_t keylen, count;
  if (!read_all(fd, magic, sizeof(magic)) || memcmp(magic, cache_magic, sizeof(magic)) != 0 ||
      !read_all(fd, &keylen, sizeof(keylen)) || keylen != key->len)
    return false;
  _cleanup_free_ unsigned char *stored = rr_xmalloc(key->len ? key->len : 1);
  if (!read_all(fd, stored, key->len) || memcmp(stored, key->data, key->len) != 0)
    return false;
  if (!read_all(fd, &count, sizeof(count)) || count == 0 || count > BPF_MAXINSNS)
    return false;
  size_t expect = sizeof(magic) + sizeof(keylen) + key->len + sizeof(count) +
                  count * sizeof(struct sock_filter);
  if ((uint64_t)st.st_size != expect)
    return false;
  _cleanup_free_ struct sock_filter *prog = rr_xmalloc(count * sizeof(struct sock_filter));
  if (!read_all(fd, prog, count * sizeof(struct sock_filter)))
    return false;
  *insns = steal_ptr(prog);
  *n = count;
  return true;
}

void rr_seccomp_cache_store(const struct rr_buf *key, const struct sock_filter *insns, size_t n)
{
  _cleanup_close_ int dfd = open_dir(true);
  if (dfd < 0)
    return;
  char name[32], tmp[64];
  file_name(key, name);
  snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
  _cleanup_close_ int fd =
      openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    rr_debug("seccomp cache: cannot create `%s`: %s", tmp, strerror(errno));
    return;
  }
  uint64_t keylen = key->len, count = n;
  bool ok = write_all(fd, cache_magic, sizeof(cache_magic)) &&
            write_all(fd, &keylen, sizeof(keylen)) && write_all(fd, key->data, key->len) &&
            write_all(fd, &count, sizeof(count)) &&
            write_all(fd, insns, n * sizeof(struct sock_filter));
  /* Written under a private name and renamed: readers see a whole file or none. */
  if (!ok || renameat(dfd, tmp, dfd, name) < 0) {
    rr_debug("seccomp cache: cannot store `%s`: %s", name, strerror(errno));
    unlinkat(dfd, tmp, 0);
  }
}
