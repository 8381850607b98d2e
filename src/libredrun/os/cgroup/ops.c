/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/cgroup/cgroup_internal.h"

/* Operations on an existing container cgroup, from the path in the state. */

#define WAIT_MS 10000

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until cgroup.events shows `key` == want. The kernel signals changes of
 * that file with POLLPRI, so no busy loop; a timeout guards lost wakeups. */
static int wait_event(int dirfd, const char *key, unsigned long long want, const char *path,
                      struct rr_error **err)
{
  _cleanup_close_ int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "cgroup `%s`: open `cgroup.events`", path);
  long long deadline = now_ms() + WAIT_MS;
  for (;;) {
    char buf[256];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n < 0)
      return rr_fail_errno(err, "cgroup `%s`: read `cgroup.events`", path);
    buf[n] = '\0';
    uint64_t v;
    if (rr_cg_keyed_value(buf, key, &v) && v == want)
      return 0;
    long long left = deadline - now_ms();
    if (left <= 0)
      return rr_fail(err, RR_ERR_SYSTEM, ETIMEDOUT, "cgroup `%s`: timed out waiting for `%s %llu`",
                     path, key, want);
    struct pollfd p = {.fd = fd, .events = POLLPRI};
    /* short slices: some kernels miss a notification around a freeze */
    (void)poll(&p, 1, left < 100 ? (int)left : 100);
  }
}

static int open_cgroup(const char *path, int *out, struct rr_error **err)
{
  *out = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*out < 0)
    return rr_fail_errno(err, "open cgroup `%s`", path);
  return 0;
}

/* Pids of the cgroup and of every cgroup below it. */
static void collect_pids(int dirfd, pid_t **pids, size_t *n)
{
  _cleanup_free_ char *procs = rr_cg_read_file(dirfd, "cgroup.procs");
  for (char *p = procs; p && *p;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p)
      break;
    *pids = rr_xrealloc(*pids, (*n + 1) * sizeof(**pids));
    (*pids)[(*n)++] = (pid_t)v;
    p = end + strspn(end, "\n");
  }
  int dup = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0)
    return;
  DIR *d = fdopendir(dup);
  if (d == NULL) {
    close(dup);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.')
      continue;
    _cleanup_close_ int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sub >= 0)
      collect_pids(sub, pids, n);
  }
  closedir(d);
}

int rr_cgroup_pids(const char *path, pid_t **pids, size_t *n, struct rr_error **err)
{
  _cleanup_close_ int fd = -1;
  *pids = NULL;
  *n = 0;
  if (open_cgroup(path, &fd, err) < 0)
    return -1;
  collect_pids(fd, pids, n);
  return 0;
}

int rr_cgroup_freeze(const char *path, bool freeze, struct rr_error **err)
{
  _cleanup_close_ int fd = -1;
  if (open_cgroup(path, &fd, err) < 0)
    return -1;
  if (rr_cg_write_file(fd, "cgroup.freeze", freeze ? "1" : "0", err) < 0) {
    if ((*err)->errnum == ENOENT) {
      rr_error_clear(err);
      return rr_fail(err, RR_ERR_UNSUPPORTED, ENOENT,
                     "cgroup `%s`: no cgroup.freeze (the kernel needs 5.2 or later)", path);
    }
    return rr_wrap(err, "cgroup `%s`", path);
  }
  return wait_event(fd, "frozen", freeze ? 1 : 0, path, err);
}

int rr_cgroup_is_frozen(const char *path, bool *frozen, struct rr_error **err)
{
  *frozen = false;
  _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return 0; /* no cgroup left: nothing is frozen */
    return rr_fail_errno(err, "open cgroup `%s`", path);
  }
  /* the requested state: a freeze in progress already counts as paused */
  _cleanup_free_ char *v = rr_cg_read_file(fd, "cgroup.freeze");
  if (v == NULL)
    return errno == ENOENT ? 0 : rr_fail_errno(err, "cgroup `%s`: read `cgroup.freeze`", path);
  *frozen = v[0] == '1';
  return 0;
}

static int signal_all(int fd, int sig, const char *path, struct rr_error **err)
{
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  collect_pids(fd, &pids, &n);
  for (size_t i = 0; i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH)
      return rr_fail_errno(err, "cgroup `%s`: kill %d", path, (int)pids[i]);
  return 0;
}

int rr_cgroup_kill_all(const char *path, int sig, struct rr_error **err)
{
  _cleanup_close_ int fd = -1;
  if (open_cgroup(path, &fd, err) < 0)
    return -1;
  if (sig == SIGKILL) {
    /* cgroup.kill (5.14+) also gets processes forked while we iterate */
    struct rr_error *e = NULL;
    if (rr_cg_write_file(fd, "cgroup.kill", "1", &e) == 0)
      return 0;
    bool absent = e->errnum == ENOENT;
    rr_error_free(e);
    if (!absent)
      return rr_fail_errno(err, "cgroup `%s`: write `cgroup.kill`", path);
  }
  /* freeze so that no process forks past the list while it is signalled */
  bool was_frozen = false, froze = false;
  if (rr_cgroup_is_frozen(path, &was_frozen, NULL) == 0 && !was_frozen &&
      rr_cgroup_freeze(path, true, NULL) == 0)
    froze = true;
  int r = signal_all(fd, sig, path, err);
  if (froze && rr_cgroup_freeze(path, false, r < 0 ? NULL : err) < 0 && r == 0)
    r = -1;
  return r;
}

/* rmdir the cgroup and its children, innermost first. The common case, a
 * leaf left empty, is one rmdir; the children are listed only when it fails. */
static int remove_tree(int parentfd, const char *name)
{
  if (unlinkat(parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
    return 0;
  if (errno != EBUSY && errno != ENOTEMPTY)
    return -1;
  _cleanup_close_ int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : -1;
  int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
  if (d == NULL) {
    if (dup >= 0)
      close(dup);
    return -1;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_type == DT_DIR && e->d_name[0] != '.')
      (void)remove_tree(fd, e->d_name);
  closedir(d);
  _cleanup_close_ int events = openat(fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
  long long deadline = now_ms() + 500;
  for (;;) {
    if (unlinkat(parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
      return 0;
    if (errno != EBUSY || now_ms() >= deadline)
      return -1;
    /* The last task may still be leaving the css: cgroup.events signals the
     * change of `populated` (POLLPRI, re-armed by reading it); a child's css
     * going offline is not signalled, hence the short timeout. */
    char buf[128];
    ssize_t n = events >= 0 ? pread(events, buf, sizeof(buf) - 1, 0) : -1;
    if (n >= 0) {
      buf[n] = '\0';
      uint64_t populated = 1;
      (void)rr_cg_keyed_value(buf, "populated", &populated);
      struct pollfd p = {.fd = events, .events = POLLPRI};
      (void)poll(&p, 1, populated ? 10 : 1);
    } else {
      usleep(10000);
    }
  }
}

int rr_cgroup_destroy(const char *path, struct rr_error **err)
{
  if (path == NULL)
    return 0;
  /* The common case, an empty leaf (its processes have exited), is one
   * rmdir; anything else (EBUSY: processes or child cgroups) takes the
   * long way below. */
  if (rmdir(path) == 0 || errno == ENOENT)
    return 0; /* ENOENT: already gone, delete must be idempotent */
  _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return 0;
    return rr_fail_errno(err, "open cgroup `%s`", path);
  }
  _cleanup_free_ char *events = rr_cg_read_file(fd, "cgroup.events");
  uint64_t populated = 1;
  if (events && rr_cg_keyed_value(events, "populated", &populated) && populated) {
    bool frozen = false;
    if (rr_cgroup_kill_all(path, SIGKILL, err) < 0)
      return -1;
    /* SIGKILL is delivered to frozen tasks, but only a thawed one can exit */
    if (rr_cgroup_is_frozen(path, &frozen, NULL) == 0 && frozen &&
        rr_cg_write_file(fd, "cgroup.freeze", "0", err) < 0)
      return rr_wrap(err, "cgroup `%s`", path);
    if (wait_event(fd, "populated", 0, path, err) < 0)
      return -1;
  }
  _cleanup_free_ char *parent = rr_xstrdup(path);
  char *slash = strrchr(parent, '/');
  if (slash == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, "cgroup path `%s` is not absolute", path);
  *slash = '\0';
  _cleanup_close_ int pfd = open(*parent ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0)
    return rr_fail_errno(err, "open `%s`", parent);
  if (remove_tree(pfd, slash + 1) < 0)
    return rr_fail_errno(err, "remove cgroup `%s`", path);
  return 0;
}

int rr_cgroup_update(const char *path, const oci_linux_resources *res, struct rr_error **err)
{
  _cleanup_close_ int fd = -1;
  if (open_cgroup(path, &fd, err) < 0)
    return -1;
  if (rr_resources_validate(res, err) < 0 || rr_resources_check_v2(res, err) < 0)
    return -1;
  /* a swap total given alone is converted against the limit in place */
  int64_t current = -1;
  if (res && res->memory && res->memory->swap_present &&
      !(res->memory->limit_present && res->memory->limit != 0)) {
    _cleanup_free_ char *v = rr_cg_read_file(fd, "memory.max");
    unsigned long long b;
    int max;
    if (v != NULL) {
      v[strcspn(v, "\n")] = '\0';
      if (rr_cg_parse_bytes(v, &b, &max) == 0 && !max)
        current = (int64_t)b;
    }
  }
  struct rr_cg_plan plan = {0};
  const char *mode, *mount = rr_cg_mountpoint(&mode);
  int r = rr_cg_plan_build(res, current, &plan, err);
  if (r == 0) {
    for (size_t i = 0; i < plan.n && r == 0; i++) {
      const struct rr_cg_write *w = &plan.w[i];
      const char *file = w->file, *value = w->value;
      if (w->alt_file && faccessat(fd, file, F_OK, 0) < 0 && errno == ENOENT) {
        file = w->alt_file;
        value = w->alt_value;
      }
      if (rr_cg_write_file(fd, file, value, err) == 0)
        continue;
      if ((*err)->errnum == ENOENT && w->optional) {
        rr_error_clear(err);
        continue;
      }
      if ((*err)->errnum == ENOENT && w->controller) {
        rr_error_clear(err);
        r = rr_fail(err, RR_ERR_UNSUPPORTED, ENOENT,
                    "the `%s` controller is not enabled for this container (cgroup v2 at `%s`, "
                    "host cgroup mode: %s)",
                    w->controller, mount ? mount : "?", mode);
      } else {
        r = -1;
      }
    }
  }
  rr_cg_plan_clear(&plan);
  if (r < 0)
    return rr_wrap(err, "update cgroup `%s`", path);
  if (res && res->devices_len > 0)
    rr_debug("update: linux.resources.devices left as created");
  return 0;
}
