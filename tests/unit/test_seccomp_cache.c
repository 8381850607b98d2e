/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp: the on-disk cache of compiled programs in <state root>/.seccomp-cache:
 * hits and misses, damaged, foreign or unsafe entries rejected and recompiled,
 * a directory others can write ignored, and the bound on entries (least
 * recently used evicted, dead writers' temporary files removed). */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp.h"
#include "libredrun/os/security/seccomp_internal.h"
#include "oci_types.h"
#include "tests/unit/tap.h"
#include "tests/unit/files.h"

static char base[] = "/tmp/rr-test-sccache-XXXXXX";
static int n_roots;

/* A fresh state root per scenario; its cache is root/.seccomp-cache. */
static char *new_root(void)
{
  char *root = rr_xasprintf("%s/root%d", base, n_roots++);
  if (mkdir(root, 0711) < 0)
    printf("# mkdir %s: %s\n", root, strerror(errno));
  return root;
}

static char *section(int errno_ret)
{
  return rr_xasprintf("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{"
                      "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                      "[\"uname\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":%d}]}}}",
                      errno_ret);
}

/* prepare the section with errnoRet `e` under `root`; *hit tells a cache hit;
 * the program must equal a fresh compilation. */
static bool prepare(const char *root, int e, bool *hit)
{
  _cleanup_free_ char *json = section(e);
  struct rr_error *err = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &err);
  struct rr_seccomp *sc = NULL;
  struct sock_filter *ref = NULL;
  size_t n_ref = 0;
  bool ok = c != NULL && rr_seccomp_prepare(c->linux->seccomp, root, &sc, &err) == 0 &&
            rr_seccomp_compile(c->linux->seccomp, RR_SECCOMP_RANGES, &ref, &n_ref, &err) == 0 &&
            sc->n_insns == n_ref && memcmp(sc->insns, ref, n_ref * sizeof(*ref)) == 0;
  if (err != NULL)
    printf("# %s\n", err->msg);
  if (hit != NULL)
    *hit = sc != NULL && sc->cache_hit;
  rr_error_free(err);
  free(ref);
  rr_seccomp_free(sc);
  oci_config_free(c);
  return ok;
}

/* The filter from the cache does what the section says, in a child. */
static bool cached_filter_works(const char *root, int e)
{
  _cleanup_free_ char *json = section(e);
  struct rr_error *err = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &err);
  struct rr_seccomp *sc = NULL;
  if (c == NULL || rr_seccomp_prepare(c->linux->seccomp, root, &sc, &err) < 0) {
    rr_error_free(err);
    oci_config_free(c);
    return false;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct utsname u;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || rr_seccomp_install(sc, -1, NULL, &err) < 0)
      _exit(100);
    _exit(uname(&u) < 0 ? errno : 0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  bool hit = sc->cache_hit;
  rr_seccomp_free(sc);
  oci_config_free(c);
  return hit && WIFEXITED(st) && WEXITSTATUS(st) == e;
}

static char *cache_of(const char *root)
{
  return rr_xasprintf("%s/" RR_SECCOMP_CACHE_NAME, root);
}

/* The entry written last (entries are named by a hash of the key). */
static char *newest_entry(const char *dir)
{
  DIR *d = opendir(dir);
  char *best = NULL;
  struct timespec t = {0};
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    struct stat st;
    _cleanup_free_ char *p = rr_xasprintf("%s/%s", dir, e->d_name);
    if (e->d_name[0] == '.' || lstat(p, &st) < 0)
      continue;
    if (best == NULL || st.st_mtim.tv_sec > t.tv_sec ||
        (st.st_mtim.tv_sec == t.tv_sec && st.st_mtim.tv_nsec > t.tv_nsec)) {
      free(best);
      best = rr_xstrdup(p);
      t = st.st_mtim;
    }
  }
  if (d != NULL)
    closedir(d);
  return best;
}

static int count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL)
    n += e->d_name[0] != '.';
  if (d != NULL)
    closedir(d);
  return n;
}

static void set_mtime(const char *path, time_t t)
{
  struct timespec ts[2] = {{.tv_sec = t}, {.tv_sec = t}};
  if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) < 0)
    printf("# utimensat %s: %s\n", path, strerror(errno));
}

static void flip_byte(const char *path, off_t off)
{
  int fd = open(path, O_RDWR | O_CLOEXEC);
  unsigned char b = 0;
  if (off < 0)
    off += lseek(fd, 0, SEEK_END);
  if (fd < 0 || pread(fd, &b, 1, off) != 1 || (b ^= 0x10, pwrite(fd, &b, 1, off)) != 1)
    printf("# cannot flip byte %lld of %s\n", (long long)off, path);
  if (fd >= 0)
    close(fd);
}

static void test_hits(void)
{
  _cleanup_free_ char *root = new_root();
  _cleanup_free_ char *dir = cache_of(root);
  bool hit = true;
  TAP_OK(prepare(root, 21, &hit) && !hit, "first prepare compiles");
  struct stat st;
  TAP_OK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700,
         "cache made in the state root, mode 0700");
  TAP_OK(prepare(root, 21, &hit) && hit, "second prepare is a hit, same program");
  TAP_OK(cached_filter_works(root, 21), "the cached program works");
  TAP_OK(prepare(root, 22, &hit) && !hit, "another errnoRet: miss, its own program");
  TAP_OK(count_entries(dir) == 2, "one entry per section");
  TAP_OK(prepare(NULL, 21, &hit) && !hit, "no state root: no cache");

#if defined(RR_STATIC) || defined(RR_STATIC_DEPS)
  printf("ok %d - # SKIP libseccomp is linked statically: entries name no library\n", ++tap_n);
#else
  /* the shared libseccomp: the entry names its file, which a hit checks by
   * a stat instead of loading the library */
  _cleanup_free_ char *entry = newest_entry(dir);
  _cleanup_free_ char *cmd = rr_xasprintf("grep -q 'libseccomp\\.so' '%s'", entry);
  TAP_OK(entry != NULL && system(cmd) == 0, "the entry names the shared libseccomp");
#endif
}

/* Damage the only entry of a fresh cache with `how`, then expect a miss that
 * compiles the right program and rewrites the entry (the next one hits). */
static void damaged(const char *what, void (*how)(const char *entry))
{
  _cleanup_free_ char *root = new_root();
  _cleanup_free_ char *dir = cache_of(root);
  bool hit = true;
  if (!prepare(root, 23, &hit)) {
    TAP_OK(false, "%s: setup", what);
    return;
  }
  _cleanup_free_ char *entry = newest_entry(dir);
  how(entry);
  TAP_OK(prepare(root, 23, &hit) && !hit, "%s: rejected, recompiled", what);
  TAP_OK(prepare(root, 23, &hit) && hit, "%s: entry rewritten", what);
}

static void truncate_short(const char *e)
{
  if (truncate(e, 40) < 0)
    printf("# truncate: %s\n", strerror(errno));
}

static void truncate_insn(const char *e)
{
  struct stat st;
  if (stat(e, &st) < 0 || truncate(e, st.st_size - 8) < 0)
    printf("# truncate: %s\n", strerror(errno));
}

static void append_insn(const char *e)
{
  int fd = open(e, O_WRONLY | O_APPEND | O_CLOEXEC);
  struct sock_filter ret = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  if (fd < 0 || write(fd, &ret, sizeof(ret)) != sizeof(ret))
    printf("# append: %s\n", strerror(errno));
  if (fd >= 0)
    close(fd);
}

static void flip_insn(const char *e)
{
  flip_byte(e, -4); /* the k of the last instruction */
}

static void flip_key(const char *e)
{
  flip_byte(e, 40);
}

static void flip_magic(const char *e)
{
  flip_byte(e, 0);
}

static void foreign_owner(const char *e)
{
  if (chown(e, 65534, 65534) < 0)
    printf("# chown: %s\n", strerror(errno));
}

static void world_writable(const char *e)
{
  chmod(e, 0666);
}

/* A symlink to an intact copy of the entry. */
static void symlinked(const char *e)
{
  _cleanup_free_ char *copy = rr_xasprintf("%s/copy.bpf", base);
  _cleanup_free_ char *cmd = rr_xasprintf("cp -p '%s' '%s'", e, copy);
  if (system(cmd) != 0 || unlink(e) < 0 || symlink(copy, e) < 0)
    printf("# symlink setup failed\n");
}

static void test_damaged(void)
{
  damaged("truncated entry", truncate_short);
  damaged("entry short of one instruction", truncate_insn);
  damaged("entry with an extra instruction", append_insn);
  damaged("corrupted instruction", flip_insn);
  damaged("corrupted key", flip_key);
  damaged("corrupted magic", flip_magic);
  if (geteuid() == 0)
    damaged("entry owned by another user", foreign_owner);
  else
    printf("ok %d - # SKIP foreign owner needs root (chown)\n", ++tap_n);
  damaged("group/world-writable entry", world_writable);
  damaged("symlinked entry", symlinked);
}

static void test_unsafe_dir(void)
{
  _cleanup_free_ char *root = new_root();
  _cleanup_free_ char *dir = cache_of(root);
  bool hit = true;
  if (!prepare(root, 24, &hit))
    TAP_OK(false, "unsafe dir: setup");
  chmod(dir, 0777);
  TAP_OK(prepare(root, 24, &hit) && !hit, "group/world-writable cache dir is ignored");
  chmod(dir, 0700);
  TAP_OK(prepare(root, 24, &hit) && hit, "private again: used");

  /* a symlink in place of the directory, to a private one */
  _cleanup_free_ char *elsewhere = rr_xasprintf("%s.real", dir);
  if (rename(dir, elsewhere) < 0 || symlink(elsewhere, dir) < 0)
    printf("# symlink setup failed\n");
  TAP_OK(prepare(root, 24, &hit) && !hit, "symlinked cache dir is ignored");
}

static void test_eviction(void)
{
  _cleanup_free_ char *root = new_root();
  _cleanup_free_ char *dir = cache_of(root);
  time_t t0 = time(NULL) - 7200;
  char *names[RR_SECCOMP_CACHE_MAX] = {0};
  bool ok = true, hit;
  /* entries 0..MAX-1, last used in that order, hours ago */
  for (int i = 0; i < RR_SECCOMP_CACHE_MAX && ok; i++) {
    ok = prepare(root, 100 + i, &hit) && !hit;
    names[i] = newest_entry(dir);
    if (names[i] != NULL)
      set_mtime(names[i], t0 + i);
  }
  TAP_OK(ok && count_entries(dir) == RR_SECCOMP_CACHE_MAX, "cache filled to the bound (%d)",
         RR_SECCOMP_CACHE_MAX);
  /* a dead writer's temporary file and a live one */
  _cleanup_free_ char *stale = rr_xasprintf("%s/.0123456789abcdef.bpf.99999", dir);
  _cleanup_free_ char *fresh = rr_xasprintf("%s/.fedcba9876543210.bpf.99998", dir);
  close(open(stale, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  close(open(fresh, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  set_mtime(stale, t0);

  TAP_OK(prepare(root, 100, &hit) && hit, "a hit on the oldest entry marks it used");
  TAP_OK(prepare(root, 100 + RR_SECCOMP_CACHE_MAX, &hit) && !hit, "one more section: stored");
  TAP_OK(count_entries(dir) == RR_SECCOMP_CACHE_MAX, "still at the bound after the store");
  TAP_OK(access(names[1], F_OK) < 0, "the least recently used entry was evicted");
  TAP_OK(prepare(root, 100, &hit) && hit, "the entry used recently stays");
  TAP_OK(prepare(root, 100 + RR_SECCOMP_CACHE_MAX, &hit) && hit, "the new entry stays");
  TAP_OK(access(stale, F_OK) < 0 && access(fresh, F_OK) == 0,
         "a dead writer's temporary file is removed, a recent one kept");
  for (int i = 0; i < RR_SECCOMP_CACHE_MAX; i++)
    free(names[i]);
}

/* No clock games: an entry stored first, then used after the others were
 * stored, is not the one evicted. */
static void test_hot_entry(void)
{
  _cleanup_free_ char *root = new_root();
  _cleanup_free_ char *dir = cache_of(root);
  bool ok = true, hit;
  ok = prepare(root, 300, &hit) && !hit;
  _cleanup_free_ char *hot = newest_entry(dir);
  ok = ok && prepare(root, 301, &hit) && !hit;
  _cleanup_free_ char *second = newest_entry(dir);
  for (int i = 2; i < RR_SECCOMP_CACHE_MAX && ok; i++)
    ok = prepare(root, 300 + i, &hit) && !hit;
  ok = ok && prepare(root, 300, &hit) && hit;
  ok = ok && prepare(root, 300 + RR_SECCOMP_CACHE_MAX, &hit) && !hit;
  TAP_OK(ok && count_entries(dir) == RR_SECCOMP_CACHE_MAX && hot != NULL &&
             access(hot, F_OK) == 0 && second != NULL && access(second, F_OK) < 0,
         "an entry used after newer ones were stored survives, the least recent goes");
}

int main(void)
{
  if (mkdtemp(base) == NULL)
    return 99;
  test_hits();
  test_damaged();
  test_unsafe_dir();
  test_eviction();
  test_hot_entry();
  test_rm_rf(base);
  return tap_done();
}
