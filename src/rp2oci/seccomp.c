/* SPDX-License-Identifier: Apache-2.0 */
/* The `seccomp` section of a node config (rp2oci's extension: red-pak 2.5.1
 * has none) -> OCI linux.seccomp. Names go through the runtime's own tables
 * (core/tables/seccomp_names.h) and the result through its validator, so a
 * bundle rp2oci writes is one redrun accepts. Values are never expanded. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/tables/seccomp_names.h"
#include "libredrun/core/util.h"
#include "oci_types.h"
#include "rp2oci/rp2oci.h"

struct scb {
  struct rp_arena *a;
  const char *file;
  struct rp_buf canon;
};

/* `errno`, `Errno`, `SCMP_ACT_ERRNO` all name SCMP_ACT_ERRNO: upper-cased,
 * with the OCI prefix added when missing. */
static char *oci_name(struct rp_arena *a, const char *v, const char *prefix)
{
  size_t pl = strlen(prefix), n = strlen(v);
  char *r = rp_alloc(a, pl + n + 1);
  for (size_t i = 0; i < n; i++)
    r[i] = (char)toupper((unsigned char)v[i]);
  r[n] = '\0';
  if (strncmp(r, prefix, pl) == 0)
    return r;
  char *full = rp_alloc(a, pl + n + 1);
  memcpy(full, prefix, pl);
  memcpy(full + pl, r, n + 1);
  return full;
}

/* red-pak reads integers with strtol(…, 0); these are unsigned in OCI */
static int number(struct scb *b, int line, const char *key, const char *v, unsigned long long max,
                  unsigned long long *out, struct rr_error **err)
{
  char *end;
  errno = 0;
  const char *p = v;
  while (isspace((unsigned char)*p))
    p++;
  unsigned long long n = *p == '-' ? 0 : strtoull(p, &end, 0);
  if (*p == '\0' || *p == '-' || *end != '\0' || errno != 0)
    return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: %s: `%s` is not a non-negative integer", b->file,
                   line, key, v);
  if (n > max)
    return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: %s: %llu is out of range (0-%llu)", b->file,
                   line, key, n, max);
  *out = n;
  return 0;
}

static int action(struct scb *b, int line, const char *key, const char *v, char **out,
                  const struct rr_scmp_action **act, struct rr_error **err)
{
  char *name = oci_name(b->a, v, "SCMP_ACT_");
  const struct rr_scmp_action *a = rr_scmp_action_by_name(name);
  if (a == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: %s: unknown action `%s`", b->file, line, key, v);
  /* the notify fd needs a seccomp agent (listenerPath), which a node cannot name */
  if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "%s:%d: %s: `%s` is not supported (a node cannot name a seccomp agent)", b->file,
                   line, key, v);
  *out = rr_xstrdup(name);
  *act = a;
  rp_buf_adds(&b->canon, name);
  return 0;
}

/* errnoRet only with ERRNO/TRACE, as the validator demands, but with the line */
static int errno_ret(struct scb *b, int line, const char *key, const char *v,
                     const struct rr_scmp_action *act, const char *act_name, uint32_t *out,
                     bool *present, struct rr_error **err)
{
  rp_buf_addc(&b->canon, '/');
  if (v == NULL)
    return 0;
  if (!act->takes_data)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "%s:%d: %s: only valid with the Errno or Trace action, not `%s`", b->file, line,
                   key, act_name);
  unsigned long long n;
  if (number(b, line, key, v, RR_SCMP_ERRNO_MAX, &n, err) < 0)
    return -1;
  *out = (uint32_t)n;
  *present = true;
  char t[24];
  snprintf(t, sizeof(t), "%llu", n);
  rp_buf_adds(&b->canon, t);
  return 0;
}

static char **names(struct scb *b, int line, const char *key, char *const *v, size_t n,
                    const char *prefix, bool (*known)(const char *), struct rr_error **err)
{
  char **r = rr_xcalloc(n + 1, sizeof(*r));
  for (size_t i = 0; i < n; i++) {
    char *name = oci_name(b->a, v[i], prefix);
    if (!known(name)) {
      rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: %s[%zu]: unknown %s `%s`", b->file, line, key, i,
              strcmp(prefix, "SCMP_ARCH_") == 0 ? "architecture" : "flag", v[i]);
      for (size_t j = 0; j < i; j++)
        free(r[j]);
      free(r);
      return NULL;
    }
    r[i] = rr_xstrdup(name);
    rp_buf_adds(&b->canon, name);
    rp_buf_addc(&b->canon, ',');
  }
  rp_buf_addc(&b->canon, ';');
  return r;
}

static bool arch_known(const char *n)
{
  return rr_scmp_arch_by_name(n) != NULL;
}
static bool flag_known(const char *n)
{
  return rr_scmp_flag_by_name(n) != 0;
}

/* libseccomp's syscall names are lower-case identifiers; a name of that shape
 * the runtime's libseccomp does not know is skipped, as runc and crun do */
static bool syscall_name_ok(const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
      return false;
  return true;
}

static int build_arg(struct scb *b, const struct rp_sc_arg *y, const char *key, oci_syscall_arg *o,
                     struct rr_error **err)
{
  unsigned long long n;
  char *k = rp_printf(b->a, "%s.index", key);
  if (number(b, y->line, k, y->index, 5, &n, err) < 0)
    return -1;
  o->index = (uint32_t)n;
  o->index_present = true;
  k = rp_printf(b->a, "%s.value", key);
  if (number(b, y->line, k, y->value, UINT64_MAX, &n, err) < 0)
    return -1;
  o->value = n;
  o->value_present = true;
  char t[64];
  snprintf(t, sizeof(t), "(%u,%llu,", (unsigned)o->index, (unsigned long long)o->value);
  rp_buf_adds(&b->canon, t);
  if (y->value_two != NULL) {
    k = rp_printf(b->a, "%s.valueTwo", key);
    if (number(b, y->line, k, y->value_two, UINT64_MAX, &n, err) < 0)
      return -1;
    o->value_two = n;
    o->value_two_present = true;
    snprintf(t, sizeof(t), "%llu", n);
    rp_buf_adds(&b->canon, t);
  }
  char *op = oci_name(b->a, y->op, "SCMP_CMP_");
  if (rr_scmp_op_by_name(op) == 0)
    return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: %s.op: unknown operator `%s`", b->file, y->line,
                   key, y->op);
  o->op = rr_xstrdup(op);
  rp_buf_addc(&b->canon, ',');
  rp_buf_adds(&b->canon, op);
  rp_buf_addc(&b->canon, ')');
  return 0;
}

static int build_rule(struct scb *b, const struct rp_sc_rule *y, size_t i, oci_syscall *o,
                      struct rr_error **err)
{
  const char *key = rp_printf(b->a, "seccomp.syscalls[%zu]", i);
  o->names = rr_xcalloc(y->nnames + 1, sizeof(*o->names));
  o->names_present = true;
  rp_buf_adds(&b->canon, "R:");
  for (size_t j = 0; j < y->nnames; j++) {
    if (!syscall_name_ok(y->names[j]))
      return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: %s.names[%zu]: invalid syscall name `%s`",
                     b->file, y->line, key, j, y->names[j]);
    o->names[o->names_len++] = rr_xstrdup(y->names[j]);
    rp_buf_adds(&b->canon, y->names[j]);
    rp_buf_addc(&b->canon, ',');
  }
  const struct rr_scmp_action *act;
  if (action(b, y->line, rp_printf(b->a, "%s.action", key), y->action, &o->action, &act, err) < 0 ||
      errno_ret(b, y->line, rp_printf(b->a, "%s.errnoRet", key), y->errno_ret, act, y->action,
                &o->errno_ret, &o->errno_ret_present, err) < 0)
    return -1;
  if (y->nargs > 0) {
    o->args = rr_xcalloc(y->nargs, sizeof(*o->args));
    o->args_present = true;
  }
  for (size_t j = 0; j < y->nargs; j++) {
    o->args[j] = rr_xcalloc(1, sizeof(*o->args[j]));
    o->args_len++;
    if (build_arg(b, &y->args[j], rp_printf(b->a, "%s.args[%zu]", key, j), o->args[j], err) < 0)
      return -1;
  }
  rp_buf_addc(&b->canon, ';');
  return 0;
}

static int build(struct scb *b, const struct rp_seccomp *s, oci_seccomp *o, struct rr_error **err)
{
  const struct rr_scmp_action *act;
  if (action(b, s->line, "seccomp.defaultAction", s->default_action, &o->default_action, &act,
             err) < 0 ||
      errno_ret(b, s->line, "seccomp.defaultErrnoRet", s->default_errno_ret, act, s->default_action,
                &o->default_errno_ret, &o->default_errno_ret_present, err) < 0)
    return -1;
  rp_buf_addc(&b->canon, ';');
  if (s->narches > 0) {
    o->architectures = names(b, s->line, "seccomp.architectures", s->arches, s->narches,
                             "SCMP_ARCH_", arch_known, err);
    if (o->architectures == NULL)
      return -1;
    o->architectures_len = s->narches;
    o->architectures_present = true;
  }
  rp_buf_addc(&b->canon, ';');
  if (s->nflags > 0) {
    o->flags = names(b, s->line, "seccomp.flags", s->flags, s->nflags, "SECCOMP_FILTER_FLAG_",
                     flag_known, err);
    if (o->flags == NULL)
      return -1;
    o->flags_len = s->nflags;
    o->flags_present = true;
  }
  rp_buf_addc(&b->canon, ';');
  if (s->nsyscalls > 0) {
    o->syscalls = rr_xcalloc(s->nsyscalls, sizeof(*o->syscalls));
    o->syscalls_present = true;
  }
  for (size_t i = 0; i < s->nsyscalls; i++) {
    o->syscalls[i] = rr_xcalloc(1, sizeof(*o->syscalls[i]));
    o->syscalls_len++;
    if (build_rule(b, &s->syscalls[i], i, o->syscalls[i], err) < 0)
      return -1;
  }
  /* the runtime's own checks, so the bundle is one redrun accepts */
  if (rr_seccomp_validate(o, err) < 0)
    return rr_wrap(err, "%s:%d: seccomp", b->file, s->line);
  return 0;
}

oci_seccomp *rp_seccomp_build(struct rp_arena *a, const struct rp_seccomp *s, const char *file,
                              char **canon, struct rr_error **err)
{
  struct scb b = {.a = a, .file = file};
  oci_seccomp *o = rr_xcalloc(1, sizeof(*o));
  int r = build(&b, s, o, err);
  if (r == 0 && canon != NULL)
    *canon = rp_strdup(a, b.canon.data ? b.canon.data : "");
  rp_buf_reset(&b.canon);
  if (r < 0) {
    oci_seccomp_free(o);
    return NULL;
  }
  return o;
}

/*
 * One filter per container. Every section of the chain is checked; the one
 * that applies is the first admin section in walk order, else the first
 * normal one (youngest wins, admin beats normal, as for plain settings).
 * But a descendant may not replace an ancestor's filter with a different one
 * of the same kind: one OCI filter cannot express "both apply", and silently
 * letting the child's win would let a node loosen what its platform imposes.
 */
int rp_seccomp_merge(struct rp_arena *a, const struct rp_walk *walk, size_t nwalk,
                     struct rp_merged *m, struct rr_error **err)
{
  const struct rp_walk *kept[2] = {NULL, NULL}; /* [admin] */
  char *kept_canon[2] = {NULL, NULL};
  for (size_t i = 0; i < nwalk; i++) {
    const struct rp_walk *w = &walk[i];
    const struct rp_seccomp *s = w->conf->seccomp;
    if (s == NULL)
      continue;
    char *canon;
    oci_seccomp *o = rp_seccomp_build(a, s, w->conf->file, &canon, err);
    if (o == NULL)
      return -1;
    oci_seccomp_free(o);
    int k = w->admin ? 1 : 0;
    if (kept[k] == NULL) {
      kept[k] = w;
      kept_canon[k] = canon;
    } else if (strcmp(kept_canon[k], canon) != 0) {
      const struct rp_config *young = kept[k]->conf;
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "%s:%d: seccomp: differs from the section of ancestor %s:%d (a node may not "
                     "replace its ancestors' filter)",
                     young->file, young->seccomp->line, w->conf->file, s->line);
    }
  }
  const struct rp_walk *w = kept[1] ? kept[1] : kept[0];
  m->seccomp = w ? w->conf->seccomp : NULL;
  m->seccomp_conf = w ? w->conf : NULL;
  return 0;
}
