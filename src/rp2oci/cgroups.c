/* SPDX-License-Identifier: Apache-2.0 */
/* red-pak nests one cgroup per node (redpak-format.md §6.9); an OCI container
 * has one. The leaf's unified values fold the ancestors in: ceilings take the
 * smallest value along the chain, cpu.max the smallest quota/period ratio,
 * anything else the youngest node that sets it. The per-node values travel in
 * an annotation so a runtime can rebuild the exact hierarchy. Every value goes
 * through the runtime's own cgroup key table. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libredrun/core/log.h"
#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/core/util.h"
#include "rp2oci/to_oci.h"

#define NFILES (RP_CG_NSECTIONS * RP_CG_MAXKEYS)

struct node_cg {
  const char *name;
  const char *val[NFILES];
  const struct rp_config *from[NFILES];
};

static bool is_ceiling(const char *file)
{
  static const char *const c[] = {"memory.max", "memory.high", "memory.swap.max",
                                  "memory.swap.high", "pids.max"};
  for (size_t i = 0; i < RR_ARRAY_SIZE(c); i++)
    if (strcmp(file, c[i]) == 0)
      return true;
  return false;
}

/* "max" sorts above every number */
static bool ceiling_lower(const char *a, const char *b)
{
  unsigned long long x = 0, y = 0;
  int xmax = 0, ymax = 0;
  if (rr_cg_parse_bytes(a, &x, &xmax) < 0 || rr_cg_parse_bytes(b, &y, &ymax) < 0)
    return false;
  if (xmax)
    return false;
  return ymax || x < y;
}

/* quota/period as a comparable fraction; "max" quota is unlimited */
static bool cpu_max_lower(const char *a, const char *b)
{
  char qa[32] = "", qb[32] = "";
  unsigned long long pa = 100000, pb = 100000;
  if (sscanf(a, "%31s %llu", qa, &pa) < 1 || sscanf(b, "%31s %llu", qb, &pb) < 1)
    return false;
  if (strcmp(qa, "max") == 0)
    return false;
  if (strcmp(qb, "max") == 0)
    return true;
  unsigned long long na = strtoull(qa, NULL, 10), nb = strtoull(qb, NULL, 10);
  return (__uint128_t)na * pb < (__uint128_t)nb * pa;
}

static int collect(const struct rp_config *c, struct node_cg *n, struct rr_error **err)
{
  if (c == NULL || c->config == NULL || c->config->cgroups == NULL)
    return 0;
  for (int s = 0; s < RP_CG_NSECTIONS; s++) {
    const struct rp_cg_map *mp = c->config->cgroups->sec[s];
    if (mp == NULL)
      continue;
    for (int k = 0; k < RP_CG_MAXKEYS && rp_cg_files[s][k]; k++) {
      const char *v = mp->v[k], *file = rp_cg_files[s][k];
      if (v == NULL)
        continue;
      const struct rr_cg_key *key = rr_cg_key_lookup(file);
      if (key != NULL && (key->flags & RR_CG_ROOT_ONLY)) {
        rr_log(RR_LOG_WARN, "%s: config.cgroups.%s: `%s` exists only in the root cgroup, dropped",
               c->file, rp_cg_section_names[s], file);
        continue;
      }
      if (rr_cg_value_validate(file, v, err) < 0)
        return rr_wrap(err, "%s:%d: config.cgroups.%s", c->file, mp->line, rp_cg_section_names[s]);
      n->val[s * RP_CG_MAXKEYS + k] = v;
      n->from[s * RP_CG_MAXKEYS + k] = c;
    }
  }
  return 0;
}

static const char *file_of(int i)
{
  return rp_cg_files[i / RP_CG_MAXKEYS][i % RP_CG_MAXKEYS];
}

int rp_cgroups_to_oci(struct rp_arena *a, const struct rp_merged *m, struct rp_expand_env *xenv,
                      oci_config *cfg, struct rr_error **err)
{
  if (!m->any_cgroups)
    return 0;
  const struct rp_chain *ch = m->chain;
  struct node_cg *nodes = rp_alloc(a, ch->n * sizeof(*nodes));
  /* oldest first, like red-pak builds them */
  for (size_t i = 0; i < ch->n; i++) {
    const struct rp_node *nd = &ch->nodes[ch->n - 1 - i];
    struct node_cg *n = &nodes[i];
    char *name = rp_strdup(a, nd->path);
    for (char *s = name; *s; s++)
      if (*s == '/')
        *s = '-';
    n->name = nd->admin ? rp_printf(a, "%s.admin", name) : name;
    /* normal first, then the admin config overrides key by key */
    if (collect(nd->normal, n, err) < 0 || collect(nd->admin, n, err) < 0)
      return -1;
  }

  struct rp_buf path = {0};
  if (m->cgrouproot != NULL) {
    char *root = rp_expand(a, xenv, xenv->leaf, m->cgrouproot, true, err);
    if (root == NULL)
      return rr_wrap(err, "config.cgrouproot");
    char *mnt = rp_expand(a, xenv, xenv->leaf, "$CGROUPS_MOUNT_POINT", false, err);
    if (mnt == NULL)
      return -1;
    mnt = rp_path_normalize(a, mnt, "/");
    root = rp_path_normalize(a, root, "/");
    size_t ml = strlen(mnt);
    const char *rel = root;
    if (strcmp(mnt, "/") != 0 && strncmp(root, mnt, ml) == 0 && (root[ml] == '/' || root[ml] == 0))
      rel = root + ml;
    rp_buf_adds(&path, *rel ? rel : "/");
    if (path.data[path.len - 1] != '/')
      rp_buf_addc(&path, '/');
  }
  for (size_t i = 0; i < ch->n; i++) {
    rp_buf_adds(&path, nodes[i].name);
    if (i + 1 < ch->n)
      rp_buf_addc(&path, '/');
  }
  cfg->linux->cgroups_path = rr_xstrdup(path.data);
  rp_buf_reset(&path);

  /* fold: nodes[] is oldest first, so walk from the leaf back */
  oci_linux_resources *res = rr_xcalloc(1, sizeof(*res));
  cfg->linux->resources = res;
  for (int f = 0; f < NFILES; f++) {
    const char *file = file_of(f);
    if (file == NULL)
      continue;
    const char *best = NULL;
    for (size_t i = ch->n; i-- > 0;) {
      const char *v = nodes[i].val[f];
      if (v == NULL)
        continue;
      if (best == NULL)
        best = v;
      else if (is_ceiling(file) && ceiling_lower(v, best))
        best = v;
      else if (strcmp(file, "cpu.max") == 0 && cpu_max_lower(v, best))
        best = v;
    }
    if (best != NULL)
      oci_string_map_set(&res->unified, file, best);
  }

  if (res->unified == NULL) {
    oci_linux_resources_free(res);
    cfg->linux->resources = NULL;
  }

  struct rp_buf ann = {0};
  rp_buf_addc(&ann, '[');
  for (size_t i = 0; i < ch->n; i++) {
    rp_buf_adds(&ann, i ? ",{\"cgroup\":" : "{\"cgroup\":");
    rp_json_str(&ann, nodes[i].name);
    rp_buf_adds(&ann, ",\"files\":{");
    bool first = true;
    for (int f = 0; f < NFILES; f++) {
      if (nodes[i].val[f] == NULL)
        continue;
      if (!first)
        rp_buf_addc(&ann, ',');
      first = false;
      rp_json_str(&ann, file_of(f));
      rp_buf_addc(&ann, ':');
      rp_json_str(&ann, nodes[i].val[f]);
    }
    rp_buf_adds(&ann, "}}");
  }
  rp_buf_addc(&ann, ']');
  oci_string_map_set(&cfg->annotations, RP_ANN "cgroups", ann.data);
  rp_buf_reset(&ann);
  return 0;
}
