/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/cgroup/cgroup_internal.h"

struct rr_cgroup {
  bool disabled;
  const char *mount; /* static, from rr_cg_mountpoint */
  const char *mode;
  char *rel;  /* "/a/b" below the mount */
  char *path; /* mount + rel */
  int dirfd;
  struct rr_cg_plan plan;
  bool devices;
  struct rr_cg_dev_rule *rules;
  size_t nrules;
  bool optional; /* rootless without limits: run without a cgroup if we cannot create one */
};

/* Controllers redrun may enable, in the order the kernel lists them. */
static const char *const all_controllers[] = {"cpuset",  "cpu",  "io",   "memory",
                                              "hugetlb", "pids", "rdma", "misc"};

const char *rr_cg_mountpoint(const char **mode)
{
  static const char *mnt, *md;
  static bool probed;
  if (!probed) {
    struct statfs s;
    if (statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC) {
      mnt = "/sys/fs/cgroup";
      md = "unified";
    } else if (statfs("/sys/fs/cgroup/unified", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC) {
      mnt = "/sys/fs/cgroup/unified";
      md = "hybrid";
    }
    probed = true;
  }
  if (mode)
    *mode = md ? md : "legacy";
  return mnt;
}

int rr_cg_write_file(int dirfd, const char *file, const char *value, struct rr_error **err)
{
  _cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "open `%s`", file);
  size_t len = strlen(value);
  ssize_t n = write(fd, value, len);
  if (n < 0)
    return rr_fail_errno(err, "write `%s` to `%s`", value, file);
  if ((size_t)n != len)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "write `%s` to `%s`: short write", value, file);
  return 0;
}

bool rr_cg_keyed_value(const char *text, const char *key, uint64_t *out)
{
  size_t kl = strlen(key);
  for (const char *p = text; p && *p;) {
    if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
      *out = strtoull(p + kl + 1, NULL, 10);
      return true;
    }
    p = strchr(p, '\n');
    if (p)
      p++;
  }
  return false;
}

char *rr_cg_read_file(int dirfd, const char *file)
{
  _cleanup_close_ int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  size_t cap = 4096, len = 0;
  char *buf = rr_xmalloc(cap);
  for (;;) {
    if (len + 1 >= cap)
      buf = rr_xrealloc(buf, cap *= 2);
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n < 0) {
      int saved = errno;
      free(buf);
      errno = saved;
      return NULL;
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  return buf;
}

/* Is `word` one of the space-separated words of `list`? */
static bool has_word(const char *list, const char *word)
{
  size_t wl = strlen(word);
  for (const char *p = list; p && *p;) {
    p += strspn(p, " \n");
    size_t l = strcspn(p, " \n");
    if (l == wl && strncmp(p, word, l) == 0)
      return true;
    p += l;
  }
  return false;
}

/* Own cgroup v2 path ("0::/x/y"), "/" when unknown. */
static char *own_cgroup(void)
{
  _cleanup_free_ char *s = rr_cg_read_file(AT_FDCWD, "/proc/self/cgroup");
  for (char *line = s; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    if (strncmp(line, "0::", 3) == 0)
      return rr_xstrdup(line[3] ? line + 3 : "/");
    line = nl ? nl + 1 : NULL;
  }
  return rr_xstrdup("/");
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", as systemd nests slices. */
static char *expand_slice(const char *slice, struct rr_error **err)
{
  size_t n = strlen(slice);
  if (n < 6 || strcmp(slice + n - 6, ".slice") != 0 || strchr(slice, '/') != NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, "invalid slice name `%s`", slice), NULL;
  if (strcmp(slice, "-.slice") == 0)
    return rr_xstrdup("");
  size_t base = n - 6;
  char *out = rr_xstrdup("");
  for (size_t i = 0; i <= base; i++) {
    if (i == base || slice[i] == '-') {
      if (i == 0 || slice[i - 1] == '-' || (i < base && i + 1 == base))
        return free(out), rr_fail(err, RR_ERR_INVALID, 0, "invalid slice name `%s`", slice), NULL;
      char *next = rr_xasprintf("%s/%.*s.slice", out, (int)i, slice);
      free(out);
      out = next;
    }
  }
  return out;
}

/* cgroupsPath "slice:prefix:name" onto the cgroupfs layout systemd would use. */
static char *systemd_path(const char *spec, struct rr_error **err)
{
  const char *c1 = strchr(spec, ':');
  const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':') != NULL || strchr(spec, '/') != NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.cgroupsPath: `%s`: expected `slice:prefix:name`",
                   spec),
           NULL;
  _cleanup_free_ char *slice_name = strndup(spec, (size_t)(c1 - spec));
  _cleanup_free_ char *prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
  const char *name = c2 + 1;
  if (*name == '\0')
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.cgroupsPath: `%s`: empty name", spec), NULL;
  _cleanup_free_ char *slice = expand_slice(*slice_name ? slice_name : "system.slice", err);
  if (slice == NULL)
    return rr_wrap(err, ".linux.cgroupsPath"), NULL;
  size_t nl = strlen(name);
  if (nl > 6 && strcmp(name + nl - 6, ".slice") == 0)
    return rr_xasprintf("%s/%s", slice, name);
  if (*prefix)
    return rr_xasprintf("%s/%s-%s.scope", slice, prefix, name);
  return rr_xasprintf("%s/%s.scope", slice, name);
}

/* Clean "/a//b/" -> "/a/b"; ".." or "." components are refused: the path
 * must stay inside the hierarchy. */
static char *clean_path(const char *in, struct rr_error **err)
{
  char *out = rr_xmalloc(strlen(in) + 2);
  size_t k = 0;
  for (const char *p = in; *p;) {
    p += strspn(p, "/");
    size_t l = strcspn(p, "/");
    if (l == 0)
      break;
    if ((l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
      return free(out),
             rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.cgroupsPath: `%s`: `.` and `..` are not allowed", in),
             NULL;
    out[k++] = '/';
    memcpy(out + k, p, l);
    k += l;
    p += l;
  }
  out[k] = '\0';
  return out;
}

static bool systemd_running(void)
{
  struct stat st;
  return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

static bool needs_controller(const struct rr_cg_plan *p, const char *ctrl)
{
  for (size_t i = 0; i < p->n; i++)
    if (p->w[i].controller && strcmp(p->w[i].controller, ctrl) == 0)
      return true;
  return false;
}

static int missing_controller(const char *ctrl, const char *mount, const char *mode,
                              struct rr_error **err)
{
  if (strcmp(mode, "hybrid") == 0)
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                   ".linux.resources: the `%s` controller is not available in the cgroup v2 "
                   "hierarchy at `%s` (host cgroup mode: hybrid, `%s` is bound to cgroup v1)",
                   ctrl, mount, ctrl);
  return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                 ".linux.resources: the `%s` controller is not available in the cgroup v2 "
                 "hierarchy at `%s` (host cgroup mode: %s)",
                 ctrl, mount, mode);
}

static int compute_path(struct rr_cgroup *cg, const char *spec, const char *id,
                        struct rr_error **err)
{
  _cleanup_free_ char *raw = NULL;
  if (spec == NULL || *spec == '\0') {
    _cleanup_free_ char *own = own_cgroup();
    raw = rr_xasprintf("%s/%s", strcmp(own, "/") == 0 ? "" : own, id);
  } else if (strchr(spec, ':') != NULL) {
    raw = systemd_path(spec, err);
    if (raw == NULL)
      return -1;
  } else if (spec[0] == '/') {
    raw = rr_xstrdup(spec);
  } else {
    _cleanup_free_ char *own = own_cgroup();
    raw = rr_xasprintf("%s/%s", strcmp(own, "/") == 0 ? "" : own, spec);
  }
  cg->rel = clean_path(raw, err);
  if (cg->rel == NULL)
    return -1;
  if (cg->rel[0] == '\0')
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.cgroupsPath: `%s`: the root cgroup cannot be used", spec ? spec : "");
  cg->path = rr_xasprintf("%s%s", cg->mount, cg->rel);
  return 0;
}

/* A limit whose controller the hierarchy lacks is an error, never dropped. */
static int check_available(struct rr_cgroup *cg, struct rr_error **err)
{
  bool any = false;
  for (size_t i = 0; i < RR_ARRAY_SIZE(all_controllers) && !any; i++)
    any = needs_controller(&cg->plan, all_controllers[i]);
  if (!any)
    return 0; /* no limit asked: nothing to check */
  _cleanup_free_ char *ctl_path = rr_xasprintf("%s/cgroup.controllers", cg->mount);
  _cleanup_free_ char *avail = rr_cg_read_file(AT_FDCWD, ctl_path);
  if (avail == NULL)
    return rr_fail_errno(err, "read `%s`", ctl_path);
  for (size_t i = 0; i < RR_ARRAY_SIZE(all_controllers); i++)
    if (needs_controller(&cg->plan, all_controllers[i]) && !has_word(avail, all_controllers[i]))
      return missing_controller(all_controllers[i], cg->mount, cg->mode, err);
  return 0;
}

int rr_cgroup_prepare(const oci_config *cfg, const char *id, const struct rr_cgroup_opts *opts,
                      struct rr_cgroup **out, struct rr_error **err)
{
  const oci_linux *lx = cfg ? cfg->linux : NULL;
  const oci_linux_resources *res = lx ? lx->resources : NULL;
  const char *manager = opts && opts->manager ? opts->manager : "cgroupfs";
  struct rr_cgroup *cg = rr_xcalloc(1, sizeof(*cg));
  cg->dirfd = -1;
  *out = NULL;

  if (strcmp(manager, "disabled") == 0) {
    if (res != NULL)
      rr_debug("cgroup manager disabled: linux.resources ignored");
    cg->disabled = true;
    *out = cg;
    return 0;
  }
  if ((opts && opts->systemd) || strcmp(manager, "systemd") == 0) {
    rr_cgroup_free(cg);
    if (!systemd_running())
      return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                     "--systemd-cgroup: systemd is not running on this host (no "
                     "/run/systemd/system): use the cgroupfs manager");
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                   "--systemd-cgroup: the systemd cgroup manager (D-Bus) is not supported by "
                   "redrun: use the cgroupfs manager");
  }
  if (strcmp(manager, "cgroupfs") != 0) {
    rr_cgroup_free(cg);
    return rr_fail(err, RR_ERR_INVALID, 0, "unknown cgroup manager `%s`", manager);
  }

  if (rr_resources_validate(res, err) < 0 || rr_resources_check_v2(res, err) < 0 ||
      rr_cg_plan_build(res, -1, &cg->plan, err) < 0)
    goto fail;
  if (res && res->devices_present && rr_cg_devices_rules(res, &cg->rules, &cg->nrules, err) < 0)
    goto fail;
  cg->devices = res && res->devices_present;

  cg->mount = rr_cg_mountpoint(&cg->mode);
  if (cg->mount == NULL) {
    if (cg->plan.n > 0 || cg->devices) {
      rr_fail(err, RR_ERR_UNSUPPORTED, 0,
              ".linux.resources: no cgroup v2 hierarchy is mounted (host cgroup mode: legacy)");
      goto fail;
    }
    rr_debug("no cgroup v2 hierarchy: running without a cgroup");
    cg->disabled = true;
    *out = cg;
    return 0;
  }

  if (compute_path(cg, lx ? lx->cgroups_path : NULL, id, err) < 0 || check_available(cg, err) < 0)
    goto fail;
  cg->optional = geteuid() != 0 && cg->plan.n == 0 && !cg->devices;
  *out = cg;
  return 0;
fail:
  rr_cgroup_free(cg);
  return -1;
}

/* Enable the controllers the child needs (all of them on a unified host, so
 * that update and stats work later) in the subtree_control of `dirfd`. */
static int enable_controllers(struct rr_cgroup *cg, int dirfd, const char *where,
                              struct rr_error **err)
{
  _cleanup_free_ char *avail = rr_cg_read_file(dirfd, "cgroup.controllers");
  _cleanup_free_ char *on = rr_cg_read_file(dirfd, "cgroup.subtree_control");
  bool unified = strcmp(cg->mode, "unified") == 0;
  for (size_t i = 0; i < RR_ARRAY_SIZE(all_controllers); i++) {
    const char *c = all_controllers[i];
    bool need = needs_controller(&cg->plan, c);
    if (!need && !unified)
      continue; /* hybrid host: change the shared hierarchy only for what is asked */
    if (on && has_word(on, c))
      continue;
    if (avail == NULL || !has_word(avail, c)) {
      if (need)
        return missing_controller(c, cg->mount, cg->mode, err);
      continue;
    }
    _cleanup_free_ char *v = rr_xasprintf("+%s", c);
    struct rr_error *e = NULL;
    if (rr_cg_write_file(dirfd, "cgroup.subtree_control", v, &e) < 0) {
      if (!need) {
        rr_debug("cgroup `%s`: cannot enable `%s`: %s", where, c, e->msg);
        rr_error_free(e);
        continue;
      }
      *err = e;
      if (e->errnum == EBUSY)
        return rr_wrap(err,
                       "cgroup `%s` has processes of its own: cannot enable `%s` for its "
                       "children",
                       where, c);
      return rr_wrap(err, "enable `%s` in `%s`", c, where);
    }
  }
  return 0;
}

static int apply_plan(int dirfd, const struct rr_cg_plan *p, const char *mount, const char *mode,
                      struct rr_error **err)
{
  for (size_t i = 0; i < p->n; i++) {
    const struct rr_cg_write *w = &p->w[i];
    const char *file = w->file, *value = w->value;
    if (w->alt_file && faccessat(dirfd, file, F_OK, 0) < 0 && errno == ENOENT) {
      file = w->alt_file;
      value = w->alt_value;
    }
    if (rr_cg_write_file(dirfd, file, value, err) == 0)
      continue;
    if ((*err)->errnum == ENOENT) {
      rr_error_clear(err);
      if (w->optional)
        continue;
      if (w->controller)
        return missing_controller(w->controller, mount, mode, err);
      return rr_fail(err, RR_ERR_UNSUPPORTED, 0, "cgroup file `%s` does not exist", file);
    }
    return rr_wrap(err, ".linux.resources");
  }
  return 0;
}

/* Remove the directories create made, innermost first (failure path). */
static void remove_created(int mountfd, const char *rel, size_t ncreated, size_t depth)
{
  _cleanup_free_ char *p = rr_xstrdup(rel + 1);
  /* keep the first `depth` components */
  char *q = p;
  for (size_t d = 0; d < depth && q; d++) {
    q = strchr(q, '/');
    if (q && d + 1 == depth)
      *q = '\0';
    else if (q)
      q++;
  }
  for (size_t d = depth; d > depth - ncreated; d--) {
    (void)unlinkat(mountfd, p, AT_REMOVEDIR);
    char *slash = strrchr(p, '/');
    if (slash == NULL)
      break;
    *slash = '\0';
  }
}

int rr_cgroup_create(struct rr_cgroup *cg, struct rr_error **err)
{
  if (cg->disabled)
    return 0;
  _cleanup_close_ int mountfd = open(cg->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mountfd < 0)
    return rr_fail_errno(err, "open `%s`", cg->mount);
  _cleanup_close_ int cur = fcntl(mountfd, F_DUPFD_CLOEXEC, 0);
  _cleanup_free_ char *walk = rr_xstrdup(cg->rel + 1);
  _cleanup_free_ char *where = rr_xstrdup(cg->mount);
  size_t depth = 0, created = 0;
  for (char *comp = walk; comp;) {
    char *slash = strchr(comp, '/');
    if (slash)
      *slash = '\0';
    bool leaf = slash == NULL;
    if (enable_controllers(cg, cur, where, err) < 0)
      goto fail;
    if (mkdirat(cur, comp, 0755) == 0) {
      created++;
      depth++;
    } else if (errno == EEXIST) {
      depth++;
    } else {
      if (cg->optional && (errno == EACCES || errno == EPERM || errno == EROFS)) {
        rr_debug("cannot create cgroup `%s`: running without one", cg->path);
        remove_created(mountfd, cg->rel, created, depth);
        cg->disabled = true;
        return 0;
      }
      rr_fail_errno(err, "create cgroup `%s/%s`", where, comp);
      goto fail;
    }
    int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (next < 0) {
      rr_fail_errno(err, "open cgroup `%s/%s`", where, comp);
      goto fail;
    }
    close(cur);
    cur = next;
    char *w2 = rr_xasprintf("%s/%s", where, comp);
    free(where);
    where = w2;
    if (leaf && created == 0) {
      /* reusing an existing cgroup is fine only while nothing runs in it */
      _cleanup_free_ char *procs = rr_cg_read_file(cur, "cgroup.procs");
      if (procs && *procs) {
        rr_fail(err, RR_ERR_EXISTS, 0, "cgroup `%s` already has processes", cg->path);
        goto fail;
      }
    }
    comp = slash ? slash + 1 : NULL;
  }
  if (apply_plan(cur, &cg->plan, cg->mount, cg->mode, err) < 0)
    goto fail_wrap;
  if (cg->devices && rr_cg_devices_attach(cur, cg->rules, cg->nrules, err) < 0)
    goto fail_wrap;
  cg->dirfd = steal_fd(cur);
  return 0;
fail_wrap:
  rr_wrap(err, "cgroup `%s`", cg->path);
fail:
  remove_created(mountfd, cg->rel, created, depth);
  return -1;
}

int rr_cgroup_dirfd(const struct rr_cgroup *cg)
{
  return cg == NULL || cg->disabled ? -1 : cg->dirfd;
}

const char *rr_cgroup_path(const struct rr_cgroup *cg)
{
  return cg == NULL || cg->disabled ? NULL : cg->path;
}

int rr_cgroup_enter(const struct rr_cgroup *cg, pid_t pid, struct rr_error **err)
{
  if (cg == NULL || cg->disabled)
    return 0;
  char buf[32];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  if (rr_cg_write_file(cg->dirfd, "cgroup.procs", buf, err) < 0)
    return rr_wrap(err, "cgroup `%s`", cg->path);
  return 0;
}

void rr_cgroup_free(struct rr_cgroup *cg)
{
  if (cg == NULL)
    return;
  if (cg->dirfd >= 0)
    close(cg->dirfd);
  rr_cg_plan_clear(&cg->plan);
  free(cg->rules);
  free(cg->rel);
  free(cg->path);
  free(cg);
}
