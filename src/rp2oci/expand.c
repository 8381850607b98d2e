/* SPDX-License-Identifier: Apache-2.0 */
/* red-pak's variable expansion (redpak-format.md §4): `$NAME`, `$(command)`,
 * `\$`. Values found for a name are expanded again, without commands. rp2oci
 * runs all of it once, at conversion time. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libredrun/core/util.h"
#include "rp2oci/rp2oci.h"

/* A name whose value names itself (HOME=$HOME) must end; red-pak stops at its
 * 512-byte buffer, rp2oci at a depth and a size. */
#define XDEPTH_MAX 8
#define XSIZE_MAX (1u << 20)

struct xstate {
  struct rp_arena *a;
  const struct rp_expand_env *env;
  const struct rp_node *node;
  struct rp_buf out;
};

static const char *env_get(const struct rp_expand_env *env, const char *name)
{
  return env->getenv ? env->getenv(name) : secure_getenv(name);
}

static int expand_into(struct xstate *x, const char *in, bool cmds, int depth,
                       struct rr_error **err);

/* Length of the key after `$`: a name, or a balanced `(...)`; 0 if none. */
static size_t key_length(const char *s)
{
  if (s[0] == '(') {
    int depth = 0;
    for (size_t i = 0; s[i]; i++) {
      if (s[i] == '(')
        depth++;
      else if (s[i] == ')' && --depth == 0)
        return i + 1;
    }
    return 0;
  }
  size_t n = 0;
  while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
         (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
    n++;
  return n;
}

static const char *header_of(struct rp_arena *a, const struct rp_node *n, const char *what,
                             const char *key)
{
  const char *v = NULL;
  if (n != NULL) {
    if (strcmp(what, "PATH") == 0)
      v = n->path;
    else if (n->normal != NULL && strcmp(what, "ALIAS") == 0)
      v = n->normal->headers->alias;
    else if (n->normal != NULL && strcmp(what, "NAME") == 0)
      v = n->normal->headers->name;
    else if (n->normal != NULL && strcmp(what, "INFO") == 0)
      v = n->normal->headers->info;
  }
  /* red-pak's text for a header that is not there */
  return v != NULL ? v : rp_printf(a, "#undef:%s", key);
}

static const char *cgroup_mount_point(struct rp_arena *a)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/mounts", "re");
  char line[4096];
  while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
    char dev[1024], dir[2048], type[64];
    if (sscanf(line, "%1023s %2047s %63s", dev, dir, type) == 3 && strcmp(type, "cgroup2") == 0)
      return rp_strdup(a, dir);
  }
  return "/sys/fs/cgroup";
}

static const char *fresh_uuid(struct rp_arena *a)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/random/uuid", "re");
  char buf[64] = "";
  if (f == NULL || fgets(buf, sizeof(buf), f) == NULL)
    return "";
  buf[strcspn(buf, "\n")] = '\0';
  return rp_strdup(a, buf);
}

/* NULL when the name is not one of red-pak's own (then the environment is asked). */
static const char *lookup_builtin(struct xstate *x, const char *k)
{
  const struct rp_expand_env *env = x->env;
  const char *e;
  if (strncmp(k, "NODE_", 5) == 0 && strcmp(k, "NODE_PREFIX") != 0 &&
      (strcmp(k + 5, "ALIAS") == 0 || strcmp(k + 5, "NAME") == 0 || strcmp(k + 5, "PATH") == 0 ||
       strcmp(k + 5, "INFO") == 0))
    return header_of(x->a, x->node, k + 5, k);
  if (strncmp(k, "LEAF_", 5) == 0 && (strcmp(k + 5, "ALIAS") == 0 || strcmp(k + 5, "NAME") == 0 ||
                                      strcmp(k + 5, "PATH") == 0 || strcmp(k + 5, "INFO") == 0))
    return header_of(x->a, env->leaf ? env->leaf : x->node, k + 5, k);
  if (strcmp(k, "UID") == 0)
    return env->uid;
  if (strcmp(k, "GID") == 0)
    return env->gid;
  if (strcmp(k, "PID") == 0)
    return rp_printf(x->a, "%d", (int)getpid());
  if (strcmp(k, "TODAY") == 0) {
    char buf[128];
    time_t t = time(NULL);
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL || strftime(buf, sizeof(buf), "%d-%b-%Y %H:%M (%Z)", &tm) == 0)
      return "";
    return rp_strdup(x->a, buf);
  }
  if (strcmp(k, "UUID") == 0)
    return fresh_uuid(x->a);

  static const struct {
    const char *name, *dflt;
  } from_env[] = {
      {"NODE_PREFIX", ""},
      {"redpak_MAIN", "$NODE_PREFIX/etc/redpak/main.yaml"},
      {"redpak_TMPL", "$NODE_PREFIX/etc/redpak/templates.d"},
      {"USER", "Unknown"},
      {"LOGNAME", "Unknown"},
      {"HOSTNAME", "localhost"},
      {"REDPESK_VERSION", "agl-redpesk9"},
      {"CGROUPS_MOUNT_POINT", NULL},
  };
  for (size_t i = 0; i < RR_ARRAY_SIZE(from_env); i++) {
    if (strcmp(k, from_env[i].name) != 0)
      continue;
    e = env_get(env, k);
    if (e != NULL)
      return e;
    return from_env[i].dflt ? from_env[i].dflt : cgroup_mount_point(x->a);
  }
  static const struct {
    const char *name, *rel;
  } node_files[] = {
      {"REDNODE_CONF", "etc/redpak.yaml"},    {"REDNODE_ADMIN", "etc/redpak-admin.yaml"},
      {"REDNODE_STATUS", ".rednode.yaml"},    {"REDNODE_VARDIR", "var/rpm/lib"},
      {"REDNODE_REPODIR", "etc/yum.repos.d"}, {"REDNODE_LOCK", ".rpm.lock"},
  };
  for (size_t i = 0; i < RR_ARRAY_SIZE(node_files); i++)
    if (strcmp(k, node_files[i].name) == 0)
      return rp_printf(x->a, "$NODE_PATH/%s", node_files[i].rel);
  return NULL;
}

static int run_command(struct xstate *x, const char *inner, int depth, struct rr_error **err)
{
  /* variables inside the command are expanded first, without nested commands */
  struct xstate sub = {.a = x->a, .env = x->env, .node = x->node};
  if (expand_into(&sub, inner, false, depth + 1, err) < 0) {
    rp_buf_reset(&sub.out);
    return -1;
  }
  char *cmd = rp_strdup(x->a, sub.out.data ? sub.out.data : "");
  rp_buf_reset(&sub.out);
  char *res = NULL;
  size_t len = 0;
  if (x->env->run(x->a, cmd, &res, &len, err) < 0)
    return rr_wrap(err, "$(%s)", cmd);
  while (len > 0 && res[len - 1] == '\n')
    len--;
  rp_buf_add(&x->out, res, len);
  return 0;
}

static int expand_into(struct xstate *x, const char *in, bool cmds, int depth,
                       struct rr_error **err)
{
  if (depth > XDEPTH_MAX)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "expansion nested too deeply (a variable refers to itself?)");
  for (size_t i = 0; in[i]; i++) {
    if (x->out.len > XSIZE_MAX)
      return rr_fail(err, RR_ERR_INVALID, 0, "expansion larger than %u bytes", XSIZE_MAX);
    if (in[i] == '\\' && in[i + 1] == '$') {
      rp_buf_addc(&x->out, '$');
      i++;
      continue;
    }
    if (in[i] != '$') {
      rp_buf_addc(&x->out, in[i]);
      continue;
    }
    const char *key = in + i + 1;
    size_t klen = key_length(key);
    i += klen;
    if (klen == 0)
      continue;
    if (key[0] == '(') {
      /* without commands a `$(...)` names no variable: it expands to nothing */
      if (cmds && x->env->run != NULL) {
        char *inner = rp_strndup(x->a, key + 1, klen - 2);
        if (run_command(x, inner, depth, err) < 0)
          return -1;
      }
      continue;
    }
    char *name = rp_strndup(x->a, key, klen);
    const char *v = lookup_builtin(x, name);
    if (v == NULL) {
      v = env_get(x->env, name);
      if (v == NULL || *v == '\0')
        continue;
    }
    if (expand_into(x, v, false, depth + 1, err) < 0)
      return -1;
  }
  return 0;
}

char *rp_expand(struct rp_arena *a, const struct rp_expand_env *env, const struct rp_node *node,
                const char *in, bool cmds, struct rr_error **err)
{
  struct xstate x = {.a = a, .env = env, .node = node};
  if (expand_into(&x, in, cmds, 0, err) < 0) {
    rp_buf_reset(&x.out);
    return NULL;
  }
  char *r = rp_strdup(a, x.out.data ? x.out.data : "");
  rp_buf_reset(&x.out);
  return r;
}
