/* SPDX-License-Identifier: Apache-2.0 */
/* Discovery of the node chain (redpak-format.md §1, §2): the leaf given by
 * --redpath, then every ancestor directory holding a .rednode.yaml, nearest
 * first; directories without one are skipped, `/` is never examined. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "rp2oci/rp2oci.h"

static const char *const state_text[] = {"Enable", "Disable", "Unknown", "Error"};

char *rp_path_normalize(struct rp_arena *a, const char *path, const char *base)
{
  struct rp_buf in = {0};
  if (path[0] != '/' && base != NULL) {
    rp_buf_adds(&in, base);
    rp_buf_addc(&in, '/');
  }
  rp_buf_adds(&in, path);
  /* components pushed onto out; `.` dropped, `..` pops (never above `/`) */
  char *out = rp_alloc(a, in.len + 2);
  size_t olen = 0;
  const char *s = in.data;
  while (*s) {
    while (*s == '/')
      s++;
    const char *e = s;
    while (*e && *e != '/')
      e++;
    size_t n = (size_t)(e - s);
    if (n == 0)
      break;
    if (n == 1 && s[0] == '.') {
      /* nothing */
    } else if (n == 2 && s[0] == '.' && s[1] == '.') {
      while (olen > 0 && out[olen - 1] != '/')
        olen--;
      if (olen > 0)
        olen--;
    } else {
      out[olen++] = '/';
      memcpy(out + olen, s, n);
      olen += n;
    }
    s = e;
  }
  if (olen == 0)
    out[olen++] = '/';
  out[olen] = '\0';
  rp_buf_reset(&in);
  return out;
}

static bool is_regular(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *pick(struct rp_arena *a, const char *dir, const char *name, const char *legacy)
{
  char *p = rp_printf(a, "%s/%s", dir, name);
  if (is_regular(p))
    return p;
  p = rp_printf(a, "%s/%s", dir, legacy);
  return is_regular(p) ? p : NULL;
}

static int load_config(struct rp_arena *a, const char *file, struct rp_config **out,
                       struct rr_error **err)
{
  void *obj;
  if (rp_yaml_load_file(a, &rp_config_schema, file, &obj, err) < 0)
    return -1;
  struct rp_config *c = obj;
  c->file = file;
  if (rp_config_check(c, err) < 0)
    return -1;
  *out = c;
  return 0;
}

static int load_node(struct rp_arena *a, const char *dir, int depth, bool admin, struct rp_node *n,
                     struct rr_error **err)
{
  n->path = rp_strdup(a, dir);
  n->depth = depth;
  const char *status = rp_printf(a, "%s/.rednode.yaml", dir);
  void *obj;
  if (rp_yaml_load_file(a, &rp_status_schema, status, &obj, err) < 0)
    return -1;
  n->status = obj;
  if (n->status->state != RP_STATE_ENABLE)
    return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: state: node state is `%s`, not `Enable`", status,
                   n->status->line, state_text[n->status->state]);
  const char *normal = pick(a, dir, "etc/redpak.yaml", "etc/redpack.yaml");
  if (normal == NULL)
    return rr_fail(err, RR_ERR_NOT_FOUND, ENOENT, "%s: node has no config etc/redpak.yaml", dir);
  if (load_config(a, normal, &n->normal, err) < 0)
    return -1;
  if (admin) {
    const char *adm = pick(a, dir, "etc/redpak-admin.yaml", "etc/redpack-admin.yaml");
    if (adm != NULL && load_config(a, adm, &n->admin, err) < 0)
      return -1;
  }
  return 0;
}

int rp_chain_load(struct rp_arena *a, const char *redpath, bool admin, struct rp_chain *out,
                  struct rr_error **err)
{
  _cleanup_free_ char *cwd = getcwd(NULL, 0);
  if (redpath[0] != '/' && cwd == NULL)
    return rr_fail_errno(err, "getcwd");
  char *leaf = rp_path_normalize(a, redpath, cwd);
  struct stat st;
  if (stat(leaf, &st) < 0)
    return rr_fail_errno(err, "--redpath `%s`", redpath);
  if (!S_ISDIR(st.st_mode))
    return rr_fail(err, RR_ERR_INVALID, ENOTDIR, "--redpath `%s`: not a directory", redpath);
  if (!is_regular(rp_printf(a, "%s/.rednode.yaml", leaf)))
    return rr_fail(err, RR_ERR_NOT_FOUND, ENOENT,
                   "--redpath `%s`: not a red-pak node (no regular .rednode.yaml)", redpath);

  /* count the path components to bound the chain */
  size_t max = 1;
  for (const char *s = leaf; *s; s++)
    max += *s == '/';
  out->nodes = rp_alloc(a, max * sizeof(*out->nodes));
  out->n = 0;
  out->admin_mode = admin;
  if (load_node(a, leaf, 0, admin, &out->nodes[out->n++], err) < 0)
    return -1;

  char *dir = rp_strdup(a, leaf);
  for (;;) {
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
      break; /* reached `/`: never examined */
    *slash = '\0';
    if (!is_regular(rp_printf(a, "%s/.rednode.yaml", dir)))
      continue;
    struct rp_node *n = &out->nodes[out->n];
    if (load_node(a, dir, (int)out->n, admin, n, err) < 0)
      return -1;
    out->n++;
  }
  return 0;
}

size_t rp_chain_walk(const struct rp_chain *c, struct rp_walk *w)
{
  size_t k = 0;
  for (size_t i = 0; i < c->n; i++) {
    const struct rp_node *n = &c->nodes[i];
    if (n->admin != NULL)
      w[k++] = (struct rp_walk){n, n->admin, true};
    w[k++] = (struct rp_walk){n, n->normal, false};
  }
  return k;
}
