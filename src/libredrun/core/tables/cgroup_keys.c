/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/core/util.h"

static const char *const io_max_keys[] = {"rbps", "wbps", "riops", "wiops", NULL};
static const char *const io_latency_keys[] = {"target", NULL};
static const char *const io_qos_keys[] = {"enable", "ctrl", "rpct", "rlat", "wpct",
                                          "wlat",   "min",  "max",  NULL};
static const char *const io_model_keys[] = {
    "ctrl", "model", "rbps", "rseqiops", "rrandiops", "wbps", "wseqiops", "wrandiops", NULL};
static const char *const rdma_keys[] = {"hca_handle", "hca_object", NULL};

#define K(f, c, s)                                                                                 \
  {                                                                                                \
    f, c, s, 0, 0, NULL, 0, NULL, NULL                                                             \
  }
#define KR(f, c, s, lo, hi)                                                                        \
  {                                                                                                \
    f, c, s, lo, hi, NULL, 0, NULL, NULL                                                           \
  }
#define KP(f, c, s, lo, hi, sec, key)                                                              \
  {                                                                                                \
    f, c, s, lo, hi, NULL, 0, sec, key                                                             \
  }
#define KV(f, c, keys, fl, sec, key)                                                               \
  {                                                                                                \
    f, c, RR_CG_IO_KV, 0, 0, keys, fl, sec, key                                                    \
  }
#define RO(f, c)                                                                                   \
  {                                                                                                \
    f, c, RR_CG_INT, 0, 0, NULL, RR_CG_READONLY, NULL, NULL                                        \
  }

static const struct rr_cg_key keys[] = {
    /* memory */
    KP("memory.min", "memory", RR_CG_BYTES, 0, 0, "mem", "min"),
    KP("memory.low", "memory", RR_CG_BYTES, 0, 0, "mem", "low"),
    KP("memory.high", "memory", RR_CG_BYTES, 0, 0, "mem", "high"),
    KP("memory.max", "memory", RR_CG_BYTES, 0, 0, "mem", "max"),
    KP("memory.swap.high", "memory", RR_CG_BYTES, 0, 0, "mem", "swap_high"),
    KP("memory.swap.max", "memory", RR_CG_BYTES, 0, 0, "mem", "swap_max"),
    K("memory.zswap.max", "memory", RR_CG_BYTES),
    KP("memory.oom.group", "memory", RR_CG_INT, 0, 1, "mem", "oom_group"),
    RO("memory.current", "memory"),
    RO("memory.peak", "memory"),
    RO("memory.swap.current", "memory"),
    RO("memory.stat", "memory"),
    RO("memory.events", "memory"),
    RO("memory.events.local", "memory"),
    RO("memory.swap.events", "memory"),
    RO("memory.pressure", "memory"),
    /* cpu */
    KP("cpu.weight", "cpu", RR_CG_INT, 1, 10000, "cpu", "weight"),
    KP("cpu.weight.nice", "cpu", RR_CG_INT, -20, 19, "cpu", "weight_nice"),
    KP("cpu.max", "cpu", RR_CG_CPU_MAX, 0, 0, "cpu", "max"),
    KR("cpu.max.burst", "cpu", RR_CG_INT, 0, LLONG_MAX),
    KR("cpu.idle", "cpu", RR_CG_INT, 0, 1),
    K("cpu.uclamp.min", "cpu", RR_CG_PERCENT),
    K("cpu.uclamp.max", "cpu", RR_CG_PERCENT),
    RO("cpu.stat", "cpu"),
    RO("cpu.pressure", "cpu"),
    /* cpuset */
    KP("cpuset.cpus", "cpuset", RR_CG_LIST, 0, 0, "cpuset", "cpus"),
    KP("cpuset.mems", "cpuset", RR_CG_LIST, 0, 0, "cpuset", "mems"),
    K("cpuset.cpus.exclusive", "cpuset", RR_CG_LIST),
    KP("cpuset.cpus.partition", "cpuset", RR_CG_PARTITION, 0, 0, "cpuset", "cpus_partition"),
    RO("cpuset.cpus.effective", "cpuset"),
    RO("cpuset.mems.effective", "cpuset"),
    /* io */
    KP("io.weight", "io", RR_CG_IO_WEIGHT, 1, 10000, "io", "weight"),
    KR("io.bfq.weight", "io", RR_CG_IO_WEIGHT, 1, 1000),
    KV("io.max", "io", io_max_keys, 0, "io", "max"),
    KV("io.latency", "io", io_latency_keys, 0, NULL, NULL),
    KV("io.cost.qos", "io", io_qos_keys, RR_CG_ROOT_ONLY, "io", "cost_qos"),
    KV("io.cost.model", "io", io_model_keys, RR_CG_ROOT_ONLY, "io", "cost_model"),
    RO("io.stat", "io"),
    RO("io.pressure", "io"),
    /* pids */
    KP("pids.max", "pids", RR_CG_INT_MAX, 0, INT_MAX, "pids", "max"),
    RO("pids.current", "pids"),
    RO("pids.peak", "pids"),
    RO("pids.events", "pids"),
    /* hugetlb: the page size is part of the name */
    K("hugetlb.<size>.max", "hugetlb", RR_CG_BYTES),
    K("hugetlb.<size>.rsvd.max", "hugetlb", RR_CG_BYTES),
    /* rdma, misc */
    {"rdma.max", "rdma", RR_CG_NAMED_KV, 0, 0, rdma_keys, 0, NULL, NULL},
    K("misc.max", "misc", RR_CG_NAMED_INT),
    /* core files a container may set */
    KR("cgroup.max.depth", "cgroup", RR_CG_INT_MAX, 0, INT_MAX),
    KR("cgroup.max.descendants", "cgroup", RR_CG_INT_MAX, 0, INT_MAX),
};

/* "2MB", "1GB", "64KB": the page-size part of a hugetlb file name */
static bool is_hugetlb_size(const char *s, size_t n)
{
  size_t i = 0;
  while (i < n && isdigit((unsigned char)s[i]))
    i++;
  if (i == 0 || n - i != 2 || s[n - 1] != 'B')
    return false;
  return s[i] == 'K' || s[i] == 'M' || s[i] == 'G';
}

static bool match_hugetlb(const char *file, const char *suffix)
{
  if (strncmp(file, "hugetlb.", 8) != 0)
    return false;
  const char *size = file + 8;
  size_t len = strlen(size), slen = strlen(suffix);
  if (len <= slen || strcmp(size + len - slen, suffix) != 0)
    return false;
  return is_hugetlb_size(size, len - slen);
}

const struct rr_cg_key *rr_cg_key_lookup(const char *file)
{
  if (file == NULL)
    return NULL;
  for (size_t i = 0; i < RR_ARRAY_SIZE(keys); i++) {
    const char *f = keys[i].file;
    if (strcmp(f, "hugetlb.<size>.max") == 0) {
      if (match_hugetlb(file, ".max") && !match_hugetlb(file, ".rsvd.max"))
        return &keys[i];
    } else if (strcmp(f, "hugetlb.<size>.rsvd.max") == 0) {
      if (match_hugetlb(file, ".rsvd.max"))
        return &keys[i];
    } else if (strcmp(f, file) == 0) {
      return &keys[i];
    }
  }
  return NULL;
}

const struct rr_cg_key *rr_cg_key_lookup_redpak(const char *section, const char *key)
{
  if (section == NULL || key == NULL)
    return NULL;
  for (size_t i = 0; i < RR_ARRAY_SIZE(keys); i++)
    if (keys[i].redpak_section && strcmp(keys[i].redpak_section, section) == 0 &&
        strcmp(keys[i].redpak_key, key) == 0)
      return &keys[i];
  return NULL;
}

/* Decimal integer, optionally signed; no spaces, no trailing text. */
static bool parse_ll(const char *s, size_t n, long long *out)
{
  char buf[32];
  if (n == 0 || n >= sizeof(buf))
    return false;
  memcpy(buf, s, n);
  buf[n] = '\0';
  if (!isdigit((unsigned char)buf[0]) && !(buf[0] == '-' && isdigit((unsigned char)buf[1])))
    return false;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(buf, &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  *out = v;
  return true;
}

static bool parse_ull(const char *s, size_t n, unsigned long long *out)
{
  char buf[32];
  if (n == 0 || n >= sizeof(buf) || !isdigit((unsigned char)s[0]))
    return false;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(buf, &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  *out = v;
  return true;
}

static bool is_max(const char *s, size_t n)
{
  return n == 3 && memcmp(s, "max", 3) == 0;
}

int rr_cg_parse_bytes(const char *value, unsigned long long *out, int *max)
{
  size_t n = strlen(value);
  *max = 0;
  if (is_max(value, n)) {
    *max = 1;
    *out = ULLONG_MAX;
    return 0;
  }
  unsigned shift = 0;
  if (n > 1 && !isdigit((unsigned char)value[n - 1])) {
    const char *units = "KMGTPE";
    const char *u = strchr(units, toupper((unsigned char)value[n - 1]));
    if (u == NULL)
      return -1;
    shift = 10 * (unsigned)(u - units + 1);
    n--;
  }
  unsigned long long v;
  if (!parse_ull(value, n, &v))
    return -1;
  if (shift && v > (ULLONG_MAX >> shift))
    return -1;
  *out = v << shift;
  return 0;
}

static bool check_bytes(const char *s, size_t n)
{
  char buf[40];
  unsigned long long v;
  int max;
  if (n == 0 || n >= sizeof(buf))
    return false;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return rr_cg_parse_bytes(buf, &v, &max) == 0;
}

static bool check_int(const struct rr_cg_key *k, const char *s, size_t n, bool allow_max)
{
  long long v;
  if (allow_max && is_max(s, n))
    return true;
  return parse_ll(s, n, &v) && v >= k->min && v <= k->max;
}

static bool check_cpu_max(const char *s, size_t n)
{
  const char *sp = memchr(s, ' ', n);
  size_t qn = sp ? (size_t)(sp - s) : n;
  long long v;
  if (!is_max(s, qn) && !(parse_ll(s, qn, &v) && v >= 1000))
    return false;
  if (sp == NULL)
    return true;
  return parse_ll(sp + 1, n - qn - 1, &v) && v >= 1000 && v <= 1000000;
}

static bool check_list(const char *s, size_t n)
{
  size_t i = 0;
  if (n == 0)
    return true;
  while (i < n) {
    size_t start = i;
    while (i < n && isdigit((unsigned char)s[i]))
      i++;
    if (i == start)
      return false;
    if (i < n && s[i] == '-') {
      long long a, b;
      size_t mid = i++;
      size_t bstart = i;
      while (i < n && isdigit((unsigned char)s[i]))
        i++;
      if (i == bstart || !parse_ll(s + start, mid - start, &a) ||
          !parse_ll(s + bstart, i - bstart, &b) || a > b)
        return false;
    }
    if (i == n)
      return true;
    if (s[i] != ',' || i + 1 == n)
      return false;
    i++;
  }
  return true;
}

/* "MAJ:MIN" */
static bool check_devnum(const char *s, size_t n)
{
  const char *colon = memchr(s, ':', n);
  unsigned long long v;
  if (colon == NULL)
    return false;
  size_t a = (size_t)(colon - s);
  return parse_ull(s, a, &v) && parse_ull(colon + 1, n - a - 1, &v);
}

static bool is_token_char(char c)
{
  return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

/* " key=value" pairs after the first word of a line */
static bool check_kv_pairs(const struct rr_cg_key *k, const char *s, size_t n, bool numeric)
{
  size_t i = 0, pairs = 0;
  while (i < n) {
    if (s[i] != ' ')
      return false;
    while (i < n && s[i] == ' ')
      i++;
    size_t ks = i;
    while (i < n && s[i] != '=' && s[i] != ' ')
      i++;
    if (i == n || s[i] != '=')
      return false;
    size_t kn = i - ks;
    bool known = false;
    for (const char *const *kk = k->kv_keys; *kk; kk++)
      if (strlen(*kk) == kn && memcmp(*kk, s + ks, kn) == 0)
        known = true;
    if (!known)
      return false;
    size_t vs = ++i;
    while (i < n && s[i] != ' ') {
      if (!is_token_char(s[i]))
        return false;
      i++;
    }
    unsigned long long v;
    if (i == vs || (numeric && !is_max(s + vs, i - vs) && !parse_ull(s + vs, i - vs, &v)))
      return false;
    pairs++;
  }
  return pairs > 0;
}

static bool check_line(const struct rr_cg_key *k, const char *s, size_t n)
{
  const char *sp = memchr(s, ' ', n);
  size_t first = sp ? (size_t)(sp - s) : n;
  switch (k->syntax) {
  case RR_CG_IO_WEIGHT:
    if (sp == NULL)
      return check_int(k, s, n, false);
    if (!(first == 7 && memcmp(s, "default", 7) == 0) && !check_devnum(s, first))
      return false;
    return check_int(k, sp + 1, n - first - 1, false);
  case RR_CG_IO_KV:
    /* io.max takes numbers or "max"; the cost files mix words (ctrl=auto, model=linear) */
    return check_devnum(s, first) &&
           check_kv_pairs(k, s + first, n - first, k->kv_keys == io_max_keys);
  case RR_CG_NAMED_KV:
  case RR_CG_NAMED_INT:
    if (first == 0)
      return false;
    for (size_t i = 0; i < first; i++)
      if (!is_token_char(s[i]))
        return false;
    if (k->syntax == RR_CG_NAMED_KV)
      return check_kv_pairs(k, s + first, n - first, true);
    if (sp == NULL)
      return false;
    {
      unsigned long long v;
      const char *val = sp + 1;
      size_t vn = n - first - 1;
      return is_max(val, vn) || parse_ull(val, vn, &v);
    }
  default:
    return false;
  }
}

static bool check_lines(const struct rr_cg_key *k, const char *s, size_t n)
{
  if (n == 0)
    return false;
  while (n > 0) {
    const char *nl = memchr(s, '\n', n);
    size_t ln = nl ? (size_t)(nl - s) : n;
    if (!check_line(k, s, ln))
      return false;
    if (nl == NULL)
      break;
    s += ln + 1;
    n -= ln + 1;
  }
  return true;
}

static bool check_percent(const char *s, size_t n)
{
  if (is_max(s, n))
    return true;
  const char *dot = memchr(s, '.', n);
  size_t in = dot ? (size_t)(dot - s) : n;
  long long whole, frac = 0;
  if (!parse_ll(s, in, &whole) || whole < 0)
    return false;
  if (dot) {
    size_t fn = n - in - 1;
    if (fn == 0 || fn > 2 || !isdigit((unsigned char)dot[1]) || !parse_ll(dot + 1, fn, &frac))
      return false;
  }
  return whole < 100 || (whole == 100 && frac == 0);
}

static bool check_value(const struct rr_cg_key *k, const char *s, size_t n)
{
  switch (k->syntax) {
  case RR_CG_BYTES:
    return check_bytes(s, n);
  case RR_CG_INT:
    return check_int(k, s, n, false);
  case RR_CG_INT_MAX:
    return check_int(k, s, n, true);
  case RR_CG_CPU_MAX:
    return check_cpu_max(s, n);
  case RR_CG_LIST:
    return check_list(s, n);
  case RR_CG_PARTITION:
    return (n == 6 && memcmp(s, "member", 6) == 0) || (n == 4 && memcmp(s, "root", 4) == 0) ||
           (n == 8 && memcmp(s, "isolated", 8) == 0);
  case RR_CG_PERCENT:
    return check_percent(s, n);
  case RR_CG_IO_WEIGHT:
  case RR_CG_IO_KV:
  case RR_CG_NAMED_KV:
  case RR_CG_NAMED_INT:
    return check_lines(k, s, n);
  }
  return false;
}

static const char *expected(const struct rr_cg_key *k)
{
  switch (k->syntax) {
  case RR_CG_BYTES:
    return "bytes (optional K/M/G/T/P/E suffix) or `max`";
  case RR_CG_INT:
    return "an integer in range";
  case RR_CG_INT_MAX:
    return "a non-negative integer or `max`";
  case RR_CG_CPU_MAX:
    return "`QUOTA [PERIOD]` in microseconds (QUOTA `max` or >= 1000, PERIOD 1000-1000000)";
  case RR_CG_LIST:
    return "a list like `0-3,5`";
  case RR_CG_PARTITION:
    return "`member`, `root` or `isolated`";
  case RR_CG_IO_WEIGHT:
    return "`[default ]WEIGHT` or `MAJ:MIN WEIGHT`, WEIGHT in range";
  case RR_CG_IO_KV:
    return "`MAJ:MIN key=value...` with known keys";
  case RR_CG_NAMED_KV:
    return "`DEVICE key=value...` with known keys";
  case RR_CG_NAMED_INT:
    return "`NAME VALUE`";
  case RR_CG_PERCENT:
    return "a percentage 0-100 (two decimals at most) or `max`";
  }
  return "a valid value";
}

int rr_cg_value_validate(const char *file, const char *value, struct rr_error **err)
{
  const struct rr_cg_key *k = rr_cg_key_lookup(file);
  if (k == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, "unknown cgroup file `%s`", file);
  if (k->flags & RR_CG_READONLY)
    return rr_fail(err, RR_ERR_INVALID, 0, "`%s` is read-only", file);
  if (value == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, "`%s`: missing value", file);
  size_t n = strlen(value);
  if (n > 0 && value[n - 1] == '\n')
    n--;
  if (!check_value(k, value, n)) {
    if (k->syntax == RR_CG_INT || k->syntax == RR_CG_IO_WEIGHT)
      return rr_fail(err, RR_ERR_INVALID, 0, "`%s`: invalid value `%s`: expected %s %lld-%lld",
                     file, value, expected(k), k->min, k->max);
    return rr_fail(err, RR_ERR_INVALID, 0, "`%s`: invalid value `%s`: expected %s", file, value,
                   expected(k));
  }
  return 0;
}

int rr_cg_name_validate(const char *name, struct rr_error **err)
{
  static const char *const managed[] = {
      "cgroup.procs",       "cgroup.threads", "cgroup.subtree_control",
      "cgroup.type",        "cgroup.freeze",  "cgroup.kill",
      "cgroup.controllers", "cgroup.events",  "cgroup.stat",
  };
  const char *dot = name ? strchr(name, '.') : NULL;
  if (dot == NULL || dot == name || dot[1] == '\0' || strchr(name, '/') != NULL)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "invalid cgroup file name `%s`: expected `<controller>.<file>`",
                   name ? name : "");
  for (const char *p = name; *p; p++)
    if (!is_token_char(*p))
      return rr_fail(err, RR_ERR_INVALID, 0, "invalid cgroup file name `%s`", name);
  for (size_t i = 0; i < RR_ARRAY_SIZE(managed); i++)
    if (strcmp(name, managed[i]) == 0)
      return rr_fail(err, RR_ERR_INVALID, 0, "`%s` is managed by the runtime", name);
  const struct rr_cg_key *k = rr_cg_key_lookup(name);
  if (k && (k->flags & RR_CG_READONLY))
    return rr_fail(err, RR_ERR_INVALID, 0, "`%s` is read-only", name);
  return 0;
}
