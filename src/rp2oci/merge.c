/* SPDX-License-Identifier: Apache-2.0 */
/* Merging the chain as red-pak 2.5.1's code does (redpak-format.md §5). Every
 * merge visits the configs in walk order: leaf.admin, leaf.normal,
 * parent.admin, ..., oldest.normal. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "libredrun/core/tables/capabilities.h"
#include "libredrun/core/util.h"
#include "rp2oci/rp2oci.h"

struct mctx {
  struct rp_arena *a;
  const struct rp_chain *chain;
  struct rp_walk *walk;
  size_t nwalk;
  struct rp_expand_env *xenv;
};

/* ---- §5.1 plain settings ----------------------------------------------- */

/* First config (admins leaf->oldest, then normals leaf->oldest) for which
 * `has` says the value counts. */
static const struct rp_walk *first_with(const struct mctx *c,
                                        bool (*has)(const struct rp_tags *, size_t), size_t arg)
{
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < c->nwalk; i++) {
      const struct rp_walk *w = &c->walk[i];
      if (w->admin != (pass == 0) || w->conf->config == NULL)
        continue;
      if (has(w->conf->config, arg))
        return w;
    }
  return NULL;
}

/* string fields are addressed by offset in struct rp_tags */
static bool has_str(const struct rp_tags *t, size_t off)
{
  return *(char *const *)((const char *)t + off) != NULL;
}
static bool has_long(const struct rp_tags *t, size_t off)
{
  return *(const long *)((const char *)t + off) != 0;
}
static bool has_int(const struct rp_tags *t, size_t off)
{
  return *(const int *)((const char *)t + off) != 0;
}

static const char *pick_str(const struct mctx *c, size_t off, const struct rp_walk **from)
{
  const struct rp_walk *w = first_with(c, has_str, off);
  if (from)
    *from = w;
  return w ? *(char *const *)((const char *)w->conf->config + off) : NULL;
}
static long pick_long(const struct mctx *c, size_t off)
{
  const struct rp_walk *w = first_with(c, has_long, off);
  return w ? *(const long *)((const char *)w->conf->config + off) : 0;
}
static int pick_int(const struct mctx *c, size_t off)
{
  const struct rp_walk *w = first_with(c, has_int, off);
  return w ? *(const int *)((const char *)w->conf->config + off) : 0;
}

static int resolve_id(const char *text, bool user, const struct rp_walk *from, unsigned *out,
                      struct rr_error **err)
{
  char *end;
  errno = 0;
  unsigned long n = strtoul(text, &end, 10);
  if (*text != '\0' && *end == '\0' && errno == 0 && n <= 0xfffffffeul) {
    *out = (unsigned)n;
    return 0;
  }
  if (user) {
    struct passwd *pw = getpwnam(text);
    if (pw != NULL) {
      *out = pw->pw_uid;
      return 0;
    }
  } else {
    struct group *gr = getgrnam(text);
    if (gr != NULL) {
      *out = gr->gr_gid;
      return 0;
    }
  }
  return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: config.%s: unknown %s `%s`", from->conf->file,
                 from->conf->config->line, user ? "set-user" : "set-group", user ? "user" : "group",
                 text);
}

static int merge_plain(struct mctx *c, struct rp_merged *m, struct rr_error **err)
{
#define OFF(f) offsetof(struct rp_tags, f)
  m->hostname = pick_str(c, OFF(hostname), NULL);
  m->chdir = pick_str(c, OFF(chdir), NULL);
  m->cgrouproot = pick_str(c, OFF(cgrouproot), NULL);
  m->smack = pick_str(c, OFF(smack), NULL);
  m->die_with_parent = pick_int(c, OFF(die_with_parent));
  m->new_session = pick_int(c, OFF(new_session));
  m->map_root_user = pick_long(c, OFF(map_root_user));
  m->inherit_env = pick_long(c, OFF(inherit_env));
  const struct rp_walk *from;
  m->umask = pick_str(c, OFF(umask), &from);
  m->umask_from = from;
  m->set_user = pick_str(c, OFF(set_user), &from);
  m->uid = getuid();
  if (m->set_user != NULL && resolve_id(m->set_user, true, from, &m->uid, err) < 0)
    return -1;
  m->set_group = pick_str(c, OFF(set_group), &from);
  m->gid = getgid();
  if (m->set_group != NULL && resolve_id(m->set_group, false, from, &m->gid, err) < 0)
    return -1;
#undef OFF
  c->xenv->uid = rp_printf(c->a, "%u", m->uid);
  c->xenv->gid = rp_printf(c->a, "%u", m->gid);
  return 0;
}

/* ---- §5.5 namespace sharing --------------------------------------------- */

static void share_parse(const char *v, struct rp_share *s)
{
  s->path = NULL;
  if (v == NULL || strcasecmp(v, "unset") == 0)
    s->kind = RP_SK_UNSET;
  else if (strcasecmp(v, "enabled") == 0)
    s->kind = RP_SK_ENABLED;
  else if (strcasecmp(v, "disabled") == 0)
    s->kind = RP_SK_DISABLED;
  else {
    s->kind = RP_SK_PATH;
    s->path = v;
  }
}

static int merge_share(struct mctx *c, struct rp_merged *m, struct rr_error **err)
{
  struct rp_share merged[RP_SHARE_N];
  for (int k = 0; k < RP_SHARE_N; k++) {
    struct rp_share kept = {RP_SK_UNSET, NULL};
    const struct rp_walk *kw = NULL;
    for (size_t i = 0; i < c->nwalk; i++) {
      const struct rp_walk *w = &c->walk[i];
      struct rp_share v;
      share_parse(w->conf->config ? w->conf->config->share[k] : NULL, &v);
      if (v.kind == RP_SK_UNSET)
        continue;
      if (kw == NULL || (w->admin && !kw->admin)) {
        kept = v;
        kw = w;
        continue;
      }
      if (!w->admin && kw->admin)
        continue;
      if (v.kind == kept.kind && (v.kind != RP_SK_PATH || strcmp(v.path, kept.path) == 0))
        continue;
      if (v.kind != RP_SK_DISABLED)
        continue;
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "%s:%d: config.share_%s: `disabled` here conflicts with `%s` in %s",
                     w->conf->file, w->conf->config->line, rp_share_names[k],
                     kw->conf->config->share[k], kw->conf->file);
    }
    merged[k] = kept;
  }
  for (int k = 0; k < RP_SHARE_N; k++) {
    m->share[k] = merged[k];
    if (k != RP_SHARE_ALL && k != RP_SHARE_TIME && merged[k].kind == RP_SK_UNSET)
      m->share[k] = merged[RP_SHARE_ALL];
  }
  return 0;
}

/* ---- §5.2 path lists ----------------------------------------------------- */

static int merge_pathlist(struct mctx *c, size_t off, char **out, struct rr_error **err)
{
  struct rp_buf b = {0};
  for (size_t i = 0; i < c->nwalk; i++) {
    const struct rp_walk *w = &c->walk[i];
    if (w->conf->config == NULL)
      continue;
    const char *raw = *(char *const *)((const char *)w->conf->config + off);
    if (raw == NULL)
      continue;
    char *x = rp_expand(c->a, c->xenv, w->node, raw, false, err);
    if (x == NULL) {
      rp_buf_reset(&b);
      return rr_wrap(err, "%s:%d: config", w->conf->file, w->conf->config->line);
    }
    for (char *save = NULL, *p = strtok_r(x, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
      bool dup = false;
      size_t n = strlen(p);
      for (const char *s = b.data; s != NULL && *s;) {
        const char *e = strchr(s, ':');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (l == n && memcmp(s, p, n) == 0) {
          dup = true;
          break;
        }
        s = e ? e + 1 : s + l;
      }
      if (dup)
        continue;
      if (b.len)
        rp_buf_addc(&b, ':');
      rp_buf_add(&b, p, n);
    }
  }
  *out = b.data ? rp_strdup(c->a, b.data) : NULL;
  rp_buf_reset(&b);
  return 0;
}

/* ---- §5.3 exports and environ ------------------------------------------- */

static bool dst_escapes(const char *p)
{
  int depth = 0;
  while (*p) {
    while (*p == '/')
      p++;
    const char *e = p;
    while (*e && *e != '/')
      e++;
    size_t n = (size_t)(e - p);
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (--depth < 0)
        return true;
    } else if (n > 0 && !(n == 1 && p[0] == '.'))
      depth++;
    p = e;
  }
  return false;
}

static bool same_str(const char *a, const char *b)
{
  return a == NULL || b == NULL || strcmp(a, b) == 0;
}

static int merge_exports(struct mctx *c, struct rp_merged *m, struct rr_error **err)
{
  size_t cap = 0;
  for (size_t i = 0; i < c->nwalk; i++)
    cap += c->walk[i].conf->nexports;
  m->exports = rp_alloc(c->a, (cap ? cap : 1) * sizeof(*m->exports));
  m->nexports = 0;
  for (size_t i = 0; i < c->nwalk; i++) {
    const struct rp_walk *w = &c->walk[i];
    for (size_t j = 0; j < w->conf->nexports; j++) {
      const struct rp_export *e = &w->conf->exports[j];
      if (w->node->depth > 0 && (e->mode == RP_EXP_PRIVATE || e->mode == RP_EXP_PRIVATE_FILE))
        continue;
      char *mnt = rp_expand(c->a, c->xenv, w->node, e->mount, true, err);
      if (mnt == NULL)
        return rr_wrap(err, "%s:%d: exports[%zu].mount", w->conf->file, e->line, j);
      if (dst_escapes(mnt))
        return rr_fail(err, RR_ERR_INVALID, 0,
                       "%s:%d: exports[%zu].mount: `%s` escapes the container root", w->conf->file,
                       e->line, j, mnt);
      char *src;
      const char *rawsrc = e->path ? e->path : e->mount;
      if (e->mode == RP_EXP_EXECFD)
        src = rp_strdup(c->a, rawsrc); /* given to bash unexpanded */
      else if (e->path == NULL)
        src = mnt;
      else if ((src = rp_expand(c->a, c->xenv, w->node, rawsrc, true, err)) == NULL)
        return rr_wrap(err, "%s:%d: exports[%zu].path", w->conf->file, e->line, j);
      struct rp_mexport cand = {e,  w->node, w->conf, w->admin, rp_path_normalize(c->a, mnt, "/"),
                                src};
      if (e->mode != RP_EXP_EXECFD && e->mode != RP_EXP_INTERNAL && e->mode != RP_EXP_SYMLINK &&
          src[0] != '\0')
        cand.src = rp_path_normalize(c->a, src, src[0] == '/' ? NULL : "/");
      size_t k;
      for (k = 0; k < m->nexports; k++)
        if (strcasecmp(m->exports[k].dst, cand.dst) == 0)
          break;
      if (k == m->nexports) {
        m->exports[m->nexports++] = cand;
        continue;
      }
      struct rp_mexport *kept = &m->exports[k];
      if (kept->conf == w->conf) {
        if (kept->e->mode == e->mode &&
            (kept->e->path == NULL || e->path == NULL || strcmp(kept->src, cand.src) == 0))
          continue;
        return rr_fail(err, RR_ERR_INVALID, 0,
                       "%s:%d: exports[%zu]: `%s` already exported differently at line %d",
                       w->conf->file, e->line, j, cand.dst, kept->e->line);
      }
      if (w->admin && !kept->admin)
        *kept = cand;
    }
  }
  return 0;
}

static int merge_environ(struct mctx *c, struct rp_merged *m, struct rr_error **err)
{
  size_t cap = 0;
  for (size_t i = 0; i < c->nwalk; i++)
    cap += c->walk[i].conf->nenviron;
  m->env = rp_alloc(c->a, (cap ? cap : 1) * sizeof(*m->env));
  m->nenv = 0;
  for (size_t i = 0; i < c->nwalk; i++) {
    const struct rp_walk *w = &c->walk[i];
    for (size_t j = 0; j < w->conf->nenviron; j++) {
      const struct rp_env *e = &w->conf->environ[j];
      struct rp_menv cand = {e, w->node, w->conf, w->admin};
      size_t k;
      for (k = 0; k < m->nenv; k++)
        if (strcasecmp(m->env[k].e->key, e->key) == 0)
          break;
      if (k == m->nenv) {
        m->env[m->nenv++] = cand;
        continue;
      }
      struct rp_menv *kept = &m->env[k];
      if (kept->conf == w->conf) {
        if (kept->e->mode == e->mode && same_str(kept->e->value, e->value))
          continue;
        return rr_fail(err, RR_ERR_INVALID, 0,
                       "%s:%d: environ[%zu]: `%s` already defined differently at line %d",
                       w->conf->file, e->line, j, e->key, kept->e->line);
      }
      if (w->admin && !kept->admin)
        *kept = cand;
    }
  }
  return 0;
}

/* ---- §5.4 capabilities --------------------------------------------------- */

static int cap_number(const struct rp_walk *w, const struct rp_cap *cp, size_t j, int *num,
                      struct rr_error **err)
{
  if (strcasecmp(cp->cap, "ALL") == 0) {
    *num = -1;
    return 0;
  }
  int n = strncasecmp(cp->cap, "cap_", 4) == 0 ? rr_cap_from_name(cp->cap) : -1;
  if (n < 0)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "%s:%d: config.capabilities[%zu].cap: unknown capability `%s`", w->conf->file,
                   cp->line, j, cp->cap);
  *num = n;
  return 0;
}

static int merge_caps(struct mctx *c, struct rp_merged *m, struct rr_error **err)
{
  size_t cap = 0;
  for (size_t i = 0; i < c->nwalk; i++)
    if (c->walk[i].conf->config)
      cap += c->walk[i].conf->config->ncaps;
  m->caps = rp_alloc(c->a, (cap ? cap : 1) * sizeof(*m->caps));
  m->ncaps = 0;
  for (size_t i = 0; i < c->nwalk; i++) {
    const struct rp_walk *w = &c->walk[i];
    if (w->conf->config == NULL)
      continue;
    for (size_t j = 0; j < w->conf->config->ncaps; j++) {
      const struct rp_cap *cp = &w->conf->config->caps[j];
      struct rp_mcap cand = {cp, w->conf, w->node, 0, cp->add != 0, w->admin};
      if (cap_number(w, cp, j, &cand.num, err) < 0)
        return -1;
      size_t k;
      for (k = 0; k < m->ncaps; k++)
        if (m->caps[k].num == cand.num)
          break;
      if (k == m->ncaps) {
        m->caps[m->ncaps++] = cand;
        continue;
      }
      struct rp_mcap *kept = &m->caps[k];
      if (kept->conf == w->conf) {
        if (kept->add == cand.add)
          continue;
        return rr_fail(err, RR_ERR_INVALID, 0,
                       "%s:%d: config.capabilities[%zu]: `%s` both added and dropped",
                       w->conf->file, cp->line, j, cp->cap);
      }
      if (w->admin == kept->admin && !cand.add && kept->add)
        return rr_fail(err, RR_ERR_INVALID, 0,
                       "%s:%d: config.capabilities: `%s` is added but an ancestor drops it (%s:%d)",
                       kept->conf->file, kept->c->line, kept->c->cap, w->conf->file, cp->line);
      if (w->admin && !kept->admin)
        *kept = cand;
    }
  }
  return 0;
}

/* byte order puts every directory before what is mounted inside it */
static int cmp_export(const void *x, const void *y)
{
  return strcmp(((const struct rp_mexport *)x)->dst, ((const struct rp_mexport *)y)->dst);
}

int rp_merge(struct rp_arena *a, const struct rp_chain *chain, struct rp_expand_env *xenv,
             struct rp_merged *m, struct rr_error **err)
{
  memset(m, 0, sizeof(*m));
  m->chain = chain;
  struct mctx c = {.a = a, .chain = chain, .xenv = xenv};
  c.walk = rp_alloc(a, 2 * chain->n * sizeof(*c.walk));
  c.nwalk = rp_chain_walk(chain, c.walk);
  m->walk = c.walk;
  m->nwalk = c.nwalk;
  xenv->leaf = &chain->nodes[0];
  if (merge_plain(&c, m, err) < 0 || merge_share(&c, m, err) < 0 ||
      merge_pathlist(&c, offsetof(struct rp_tags, path), &m->path, err) < 0 ||
      merge_pathlist(&c, offsetof(struct rp_tags, ldpath), &m->ldpath, err) < 0 ||
      merge_exports(&c, m, err) < 0 || merge_environ(&c, m, err) < 0 ||
      merge_caps(&c, m, err) < 0 || rp_seccomp_merge(a, c.walk, c.nwalk, m, err) < 0)
    return -1;
  qsort(m->exports, m->nexports, sizeof(*m->exports), cmp_export);
  for (size_t i = 0; i < c.nwalk; i++)
    if (c.walk[i].conf->config && c.walk[i].conf->config->cgroups)
      m->any_cgroups = true;
  return 0;
}
