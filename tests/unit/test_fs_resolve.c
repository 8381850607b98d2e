/* SPDX-License-Identifier: Apache-2.0 */
/* Path resolution inside a hostile tree: every lookup must stay in the root,
 * with openat2 and with the component walk that replaces it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/fs/resolve.h"
#include "tap.h"
#include "files.h"

static char tmp[64];
static int rootfd;

static void mkfile(const char *rel)
{
  char p[512];
  snprintf(p, sizeof(p), "%s/%s", tmp, rel);
  int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) {
    perror(p);
    exit(99);
  }
  close(fd);
}

static void mkd(const char *rel)
{
  char p[512];
  snprintf(p, sizeof(p), "%s/%s", tmp, rel);
  if (mkdir(p, 0755) < 0) {
    perror(p);
    exit(99);
  }
}

static void mkl(const char *target, const char *rel)
{
  char p[512];
  snprintf(p, sizeof(p), "%s/%s", tmp, rel);
  if (symlink(target, p) < 0) {
    perror(p);
    exit(99);
  }
}

static bool exists(const char *rel)
{
  char p[512];
  struct stat st;
  snprintf(p, sizeof(p), "%s/%s", tmp, rel);
  return lstat(p, &st) == 0;
}

/* Open `path` in the root; the errno (0 on success) and whether the file is `want`. */
static int try_open(const char *path, int oflags, unsigned rflags, const char *want, bool *same)
{
  struct rr_error *err = NULL;
  int fd = rr_fs_open_in_root(rootfd, path, oflags, rflags, &err);
  *same = false;
  if (fd < 0) {
    int e = err ? err->errnum : -1;
    rr_error_free(err);
    return e;
  }
  if (want) {
    char p[512];
    struct stat a, b;
    snprintf(p, sizeof(p), "%s/%s", tmp, want);
    *same = fstat(fd, &a) == 0 && lstat(p, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
  }
  close(fd);
  return 0;
}

static void run_suite(const char *mode)
{
  bool same;
  int e;
  char host_abs[512];

  TAP_OK(try_open("inside/secret", O_RDONLY, 0, "root/inside/secret", &same) == 0 && same,
         "%s: a plain path opens the file inside the root", mode);
  TAP_OK(try_open("/", O_PATH, 0, "root", &same) == 0 && same, "%s: `/` is the root", mode);
  TAP_OK(try_open("../../../..", O_PATH, 0, "root", &same) == 0 && same,
         "%s: `..` never climbs above the root", mode);
  TAP_OK(try_open("../../outside/secret", O_RDONLY, 0, NULL, &same) == ENOENT,
         "%s: ../ escape to a host file fails", mode);
  TAP_OK(try_open("/../inside/secret", O_RDONLY, 0, "root/inside/secret", &same) == 0 && same,
         "%s: /../ stays in the root", mode);
  TAP_OK(try_open("hostabs/secret", O_RDONLY, 0, NULL, &same) == ENOENT,
         "%s: absolute symlink to a host directory is resolved in the root", mode);
  TAP_OK(try_open("rel/secret", O_RDONLY, 0, NULL, &same) == ENOENT,
         "%s: relative symlink with ../../ is clamped to the root", mode);
  TAP_OK(try_open("up/up/up/inside/secret", O_RDONLY, 0, "root/inside/secret", &same) == 0 && same,
         "%s: chained `..` symlinks stay in the root", mode);
  TAP_OK(try_open("good/secret", O_RDONLY, 0, "root/inside/secret", &same) == 0 && same,
         "%s: relative symlink inside the root is followed", mode);
  TAP_OK(try_open("absgood/secret", O_RDONLY, 0, "root/inside/secret", &same) == 0 && same,
         "%s: absolute symlink is followed relative to the root", mode);
  e = try_open("etc/passwd", O_RDONLY, 0, NULL, &same);
  TAP_OK(e == ELOOP || e == ENOENT, "%s: symlinked /etc -> /etc does not reach the host's /etc",
         mode);
  e = try_open("magic/etc", O_PATH, 0, NULL, &same);
  TAP_OK(e == ENOENT || e == ELOOP || e == EXDEV,
         "%s: /proc/self/root magic link is not followed (%d)", mode, e);
  TAP_OK(try_open("loop", O_RDONLY, 0, NULL, &same) == ELOOP, "%s: symlink loop gives ELOOP", mode);
  TAP_OK(try_open("file/x", O_RDONLY, 0, NULL, &same) == ENOTDIR,
         "%s: a file as a directory gives ENOTDIR", mode);
  TAP_OK(try_open("hostabs", O_PATH, RR_RESOLVE_NOFOLLOW_LAST, "root/hostabs", &same) == 0 && same,
         "%s: NOFOLLOW_LAST returns the symlink itself", mode);
  TAP_OK(try_open("good", O_RDONLY, RR_RESOLVE_NOFOLLOW_LAST, NULL, &same) == ELOOP,
         "%s: NOFOLLOW_LAST refuses to open through a symlink", mode);

  /* creation through hostile links lands inside the root */
  char rel[256];
  snprintf(rel, sizeof(rel), "rel/new-%s", mode);
  TAP_OK(try_open(rel, O_PATH | O_DIRECTORY, RR_RESOLVE_MKDIR, NULL, &same) == 0,
         "%s: mkdir through a ../../ symlink succeeds", mode);
  snprintf(rel, sizeof(rel), "outside/new-%s", mode);
  TAP_OK(!exists(rel), "%s: ... and nothing was created outside the root", mode);
  snprintf(host_abs, sizeof(host_abs), "root/outside/new-%s", mode);
  TAP_OK(exists(host_abs), "%s: ... the directory is inside the root", mode);

  snprintf(rel, sizeof(rel), "hostabs/file-%s", mode);
  TAP_OK(try_open(rel, O_PATH, RR_RESOLVE_MKFILE, NULL, &same) == 0,
         "%s: creating a file through an absolute host symlink succeeds", mode);
  snprintf(rel, sizeof(rel), "outside/file-%s", mode);
  TAP_OK(!exists(rel), "%s: ... and no file appeared on the host side", mode);
  snprintf(host_abs, sizeof(host_abs), "root%s/outside/file-%s", tmp, mode);
  TAP_OK(exists(host_abs), "%s: ... the file is under the root", mode);

  char link[512];
  snprintf(host_abs, sizeof(host_abs), "%s/outside/dangle-%s", tmp, mode);
  snprintf(link, sizeof(link), "root/dangling-%s", mode);
  mkl(host_abs, link);
  TAP_OK(try_open(link + 5, O_PATH, RR_RESOLVE_MKFILE, NULL, &same) == 0,
         "%s: creating through a dangling absolute symlink succeeds", mode);
  snprintf(host_abs, sizeof(host_abs), "root%s/outside/dangle-%s", tmp, mode);
  TAP_OK(exists(host_abs), "%s: ... the target was created under the root", mode);
  snprintf(rel, sizeof(rel), "outside/dangle-%s", mode);
  TAP_OK(!exists(rel), "%s: ... its host target was not created", mode);
}

int main(void)
{
  snprintf(tmp, sizeof(tmp), "/tmp/rr-resolve-XXXXXX");
  if (mkdtemp(tmp) == NULL) {
    perror("mkdtemp");
    return 99;
  }
  char abs[512];
  mkd("outside");
  mkfile("outside/secret");
  mkd("root");
  mkd("root/inside");
  mkfile("root/inside/secret");
  mkfile("root/file");
  snprintf(abs, sizeof(abs), "%s/outside", tmp);
  mkl(abs, "root/hostabs");
  mkl("../../outside", "root/rel");
  mkl("..", "root/up");
  mkl("inside", "root/good");
  mkl("/inside", "root/absgood");
  mkl("/etc", "root/etc");
  mkl("/proc/self/root", "root/magic");
  mkl("loop", "root/loop");
  snprintf(abs, sizeof(abs), "%s/root", tmp);
  rootfd = open(abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) {
    perror(abs);
    return 99;
  }

  run_suite("openat2");
  rr_fs_resolve_force_fallback(true);
  run_suite("fallback");

  test_rm_rf(tmp);
  return tap_done();
}
