/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup module against the real cgroup v2 hierarchy of this machine
 * (hybrid or unified): needs root; skips (77) otherwise. Every cgroup it
 * creates is removed again. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/error.h"
#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/cgroup/cgroup_internal.h"
#include "tests/unit/tap.h"

/* TAP_OK evaluates its condition twice: run the side effects once here */
#define T(cond, ...)                                                                               \
  do {                                                                                             \
    bool t_ = (cond);                                                                              \
    TAP_OK(t_, __VA_ARGS__);                                                                       \
  } while (0)

static oci_config *config(const char *json)
{
  struct rr_error *err = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), "test", &err);
  if (c == NULL)
    printf("# %s\n", err->msg);
  rr_error_free(err);
  return c;
}

static char idbuf[64];

static struct rr_cgroup *make(const char *linux_json, struct rr_error **err)
{
  char json[2048];
  snprintf(json, sizeof(json),
           "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":%s}", linux_json);
  oci_config *c = config(json);
  struct rr_cgroup *cg = NULL;
  struct rr_cgroup_opts opts = {.manager = "cgroupfs"};
  if (c == NULL || rr_cgroup_prepare(c, idbuf, &opts, &cg, err) < 0) {
    oci_config_free(c);
    return NULL;
  }
  oci_config_free(c);
  if (rr_cgroup_create(cg, err) < 0) {
    rr_cgroup_free(cg);
    return NULL;
  }
  return cg;
}

/* A child parked in the cgroup until killed; reports open(dev) errno on fd. */
static pid_t park(struct rr_cgroup *cg, const char *dev, int *rfd)
{
  int p[2], go[2];
  if (pipe(p) < 0 || pipe(go) < 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    close(p[0]);
    close(go[1]);
    if (read(go[0], &c, 1) != 1)
      _exit(1);
    int e = 0;
    if (dev) {
      int fd = open(dev, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      e = fd < 0 ? errno : 0;
    }
    if (write(p[1], &e, sizeof(e)) < 0)
      _exit(1);
    for (;;)
      pause();
  }
  close(p[1]);
  close(go[0]);
  struct rr_error *err = NULL;
  if (rr_cgroup_enter(cg, pid, &err) < 0) {
    printf("# enter: %s\n", err->msg);
    rr_error_free(err);
  }
  if (write(go[1], "x", 1) != 1)
    return -1;
  close(go[1]);
  *rfd = p[0];
  return pid;
}

/* Path computation only (prepare writes nothing). */
static void test_paths(const char *mnt)
{
  static const char *const cases[][2] = {
      {"/a/b", "/a/b"},
      {"//a///b/", "/a/b"},
      {"machine.slice:libpod:x1", "/machine.slice/libpod-x1.scope"},
      {"a-b-c.slice:p:x", "/a.slice/a-b.slice/a-b-c.slice/p-x.scope"},
      {":p:x", "/system.slice/p-x.scope"},
      {"user.slice::x", "/user.slice/x.scope"},
      {"a.slice:p:sub.slice", "/a.slice/sub.slice"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char json[512], want[512];
    snprintf(
        json, sizeof(json),
        "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"linux\":{\"cgroupsPath\":\"%s\"}}",
        cases[i][0]);
    snprintf(want, sizeof(want), "%s%s", mnt, cases[i][1]);
    oci_config *c = config(json);
    struct rr_cgroup *cg = NULL;
    struct rr_error *err = NULL;
    bool ok = c && rr_cgroup_prepare(c, "id1", NULL, &cg, &err) == 0;
    TAP_STR_EQ(ok ? rr_cgroup_path(cg) : (err ? err->msg : "?"), want, "cgroupsPath `%s`",
               cases[i][0]);
    rr_cgroup_free(cg);
    rr_error_free(err);
    oci_config_free(c);
  }
  static const char *const bad[] = {"/a/../b", "./x", "a:b", "x.slice:p:", "bad-.slice:p:x", "/"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char json[512];
    snprintf(
        json, sizeof(json),
        "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"linux\":{\"cgroupsPath\":\"%s\"}}",
        bad[i]);
    oci_config *c = config(json);
    struct rr_cgroup *cg = NULL;
    struct rr_error *err = NULL;
    bool refused = c && rr_cgroup_prepare(c, "id1", NULL, &cg, &err) < 0 && err &&
                   strstr(err->msg, "cgroupsPath") != NULL;
    T(refused, "cgroupsPath `%s` refused (%s)", bad[i], err ? err->msg : "accepted");
    rr_cgroup_free(cg);
    rr_error_free(err);
    oci_config_free(c);
  }
  /* --systemd-cgroup without systemd */
  struct stat st;
  if (stat("/run/systemd/system", &st) < 0) {
    oci_config *c = config("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}");
    struct rr_cgroup_opts o = {.manager = "cgroupfs", .systemd = true};
    struct rr_cgroup *cg = NULL;
    struct rr_error *err = NULL;
    bool refused = rr_cgroup_prepare(c, "id1", &o, &cg, &err) < 0 && err &&
                   strstr(err->msg, "systemd is not running") != NULL;
    T(refused, "--systemd-cgroup without systemd: %s", err ? err->msg : "accepted");
    rr_error_free(err);
    oci_config_free(c);
  }
}

int main(void)
{
  const char *mode;
  const char *mnt = rr_cg_mountpoint(&mode);
  if (geteuid() != 0 || mnt == NULL) {
    printf("1..0 # SKIP needs root and a cgroup v2 hierarchy\n");
    return 77;
  }
  snprintf(idbuf, sizeof(idbuf), "rr-unit-%d", (int)getpid());
  test_paths(mnt);
  struct rr_error *err = NULL;
  char path[256];

  /* no limits: created, usable, removed */
  snprintf(path, sizeof(path), "{\"cgroupsPath\":\"/%s\"}", idbuf);
  struct rr_cgroup *cg = make(path, &err);
  T(cg != NULL, "create a cgroup without limits (%s)", err ? err->msg : "ok");
  rr_error_clear(&err);
  if (cg == NULL)
    return tap_done();
  char want[256];
  snprintf(want, sizeof(want), "%s/%s", mnt, idbuf);
  TAP_STR_EQ(rr_cgroup_path(cg), want, "path below the v2 mount");
  T(rr_cgroup_dirfd(cg) >= 0, "dirfd for CLONE_INTO_CGROUP");
  int rfd, e = -1;
  pid_t pid = park(cg, NULL, &rfd);
  T(read(rfd, &e, sizeof(e)) == sizeof(e), "child runs in the cgroup");
  close(rfd);
  pid_t *pids = NULL;
  size_t n = 0;
  T(rr_cgroup_pids(want, &pids, &n, &err) == 0 && n == 1 && pids[0] == pid,
    "cgroup.procs lists the child");
  free(pids);
  bool frozen = true;
  T(rr_cgroup_freeze(want, true, &err) == 0, "freeze");
  T(rr_cgroup_is_frozen(want, &frozen, &err) == 0 && frozen, "is frozen");
  T(rr_cgroup_freeze(want, false, &err) == 0, "thaw");
  T(rr_cgroup_is_frozen(want, &frozen, &err) == 0 && !frozen, "is thawed");
  struct rr_json g;
  rr_json_init(&g, false);
  static const char head[] = "{\"cpu\":{\"usage\":{";
  T(rr_cgroup_stats(want, &g, NULL, &err) == 0 && strncmp(g.buf, head, strlen(head)) == 0, "stats");
  rr_json_free(&g);
  T(rr_cgroup_kill_all(want, SIGTERM, &err) == 0, "kill_all SIGTERM");
  int st;
  T(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child got SIGTERM");
  rr_cgroup_free(cg);
  T(rr_cgroup_destroy(want, &err) == 0, "destroy");
  T(access(want, F_OK) < 0 && errno == ENOENT, "cgroup removed");
  T(rr_cgroup_destroy(want, &err) == 0, "destroy again is a no-op");

  /* destroy kills what is left */
  cg = make(path, &err);
  pid = park(cg, NULL, &rfd);
  T(read(rfd, &e, sizeof(e)) == sizeof(e), "second child runs");
  close(rfd);
  rr_cgroup_free(cg);
  T(rr_cgroup_destroy(want, &err) == 0, "destroy a populated cgroup (%s)", err ? err->msg : "ok");
  rr_error_clear(&err);
  T(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
    "its process was killed");
  T(access(want, F_OK) < 0, "and the cgroup removed");

  /* devices: deny all, the default list allows /dev/null; /dev/kmsg denied */
  snprintf(path, sizeof(path),
           "{\"cgroupsPath\":\"/%s\",\"resources\":{\"devices\":[{\"allow\":false,"
           "\"access\":\"rwm\"}]}}",
           idbuf);
  cg = make(path, &err);
  T(cg != NULL, "create with a device program (%s)", err ? err->msg : "ok");
  rr_error_clear(&err);
  if (cg) {
    pid = park(cg, "/dev/kmsg", &rfd);
    T(read(rfd, &e, sizeof(e)) == sizeof(e) && e == EPERM, "/dev/kmsg denied (errno %d)", e);
    close(rfd);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    pid = park(cg, "/dev/null", &rfd);
    T(read(rfd, &e, sizeof(e)) == sizeof(e) && e == 0, "/dev/null allowed (errno %d)", e);
    close(rfd);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    rr_cgroup_free(cg);
    T(rr_cgroup_destroy(want, &err) == 0, "destroy");
  }

  /* a limit whose controller is missing: an error naming it, nothing left */
  _cleanup_free_ char *ctl = rr_cg_read_file(AT_FDCWD, "/sys/fs/cgroup/unified/cgroup.controllers");
  if (strcmp(mode, "hybrid") == 0 && ctl && !strstr(ctl, "memory")) {
    snprintf(path, sizeof(path),
             "{\"cgroupsPath\":\"/%s\",\"resources\":{\"memory\":{\"limit\":33554432}}}", idbuf);
    cg = make(path, &err);
    T(cg == NULL && err && strstr(err->msg, "`memory` controller") && strstr(err->msg, "hybrid"),
      "memory limit on the hybrid host: %s", err ? err->msg : "no error");
    rr_error_clear(&err);
    rr_cgroup_free(cg);
    T(access(want, F_OK) < 0, "no cgroup left behind");
  }
  rr_error_free(err);
  return tap_done();
}
