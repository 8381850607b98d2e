/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if !defined(RR_STATIC) && !defined(RR_STATIC_DEPS)
#include <dlfcn.h>
#include <link.h>
#include <seccomp.h>
#define RR_SHARED_LIBSECCOMP 1
#define RR_STR_(x) #x
#define RR_STR(x) RR_STR_(x)
#endif

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp.h"
#include "libredrun/os/security/seccomp_internal.h"

/*
 * File layout: a header, the key, the library identity, the instructions, the
 * maker's meta bytes (native endianness: the cache never leaves the machine).
 * The sum covers all but the header: the
 * directory is private to its user, so this is no defence against its owner;
 * it turns a corrupted file (a disk error, a bad copy) into a miss instead of
 * a different filter that the kernel would accept.
 */
static const char cache_magic[8] = "RRSCMP04";

struct cache_header {
  char magic[8];
  uint64_t keylen, liblen, count, metalen, sum;
};

/*
 * Which shared libseccomp compiled an entry: the identity of its file (a
 * package update replaces it) then its path. The key names the headers and
 * the executable; checking the library by a stat of its path lets a hit
 * skip loading it (the default dynamic build opens it on first use, ≈ 0.2 ms).
 * Empty when libseccomp is linked into the executable.
 */
struct lib_id {
  uint64_t dev, ino, size, mtime_s, mtime_ns;
  char path[4096];
};

static size_t lib_id_len(const struct lib_id *l)
{
  return l->path[0] ? offsetof(struct lib_id, path) + strlen(l->path) : 0;
}

#ifdef RR_SHARED_LIBSECCOMP
static bool lib_id_of(const char *path, struct lib_id *l)
{
  struct stat st;
  memset(l, 0, sizeof(*l));
  if (strlen(path) >= sizeof(l->path) || stat(path, &st) < 0)
    return false;
  l->dev = st.st_dev;
  l->ino = st.st_ino;
  l->size = (uint64_t)st.st_size;
  l->mtime_s = (uint64_t)st.st_mtim.tv_sec;
  l->mtime_ns = (uint64_t)st.st_mtim.tv_nsec;
  snprintf(l->path, sizeof(l->path), "%s", path);
  return true;
}
#endif

/* At a store (after compiling, so a shared libseccomp is loaded). */
static bool lib_id_loaded(struct lib_id *l)
{
  memset(l, 0, sizeof(*l));
#ifdef RR_SHARED_LIBSECCOMP
  void *h = dlopen("libseccomp.so." RR_STR(SCMP_VER_MAJOR), RTLD_LAZY | RTLD_NOLOAD);
  struct link_map *lm = NULL;
  bool ok = h != NULL && dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm != NULL && lm->l_name != NULL &&
            lm->l_name[0] == '/' && lib_id_of(lm->l_name, l);
  if (h != NULL)
    dlclose(h);
  return ok;
#else
  return true;
#endif
}

/* At a hit: the library the entry names is still the same file. */
static bool lib_id_matches(const unsigned char *stored, size_t len)
{
#ifdef RR_SHARED_LIBSECCOMP
  size_t head = offsetof(struct lib_id, path);
  if (len <= head || len - head >= sizeof(((struct lib_id *)0)->path))
    return false;
  char path[sizeof(((struct lib_id *)0)->path)];
  memcpy(path, stored + head, len - head);
  path[len - head] = '\0';
  struct lib_id now;
  return lib_id_of(path, &now) && lib_id_len(&now) == len && memcmp(&now, stored, len) == 0;
#else
  return len == 0 && stored != NULL;
#endif
}

/* A temporary file this old belongs to a writer that died. */
#define STALE_TMP_S 600

/* 8 bytes per step: the key of podman's profile is ≈ 9 KB. Not a
 * cryptographic hash: a hit compares the whole key. */
static uint64_t hash64(const void *p, size_t n, uint64_t h)
{
  const unsigned char *b = p;
  h ^= n * 0x9e3779b97f4a7c15ULL;
  for (; n >= 8; b += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, b, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  memcpy(&w, b, n);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 29);
}

static uint64_t entry_sum(const struct rr_buf *key, const void *lib, size_t liblen,
                          const struct sock_filter *insns, size_t n, const void *meta,
                          size_t metalen)
{
  uint64_t h = hash64(key->data, key->len, 0x5eccc0de);
  h = hash64(insns, n * sizeof(*insns), hash64(lib, liblen, h));
  return hash64(meta, metalen, h);
}

/* Entries carry at most this much meta (a raw section's listener path and
 * metadata): anything larger is a corrupted header. */
#define META_MAX (64 * 1024)

char *rr_seccomp_cache_dir(const char *state_root)
{
  if (state_root == NULL || state_root[0] == '\0')
    return NULL;
  return rr_xasprintf("%s/%s", state_root, RR_SECCOMP_CACHE_NAME);
}

/*
 * A loaded filter is the container's sandbox: only trust a directory that we
 * own and nobody else can write, opened without following a symlink. It is
 * made inside an existing state root only (the state code creates roots).
 */
static int open_dir(const char *dir, bool create)
{
  if (dir == NULL)
    return -1;
  if (create && mkdir(dir, 0700) < 0 && errno != EEXIST) {
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
  snprintf(name, 32, "%016llx.bpf", (unsigned long long)hash64(key->data, key->len, 0));
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

/*
 * The entry's mtime is its last use: eviction removes the least recently
 * used. Stamped at every hit (one futimens, ≈ 1 µs): a coarser stamp let an
 * entry in constant use look older than a minute of new entries (64 misses
 * take ≈ 2 s) and be evicted.
 */
static void mark_used(int fd)
{
  if (futimens(fd, NULL) < 0)
    rr_debug("seccomp cache: cannot mark an entry used: %s", strerror(errno));
}

bool rr_seccomp_cache_load(const char *dir, const struct rr_buf *key, struct sock_filter **insns,
                           size_t *n, struct rr_buf *meta)
{
  _cleanup_close_ int dfd = open_dir(dir, false);
  if (dfd < 0)
    return false;
  char name[32];
  file_name(key, name);
  _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return false;
  struct stat st;
  struct cache_header h;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 022) != 0 || (uint64_t)st.st_size < sizeof(h) + key->len + sizeof(**insns) ||
      (uint64_t)st.st_size >
          sizeof(h) + key->len + sizeof(struct lib_id) + BPF_MAXINSNS * sizeof(**insns) + META_MAX)
    return false;
  /* one read for the whole entry */
  size_t size = (size_t)st.st_size;
  _cleanup_free_ unsigned char *buf = rr_xmalloc(size);
  if (!read_all(fd, buf, size))
    return false;
  memcpy(&h, buf, sizeof(h));
  if (memcmp(h.magic, cache_magic, sizeof(cache_magic)) != 0 || h.keylen != key->len ||
      h.liblen > sizeof(struct lib_id) || h.count == 0 || h.count > BPF_MAXINSNS ||
      h.metalen > META_MAX ||
      sizeof(h) + key->len + h.liblen + h.count * sizeof(**insns) + h.metalen != size ||
      memcmp(buf + sizeof(h), key->data, key->len) != 0)
    return false;
  const unsigned char *lib = buf + sizeof(h) + key->len;
  size_t count = h.count;
  _cleanup_free_ struct sock_filter *prog = rr_xmalloc(count * sizeof(*prog));
  memcpy(prog, lib + h.liblen, count * sizeof(*prog));
  const unsigned char *stored_meta = lib + h.liblen + count * sizeof(*prog);
  if (h.sum != entry_sum(key, lib, h.liblen, prog, count, stored_meta, h.metalen)) {
    rr_debug("seccomp cache: `%s` is corrupted, recompiling", name);
    return false;
  }
  if (!lib_id_matches(lib, h.liblen)) {
    rr_debug("seccomp cache: `%s` was compiled by another libseccomp, recompiling", name);
    return false;
  }
  mark_used(fd);
  if (meta != NULL) {
    meta->data = rr_xmalloc(h.metalen + 1);
    memcpy(meta->data, stored_meta, h.metalen);
    meta->len = meta->cap = h.metalen;
  }
  *insns = steal_ptr(prog);
  *n = count;
  return true;
}

struct entry {
  struct timespec used;
  char name[32];
};

static int by_use(const void *a, const void *b)
{
  const struct timespec *x = &((const struct entry *)a)->used,
                        *y = &((const struct entry *)b)->used;
  if (x->tv_sec != y->tv_sec)
    return x->tv_sec < y->tv_sec ? -1 : 1;
  return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

static bool is_entry_name(const char *s)
{
  size_t n = strlen(s);
  return n == 20 && strspn(s, "0123456789abcdef") == 16 && strcmp(s + 16, ".bpf") == 0;
}

/* Only after a store (a miss, which compiled for milliseconds): keep at most
 * RR_SECCOMP_CACHE_MAX entries, removing the least recently used, and remove
 * temporary files of writers that died. */
static void evict(int dfd)
{
  int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (d == NULL) {
    if (fd >= 0)
      close(fd);
    return;
  }
  struct entry *v = NULL;
  size_t n = 0, cap = 0;
  time_t now = time(NULL);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    struct stat st;
    bool entry = is_entry_name(e->d_name);
    bool tmp = !entry && e->d_name[0] == '.' && strstr(e->d_name, ".bpf.") != NULL;
    if ((!entry && !tmp) || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
      continue;
    if (tmp) {
      if (now - st.st_mtim.tv_sec > STALE_TMP_S)
        unlinkat(dfd, e->d_name, 0);
      continue;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 2 * RR_SECCOMP_CACHE_MAX;
      v = rr_xrealloc(v, cap * sizeof(*v));
    }
    v[n].used = st.st_mtim;
    snprintf(v[n].name, sizeof(v[n].name), "%s", e->d_name);
    n++;
  }
  closedir(d);
  if (n > RR_SECCOMP_CACHE_MAX) {
    qsort(v, n, sizeof(*v), by_use);
    for (size_t i = 0; i < n - RR_SECCOMP_CACHE_MAX; i++) {
      rr_debug("seccomp cache: evicting `%s`", v[i].name);
      unlinkat(dfd, v[i].name, 0);
    }
  }
  free(v);
}

void rr_seccomp_cache_store(const char *dir, const struct rr_buf *key,
                            const struct sock_filter *insns, size_t n, const struct rr_buf *meta)
{
  const void *mdata = meta != NULL && meta->data != NULL ? (const void *)meta->data : "";
  size_t mlen = meta != NULL ? meta->len : 0;
  if (mlen > META_MAX)
    return;
  _cleanup_close_ int dfd = open_dir(dir, true);
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
  struct lib_id lib;
  if (!lib_id_loaded(&lib)) {
    rr_debug("seccomp cache: cannot tell which libseccomp compiled `%s`, not stored", name);
    unlinkat(dfd, tmp, 0);
    return;
  }
  size_t liblen = lib_id_len(&lib);
  struct cache_header h = {.keylen = key->len,
                           .liblen = liblen,
                           .count = n,
                           .metalen = mlen,
                           .sum = entry_sum(key, &lib, liblen, insns, n, mdata, mlen)};
  memcpy(h.magic, cache_magic, sizeof(h.magic));
  bool ok = write_all(fd, &h, sizeof(h)) && write_all(fd, key->data, key->len) &&
            write_all(fd, &lib, liblen) && write_all(fd, insns, n * sizeof(*insns)) &&
            (mlen == 0 || write_all(fd, mdata, mlen));
  /* Written under a private name and renamed: readers see a whole file or none. */
  if (!ok || renameat(dfd, tmp, dfd, name) < 0) {
    rr_debug("seccomp cache: cannot store `%s`: %s", name, strerror(errno));
    unlinkat(dfd, tmp, 0);
    return;
  }
  evict(dfd);
}
