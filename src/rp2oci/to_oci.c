/* SPDX-License-Identifier: Apache-2.0 */
/* Merged settings -> oci_config (redpak-format.md §6.1, §6.3 - §6.7, §6.10).
 * Values are malloc'd (oci_config_free owns them); the arena only holds
 * intermediate text. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libredrun/core/tables/capabilities.h"
#include "libredrun/core/util.h"
#include "rp2oci/to_oci.h"

extern char **environ;

void rp_json_str(struct rp_buf *b, const char *s)
{
  rp_buf_addc(b, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      rp_buf_addc(b, '\\');
      rp_buf_addc(b, (char)c);
    } else if (c < 0x20) {
      char esc[8];
      snprintf(esc, sizeof(esc), "\\u%04x", c);
      rp_buf_adds(b, esc);
    } else
      rp_buf_addc(b, (char)c);
  }
  rp_buf_addc(b, '"');
}

/* NULL-terminated malloc'd copy, as the generated types expect */
static char **strv_dup(const char *const *v, size_t n)
{
  char **r = rr_xcalloc(n + 1, sizeof(*r));
  for (size_t i = 0; i < n; i++)
    r[i] = rr_xstrdup(v[i]);
  return r;
}

/* ---- environment (§6.7) -------------------------------------------------- */

struct envv {
  char **v; /* "K=V", malloc'd */
  size_t n, cap;
};

static void env_set(struct envv *e, const char *k, const char *v)
{
  size_t kl = strlen(k);
  char *kv = rr_xasprintf("%s=%s", k, v);
  for (size_t i = 0; i < e->n; i++)
    if (strncmp(e->v[i], k, kl) == 0 && e->v[i][kl] == '=') {
      free(e->v[i]);
      e->v[i] = kv;
      return;
    }
  if (e->n + 2 > e->cap) {
    e->cap = e->cap ? e->cap * 2 : 16;
    e->v = rr_xrealloc(e->v, e->cap * sizeof(*e->v));
  }
  e->v[e->n++] = kv;
  e->v[e->n] = NULL;
}

static void env_unset(struct envv *e, const char *k)
{
  size_t kl = strlen(k);
  for (size_t i = 0; i < e->n; i++)
    if (strncmp(e->v[i], k, kl) == 0 && e->v[i][kl] == '=') {
      free(e->v[i]);
      memmove(&e->v[i], &e->v[i + 1], (e->n - i) * sizeof(*e->v));
      e->n--;
      return;
    }
}

static int build_env(struct rp_arena *a, const struct rp_merged *m, struct rp_expand_env *xenv,
                     struct envv *e, struct rr_error **err)
{
  if (m->inherit_env)
    for (char **p = environ; p && *p; p++) {
      const char *eq = strchr(*p, '=');
      if (eq != NULL) {
        char *k = rp_strndup(a, *p, (size_t)(eq - *p));
        env_set(e, k, eq + 1);
      }
    }
  /* oldest first: entries were collected youngest first */
  for (size_t i = m->nenv; i-- > 0;) {
    const struct rp_menv *v = &m->env[i];
    const char *key = v->e->key;
    switch ((enum rp_env_mode)v->e->mode) {
    case RP_ENV_DEFAULT: {
      char *x = rp_expand(a, xenv, v->node, v->e->value, true, err);
      if (x == NULL)
        return rr_wrap(err, "%s:%d: environ `%s`", v->conf->file, v->e->line, key);
      env_set(e, key, x);
      break;
    }
    case RP_ENV_STATIC:
      env_set(e, key, v->e->value);
      break;
    case RP_ENV_EXECFD: {
      char *out;
      size_t len;
      if (xenv->run == NULL)
        return rr_fail(err, RR_ERR_UNSUPPORTED, 0, "%s:%d: environ `%s`: commands disabled",
                       v->conf->file, v->e->line, key);
      if (xenv->run(a, v->e->value, &out, &len, err) < 0)
        return rr_wrap(err, "%s:%d: environ `%s`", v->conf->file, v->e->line, key);
      while (len > 0 && out[len - 1] == '\n')
        out[--len] = '\0';
      env_set(e, key, out);
      break;
    }
    case RP_ENV_REMOVE:
      env_unset(e, key);
      break;
    case RP_ENV_INHERIT: {
      const char *h = xenv->getenv ? xenv->getenv(key) : getenv(key);
      env_set(e, key, h ? h : "");
      break;
    }
    }
  }
  if (m->path)
    env_set(e, "PATH", m->path);
  if (m->ldpath)
    env_set(e, "LD_LIBRARY_PATH", m->ldpath);
  return 0;
}

/* ---- capabilities (§6.5) ------------------------------------------------- */

static void set_caps(oci_process *p, const struct rp_merged *m, unsigned inside_uid)
{
  bool set[RR_CAP_LAST + 1];
  for (int c = 0; c <= RR_CAP_LAST; c++)
    set[c] = inside_uid == 0;
  for (size_t i = 0; i < m->ncaps; i++)
    if (m->caps[i].num < 0)
      for (int c = 0; c <= RR_CAP_LAST; c++)
        set[c] = m->caps[i].add;
  for (size_t i = 0; i < m->ncaps; i++)
    if (m->caps[i].num >= 0)
      set[m->caps[i].num] = m->caps[i].add;
  const char *names[RR_CAP_LAST + 1];
  size_t n = 0;
  for (int c = 0; c <= RR_CAP_LAST; c++)
    if (set[c])
      names[n++] = rr_cap_name(c);
  oci_capabilities *caps = rr_xcalloc(1, sizeof(*caps));
  caps->bounding = strv_dup(names, n);
  caps->effective = strv_dup(names, n);
  caps->permitted = strv_dup(names, n);
  caps->bounding_len = caps->effective_len = caps->permitted_len = n;
  /* bwrap raises inheritable+ambient only when capabilities were configured */
  size_t amb = m->ncaps > 0 ? n : 0;
  caps->inheritable = strv_dup(names, amb);
  caps->ambient = strv_dup(names, amb);
  caps->inheritable_len = caps->ambient_len = amb;
  caps->bounding_present = caps->effective_present = caps->permitted_present = true;
  caps->inheritable_present = caps->ambient_present = true;
  p->capabilities = caps;
}

/* ---- namespaces and identity (§6.3, §6.4) -------------------------------- */

static void add_ns(oci_linux *l, const char *type, const char *path)
{
  l->namespaces = rr_xrealloc(l->namespaces, (l->namespaces_len + 1) * sizeof(*l->namespaces));
  oci_namespace *ns = rr_xcalloc(1, sizeof(*ns));
  ns->type = rr_xstrdup(type);
  ns->path = path ? rr_xstrdup(path) : NULL;
  l->namespaces[l->namespaces_len++] = ns;
  l->namespaces_present = true;
}

static oci_id_mapping **one_mapping(unsigned inside, unsigned host)
{
  oci_id_mapping **v = rr_xcalloc(1, sizeof(*v));
  v[0] = rr_xcalloc(1, sizeof(**v));
  *v[0] = (oci_id_mapping){.container_id = inside,
                           .container_id_present = true,
                           .host_id = host,
                           .host_id_present = true,
                           .size = 1,
                           .size_present = true};
  return v;
}

static void set_namespaces(oci_config *cfg, const struct rp_merged *m, bool hostname)
{
  static const struct {
    enum rp_share_key key;
    const char *type;
  } map[] = {{RP_SHARE_USER, "user"},
             {RP_SHARE_CGROUP, "cgroup"},
             {RP_SHARE_IPC, "ipc"},
             {RP_SHARE_PID, "pid"},
             {RP_SHARE_NET, "network"}};
  oci_linux *l = cfg->linux;
  add_ns(l, "mount", NULL);
  if (hostname)
    add_ns(l, "uts", NULL);
  for (size_t i = 0; i < RR_ARRAY_SIZE(map); i++) {
    const struct rp_share *s = &m->share[map[i].key];
    if (s->kind == RP_SK_UNSET || s->kind == RP_SK_DISABLED)
      add_ns(l, map[i].type, NULL);
    else if (s->kind == RP_SK_PATH)
      add_ns(l, map[i].type, s->path);
  }
  const struct rp_share *t = &m->share[RP_SHARE_TIME];
  if (t->kind == RP_SK_DISABLED)
    add_ns(l, "time", NULL);
  else if (t->kind == RP_SK_PATH)
    add_ns(l, "time", t->path);
}

static bool new_userns(const struct rp_merged *m)
{
  enum rp_share_kind k = m->share[RP_SHARE_USER].kind;
  return k == RP_SK_UNSET || k == RP_SK_DISABLED;
}

/* ---- annotations (§6.10) ------------------------------------------------- */

static void set_annotations(struct rp_arena *a, oci_config *cfg, const struct rp_merged *m,
                            const struct rp_plan *plan, const struct rp_options *o)
{
  oci_string_map **ann = &cfg->annotations;
  if (m->die_with_parent == RP_TRI_ENABLED)
    oci_string_map_set(ann, RP_ANN "die-with-parent", "true");
  if (m->new_session == RP_TRI_ENABLED)
    oci_string_map_set(ann, RP_ANN "new-session", "true");
  struct rp_buf b = {0};
  if (plan->nlocks > 0) {
    rp_buf_addc(&b, '[');
    for (size_t i = 0; i < plan->nlocks; i++) {
      if (i)
        rp_buf_addc(&b, ',');
      rp_json_str(&b, plan->locks[i]);
    }
    rp_buf_addc(&b, ']');
    oci_string_map_set(ann, RP_ANN "lock-files", b.data);
    rp_buf_reset(&b);
  }
  if (plan->nlinks > 0) {
    rp_buf_addc(&b, '{');
    for (size_t i = 0; i < plan->nlinks; i++) {
      if (i)
        rp_buf_addc(&b, ',');
      rp_json_str(&b, plan->links[i].link);
      rp_buf_addc(&b, ':');
      rp_json_str(&b, plan->links[i].target);
    }
    rp_buf_addc(&b, '}');
    oci_string_map_set(ann, RP_ANN "symlinks", b.data);
    rp_buf_reset(&b);
  }
  if (m->smack)
    oci_string_map_set(ann, RP_ANN "smack", m->smack);
  oci_string_map_set(ann, RP_ANN "redpath", m->chain->nodes[0].path);
  oci_string_map_set(ann, RP_ANN "alias", m->chain->nodes[0].normal->headers->alias);
  if (o->admin)
    oci_string_map_set(ann, RP_ANN "admin", "true");
  (void)a;
}

/* ---- the whole document --------------------------------------------------- */

static int set_process(struct rp_arena *a, oci_config *cfg, const struct rp_merged *m,
                       struct rp_expand_env *xenv, const struct rp_options *o,
                       struct rr_error **err)
{
  oci_process *p = rr_xcalloc(1, sizeof(*p));
  cfg->process = p;
  p->terminal_present = true;
  static const char *const dflt[] = {"/bin/sh"};
  if (o->args != NULL && o->args[0] != NULL) {
    size_t n = 0;
    while (o->args[n])
      n++;
    p->args = strv_dup((const char *const *)o->args, n);
    p->args_len = n;
  } else {
    p->args = strv_dup(dflt, 1);
    p->args_len = 1;
  }
  p->args_present = true;
  p->no_new_privileges = true;
  p->no_new_privileges_present = true;

  const char *cwd = "/";
  if (m->chdir) {
    char *x = rp_expand(a, xenv, xenv->leaf, m->chdir, true, err);
    if (x == NULL)
      return rr_wrap(err, "config.chdir");
    cwd = rp_path_normalize(a, x, "/");
  }
  p->cwd = rr_xstrdup(cwd);

  bool userns = new_userns(m);
  unsigned inside_uid = (m->map_root_user && userns) ? 0 : m->uid;
  unsigned inside_gid = (m->map_root_user && userns) ? 0 : m->gid;
  p->user = rr_xcalloc(1, sizeof(*p->user));
  p->user->uid = inside_uid;
  p->user->gid = inside_gid;
  p->user->uid_present = p->user->gid_present = true;
  if (m->umask) {
    const struct rp_walk *w = m->umask_from;
    char *x = rp_expand(a, xenv, xenv->leaf, m->umask, true, err);
    if (x == NULL)
      return rr_wrap(err, "%s:%d: config.umask", w->conf->file, w->conf->config->line);
    char *end;
    unsigned long v = strtoul(x, &end, 8);
    if (*x == '\0' || *end != '\0' || strchr(x, '-') != NULL || v > 0777)
      return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: config.umask: `%s` is not an octal umask",
                     w->conf->file, w->conf->config->line, x);
    p->user->umask = (uint32_t)v;
    p->user->umask_present = true;
  }

  struct envv e = {0};
  if (build_env(a, m, xenv, &e, err) < 0) {
    for (size_t i = 0; i < e.n; i++)
      free(e.v[i]);
    free(e.v);
    return -1;
  }
  p->env = e.v ? e.v : rr_xcalloc(1, sizeof(char *));
  p->env_len = e.n;
  p->env_present = true;
  set_caps(p, m, inside_uid);
  return 0;
}

static void set_mounts(oci_config *cfg, const struct rp_plan *plan)
{
  cfg->mounts = rr_xcalloc(plan->nmounts + 1, sizeof(*cfg->mounts));
  for (size_t i = 0; i < plan->nmounts; i++) {
    const struct rp_mount *s = &plan->mounts[i];
    oci_mount *mt = rr_xcalloc(1, sizeof(*mt));
    mt->destination = rr_xstrdup(s->destination);
    mt->type = rr_xstrdup(s->type);
    mt->source = rr_xstrdup(s->source);
    mt->options = strv_dup(s->options, s->noptions);
    mt->options_len = s->noptions;
    mt->options_present = true;
    cfg->mounts[i] = mt;
  }
  cfg->mounts_len = plan->nmounts;
  cfg->mounts_present = true;
}

static void set_devices(oci_linux *l, const struct rp_plan *plan)
{
  if (plan->ndevices == 0)
    return;
  l->devices = rr_xcalloc(plan->ndevices, sizeof(*l->devices));
  for (size_t i = 0; i < plan->ndevices; i++) {
    oci_device *d = rr_xcalloc(1, sizeof(*d));
    d->type = rr_xstrdup("c");
    d->path = rr_xstrdup(plan->devices[i].path);
    d->major = plan->devices[i].major;
    d->minor = plan->devices[i].minor;
    d->major_present = d->minor_present = true;
    d->file_mode = 0666;
    d->file_mode_present = true;
    l->devices[i] = d;
  }
  l->devices_len = plan->ndevices;
  l->devices_present = true;
}

int rp_to_oci(struct rp_arena *a, const struct rp_merged *m, const struct rp_plan *plan,
              struct rp_expand_env *xenv, const struct rp_options *o, oci_config **out,
              struct rr_error **err)
{
  oci_config *cfg = rr_xcalloc(1, sizeof(*cfg));
  cfg->oci_version = rr_xstrdup(RR_OCI_VERSION);
  cfg->root = rr_xcalloc(1, sizeof(*cfg->root));
  cfg->root->path = rr_xstrdup(o->rootfs ? o->rootfs : "rootfs");
  cfg->root->readonly = true;
  cfg->root->readonly_present = true;
  cfg->linux = rr_xcalloc(1, sizeof(*cfg->linux));

  bool has_hostname = false;
  if (m->hostname) {
    char *h = rp_expand(a, xenv, xenv->leaf, m->hostname, true, err);
    if (h == NULL) {
      oci_config_free(cfg);
      return rr_wrap(err, "config.hostname");
    }
    cfg->hostname = rr_xstrdup(h);
    has_hostname = true;
  }
  if (set_process(a, cfg, m, xenv, o, err) < 0) {
    oci_config_free(cfg);
    return -1;
  }
  set_mounts(cfg, plan);
  set_namespaces(cfg, m, has_hostname);
  if (new_userns(m)) {
    unsigned iu = cfg->process->user->uid, ig = cfg->process->user->gid;
    cfg->linux->uid_mappings = one_mapping(iu, m->uid);
    cfg->linux->gid_mappings = one_mapping(ig, m->gid);
    cfg->linux->uid_mappings_len = cfg->linux->gid_mappings_len = 1;
    cfg->linux->uid_mappings_present = cfg->linux->gid_mappings_present = true;
  }
  set_devices(cfg->linux, plan);
  if (m->seccomp != NULL) {
    cfg->linux->seccomp = rp_seccomp_build(a, m->seccomp, m->seccomp_conf->file, NULL, err);
    if (cfg->linux->seccomp == NULL) {
      oci_config_free(cfg);
      return -1;
    }
  }
  set_annotations(a, cfg, m, plan, o);
  if (rp_cgroups_to_oci(a, m, xenv, cfg, err) < 0) {
    oci_config_free(cfg);
    return -1;
  }
  *out = cfg;
  return 0;
}
