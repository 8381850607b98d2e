/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/spec/lifecycle_checks.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/security/lsm.h"

static bool same_path(const char *a, const char *b)
{
  /* "/dev", "/dev/", "//dev" are the same destination */
  for (;;) {
    while (*a == '/' && (a[1] == '/' || a[1] == '\0'))
      a++;
    while (*b == '/' && (b[1] == '/' || b[1] == '\0'))
      b++;
    if (*a != *b)
      return false;
    if (*a == '\0')
      return true;
    a++;
    b++;
  }
}

static char *join_bundle(const char *bundle, const char *path)
{
  if (path[0] == '/' || bundle == NULL)
    return rr_xstrdup(path);
  return rr_xasprintf("%s/%s", bundle, path);
}

static int plan_root(const oci_config *cfg, const char *bundle, struct rr_fs_plan *plan,
                     struct rr_error **err)
{
  if (cfg->root == NULL || cfg->root->path == NULL || cfg->root->path[0] == '\0')
    return rr_fail(err, RR_ERR_INVALID, 0, ".root.path: is required");
  _cleanup_free_ char *joined = join_bundle(bundle, cfg->root->path);
  char real[PATH_MAX];
  if (realpath(joined, real) == NULL)
    return rr_fail_errno(err, ".root.path: `%s`", joined);
  struct stat st;
  if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
    return rr_fail(err, RR_ERR_INVALID, ENOTDIR, ".root.path: `%s` is not a directory", real);
  plan->rootfs = rr_xstrdup(real);
  plan->readonly = cfg->root->readonly_present && cfg->root->readonly;

  /* rprivate by default: no mount event crosses between host and container. */
  plan->root_propagation = MS_REC | MS_PRIVATE;
  const char *prop = cfg->linux ? cfg->linux->rootfs_propagation : NULL;
  if (prop && prop[0]) {
    const struct rr_mount_option *o = rr_mount_option_find(prop);
    if (o == NULL || o->kind != RR_MOPT_PROPAGATION)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.rootfsPropagation: `%s` is not a propagation mode", prop);
    plan->root_propagation = o->ms_flag;
  }
  return 0;
}

static enum rr_fs_mount_kind mount_kind(const oci_mount *m)
{
  if (rr_mount_is_bind(m))
    return RR_FSM_BIND;
  if (strcmp(m->type, "proc") == 0)
    return RR_FSM_PROC;
  if (strcmp(m->type, "sysfs") == 0)
    return RR_FSM_SYSFS;
  if (strcmp(m->type, "mqueue") == 0)
    return RR_FSM_MQUEUE;
  if (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0)
    return RR_FSM_CGROUP;
  return RR_FSM_FS;
}

static int plan_mounts(const oci_config *cfg, const char *bundle, struct rr_fs_plan *plan,
                       struct rr_error **err)
{
  if (rr_mounts_validate(cfg, err) < 0)
    return -1;
  plan->default_dev = true;
  plan->mounts = rr_xcalloc(cfg->mounts_len ? cfg->mounts_len : 1, sizeof(*plan->mounts));
  for (size_t i = 0; i < cfg->mounts_len; i++) {
    const oci_mount *om = cfg->mounts[i];
    struct rr_fs_mount *m = &plan->mounts[plan->n_mounts++];
    m->index = i;
    m->tree_fd = -1;
    m->kind = mount_kind(om);
    m->destination = rr_xstrdup(om->destination);
    rr_mount_flags_parse(om->options, om->options_len, &m->f);
    if (m->kind == RR_FSM_BIND) {
      m->source = join_bundle(bundle, om->source);
      if (same_path(om->destination, "/dev"))
        plan->default_dev = false;
    } else {
      m->type = rr_xstrdup(om->type);
      if (om->source)
        m->source = rr_xstrdup(om->source);
      if (m->kind == RR_FSM_FS && strcmp(om->type, "devpts") == 0 &&
          same_path(om->destination, "/dev/pts"))
        plan->has_devpts = true;
      /* Filesystems made for the container carry its SELinux mount label
       * (rr_lsm_check has refused a label on hosts without SELinux). */
      _cleanup_free_ char *ctx =
          m->kind == RR_FSM_FS
              ? rr_lsm_mount_label_option(cfg->linux ? cfg->linux->mount_label : NULL)
              : NULL;
      if (ctx) {
        char *d = m->f.data ? rr_xasprintf("%s,%s", m->f.data, ctx) : steal_ptr(ctx);
        free(m->f.data);
        m->f.data = d;
      }
    }
    if (m->f.idmap || om->uid_mappings_len || om->gid_mappings_len) {
      /* Made here, in the host's namespaces: inside a user namespace the
       * container may not id-map a mount. The child only attaches it. */
      _cleanup_close_ int userns = rr_fs_idmap_userns(om, err);
      if (userns < 0)
        return rr_wrap(err, ".mounts[%zu]", i);
      _cleanup_close_ int src = open(m->source, O_PATH | O_CLOEXEC);
      if (src < 0)
        return rr_fail_errno(err, ".mounts[%zu]: open source `%s`", i, m->source);
      struct rr_fs_bind_attrs a;
      rr_fs_bind_attrs_from(&m->f, userns, &a);
      m->tree_fd = rr_fs_clone_tree(src, m->f.recursive_bind, &a, err);
      if (m->tree_fd < 0)
        return rr_wrap(err, ".mounts[%zu]", i);
    }
  }
  return 0;
}

static char **copy_paths(char **v, size_t n, const char *field, struct rr_error **err)
{
  char **out = rr_xcalloc(n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    if (v[i] == NULL || v[i][0] != '/') {
      rr_strvfreep(&out);
      rr_fail(err, RR_ERR_INVALID, 0, ".linux.%s[%zu]: `%s` must be absolute", field, i,
              v[i] ? v[i] : "");
      return NULL;
    }
    out[i] = rr_xstrdup(v[i]);
  }
  return out;
}

static int plan_personality(const oci_config *cfg, struct rr_fs_plan *plan, struct rr_error **err)
{
  const oci_personality *p = cfg->linux ? cfg->linux->personality : NULL;
  if (p == NULL)
    return 0;
  if (p->domain == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.personality.domain: is required");
  if (strcmp(p->domain, "LINUX") == 0)
    plan->personality = PER_LINUX;
  else if (strcmp(p->domain, "LINUX32") == 0)
    plan->personality = PER_LINUX32;
  else
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.personality.domain: `%s` is not LINUX or LINUX32", p->domain);
  if (p->flags_len > 0)
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                   ".linux.personality.flags: no personality flags are supported");
  plan->set_personality = true;
  return 0;
}

/* A later mount that was made earlier (a detached tree moved on top) comes
 * first in mountinfo on kernels that order it by mount id: where statx
 * reports the mount a path resolves to, that answer wins over the order. */
static void check_visible(struct rr_fs_mountinfo *e)
{
  struct statx st;
  if (statx(AT_FDCWD, e->mountpoint, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &st) < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      e->visible = false;
    return;
  }
  if (st.stx_mask & STATX_MNT_ID)
    e->visible = st.stx_mnt_id == (uint64_t)e->id;
}

/* The host's cgroup2 mount the container's cgroup is seen through
 * (/sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one):
 * a visible one, never one hidden under a later mount. */
static void find_cgroup2(struct rr_fs_plan *plan)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
  _cleanup_free_ char *text = NULL;
  size_t cap = 0;
  if (f == NULL || getdelim(&text, &cap, '\0', f) < 0)
    return;
  size_t n;
  struct rr_fs_mountinfo *v = rr_fs_mountinfo_parse(text, &n);
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i].fstype, "cgroup2") == 0)
      check_visible(&v[i]);
  const struct rr_fs_mountinfo *m = rr_fs_mountinfo_pick(v, n, "cgroup2", plan->cgroup_path);
  if (m) {
    plan->cgroup2_hostpath = rr_xstrdup(m->mountpoint);
    plan->cgroup2_root = rr_xstrdup(m->root);
  }
  rr_fs_mountinfo_free(v, n);
}

int rr_fs_plan_new(const oci_config *cfg, const char *bundle_dir, const struct rr_fs_opts *opts,
                   struct rr_fs_plan **out, struct rr_error **err)
{
  struct rr_fs_plan *plan = rr_xcalloc(1, sizeof(*plan));
  if (opts)
    plan->opts = *opts;
  plan->opts.cgroup_path = NULL;
  if (opts && opts->cgroup_path)
    plan->cgroup_path = rr_xstrdup(opts->cgroup_path);
  plan->new_cgroupns = rr_spec_has_ns(cfg, "cgroup");

  const oci_linux *lx = cfg->linux;
  int r = plan_root(cfg, bundle_dir, plan, err);
  if (r == 0)
    r = plan_mounts(cfg, bundle_dir, plan, err);
  if (r == 0)
    r = rr_fs_plan_devices(cfg, plan, err);
  if (r == 0 && lx) {
    plan->n_masked = lx->masked_paths_len;
    plan->masked = copy_paths(lx->masked_paths, lx->masked_paths_len, "maskedPaths", err);
    plan->n_readonly = lx->readonly_paths_len;
    if (plan->masked == NULL)
      r = -1;
    else if ((plan->readonly_paths = copy_paths(lx->readonly_paths, lx->readonly_paths_len,
                                                "readonlyPaths", err)) == NULL)
      r = -1;
  }
  if (r == 0)
    r = rr_fs_plan_sysctl(cfg, plan, err);
  if (r == 0)
    r = plan_personality(cfg, plan, err);
  /* the host's hierarchy is bound only without a cgroup namespace, or when a
   * user namespace refuses a fresh cgroup2 mount; mountinfo is costly to read */
  bool host_cgroup = (!plan->new_cgroupns && plan->cgroup_path != NULL) || plan->opts.in_user_ns;
  if (r == 0 && host_cgroup)
    for (size_t i = 0; i < plan->n_mounts; i++)
      if (plan->mounts[i].kind == RR_FSM_CGROUP) {
        find_cgroup2(plan);
        break;
      }
  if (r < 0) {
    rr_fs_plan_free(plan);
    return rr_wrap(err, "config.json");
  }
  *out = plan;
  return 0;
}

void rr_fs_plan_free(struct rr_fs_plan *plan)
{
  if (plan == NULL)
    return;
  free(plan->rootfs);
  for (size_t i = 0; i < plan->n_mounts; i++) {
    struct rr_fs_mount *m = &plan->mounts[i];
    free(m->destination);
    free(m->type);
    free(m->source);
    rr_mount_flags_release(&m->f);
    if (m->tree_fd >= 0)
      close(m->tree_fd);
  }
  free(plan->mounts);
  for (size_t i = 0; i < plan->n_devices; i++)
    free(plan->devices[i].path);
  free(plan->devices);
  rr_strvfreep(&plan->masked);
  rr_strvfreep(&plan->readonly_paths);
  for (size_t i = 0; i < plan->n_sysctl; i++) {
    free(plan->sysctl[i].key);
    free(plan->sysctl[i].value);
  }
  free(plan->sysctl);
  free(plan->cgroup_path);
  free(plan->cgroup2_hostpath);
  free(plan->cgroup2_root);
  free(plan);
}
