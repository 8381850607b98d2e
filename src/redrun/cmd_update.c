/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/core/util.h"
#include "libredrun/os/container/control.h"
#include "redrun/cmd_common.h"

enum {
  OPT_MEMORY = 256,
  OPT_MEMORY_SWAP,
  OPT_MEMORY_RESERVATION,
  OPT_KERNEL_MEMORY,
  OPT_KERNEL_MEMORY_TCP,
  OPT_CPU_SHARES,
  OPT_CPU_QUOTA,
  OPT_CPU_PERIOD,
  OPT_CPU_RT_PERIOD,
  OPT_CPU_RT_RUNTIME,
  OPT_CPU_IDLE,
  OPT_CPUSET_CPUS,
  OPT_CPUSET_MEMS,
  OPT_PIDS_LIMIT,
  OPT_BLKIO_WEIGHT,
};

/* runc's `update` flags */
static const struct option update_options[] = {
    {"resources", required_argument, NULL, 'r'},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
    {"kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY},
    {"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP},
    {"cpu-share", required_argument, NULL, OPT_CPU_SHARES},
    {"cpu-shares", required_argument, NULL, OPT_CPU_SHARES},
    {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
    {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
    {"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
    {"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
    {"cpu-idle", required_argument, NULL, OPT_CPU_IDLE},
    {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
    {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
    {NULL, 0, NULL, 0}};

/* "-1", "1048576", "512m", "1G", "512MB" */
static int parse_mem(const char *flag, const char *s, int64_t *out, struct rr_error **err)
{
  if (strcmp(s, "-1") == 0) {
    *out = -1;
    return 0;
  }
  char buf[32];
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof(buf))
    return rr_fail(err, RR_ERR_INVALID, 0, "update: --%s: invalid value `%s`", flag, s);
  memcpy(buf, s, n + 1);
  if (n > 2 && (buf[n - 1] == 'b' || buf[n - 1] == 'B') && !isdigit((unsigned char)buf[n - 2]))
    buf[n - 1] = '\0';
  unsigned long long v;
  int max;
  if (rr_cg_parse_bytes(buf, &v, &max) < 0 || max || v > INT64_MAX)
    return rr_fail(err, RR_ERR_INVALID, 0, "update: --%s: invalid value `%s`", flag, s);
  *out = (int64_t)v;
  return 0;
}

static int parse_int(const char *flag, const char *s, int64_t lo, int64_t *out,
                     struct rr_error **err)
{
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno != 0 || v < lo)
    return rr_fail(err, RR_ERR_INVALID, 0, "update: --%s: invalid value `%s`", flag, s);
  *out = v;
  return 0;
}

static char *read_all(FILE *f, size_t *len)
{
  size_t cap = 4096, n = 0;
  char *buf = rr_xmalloc(cap);
  size_t r;
  while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap)
      buf = rr_xrealloc(buf, cap *= 2);
  }
  *len = n;
  return buf;
}

static oci_linux_resources *load_resources(const char *path, struct rr_error **err)
{
  if (strcmp(path, "-") != 0)
    return oci_linux_resources_parse_file(path, err);
  size_t len;
  _cleanup_free_ char *data = read_all(stdin, &len);
  return oci_linux_resources_parse_data(data, len, "<stdin>", err);
}

#define SUB(res, field, type)                                                                      \
  ((res)->field ? (res)->field : ((res)->field = rr_xcalloc(1, sizeof(type))))

static int apply_flag(oci_linux_resources *r, int opt, const char *name, const char *v,
                      struct rr_error **err)
{
  int64_t n = 0;
  switch (opt) {
  case OPT_MEMORY:
  case OPT_MEMORY_SWAP:
  case OPT_MEMORY_RESERVATION:
  case OPT_KERNEL_MEMORY:
  case OPT_KERNEL_MEMORY_TCP: {
    if (parse_mem(name, v, &n, err) < 0)
      return -1;
    oci_memory *m = SUB(r, memory, oci_memory);
    if (opt == OPT_MEMORY)
      m->limit = n, m->limit_present = true;
    else if (opt == OPT_MEMORY_SWAP)
      m->swap = n, m->swap_present = true;
    else if (opt == OPT_MEMORY_RESERVATION)
      m->reservation = n, m->reservation_present = true;
    else if (opt == OPT_KERNEL_MEMORY)
      m->kernel = n, m->kernel_present = true;
    else
      m->kernel_tcp = n, m->kernel_tcp_present = true;
    return 0;
  }
  case OPT_CPUSET_CPUS:
  case OPT_CPUSET_MEMS: {
    oci_cpu *c = SUB(r, cpu, oci_cpu);
    char **f = opt == OPT_CPUSET_CPUS ? &c->cpus : &c->mems;
    free(*f);
    *f = rr_xstrdup(v);
    return 0;
  }
  case OPT_PIDS_LIMIT:
    if (parse_int(name, v, INT64_MIN, &n, err) < 0)
      return -1;
    SUB(r, pids, oci_pids)->limit = n;
    r->pids->limit_present = true;
    return 0;
  case OPT_BLKIO_WEIGHT:
    if (parse_int(name, v, 0, &n, err) < 0 || n > 1000)
      return rr_fail(err, RR_ERR_INVALID, 0, "update: --%s: invalid value `%s`", name, v);
    SUB(r, block_io, oci_block_io)->weight = (uint16_t)n;
    r->block_io->weight_present = true;
    return 0;
  default: {
    oci_cpu *c = SUB(r, cpu, oci_cpu);
    if (parse_int(name, v, opt == OPT_CPU_QUOTA || opt == OPT_CPU_RT_RUNTIME ? -1 : 0, &n, err) < 0)
      return -1;
    if (opt == OPT_CPU_SHARES)
      c->shares = (uint64_t)n, c->shares_present = true;
    else if (opt == OPT_CPU_QUOTA)
      c->quota = n, c->quota_present = true;
    else if (opt == OPT_CPU_PERIOD)
      c->period = (uint64_t)n, c->period_present = true;
    else if (opt == OPT_CPU_RT_PERIOD)
      c->realtime_period = (uint64_t)n, c->realtime_period_present = true;
    else if (opt == OPT_CPU_RT_RUNTIME)
      c->realtime_runtime = n, c->realtime_runtime_present = true;
    else
      c->idle = n, c->idle_present = true;
    return 0;
  }
  }
}

int rr_cmd_update(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  const char *resources = NULL;
  struct {
    int opt;
    const char *name, *value;
  } flags[32];
  size_t nflags = 0;
  int opt, idx;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "r:", update_options, &idx)) != -1) {
    if (opt == 'r') {
      resources = optarg;
    } else if (opt >= OPT_MEMORY && opt <= OPT_BLKIO_WEIGHT && nflags < RR_ARRAY_SIZE(flags)) {
      flags[nflags].opt = opt;
      flags[nflags].name = update_options[idx].name;
      flags[nflags++].value = optarg;
    } else {
      return rr_cmd_bad_flag(argv, err), 1;
    }
  }
  if (rr_cmd_nargs(argc, argv, 1, 1, "the container id", err) < 0)
    return 1;
  /* as runc: the -r document first, the flags on top of it */
  oci_linux_resources *r =
      resources ? load_resources(resources, err) : rr_xcalloc(1, sizeof(oci_linux_resources));
  if (r == NULL)
    return rr_wrap(err, "update"), 1;
  int rc = 0;
  for (size_t i = 0; i < nflags && rc == 0; i++)
    if (apply_flag(r, flags[i].opt, flags[i].name, flags[i].value, err) < 0)
      rc = 1;
  if (rc == 0) {
    struct rr_runtime rt = rr_cmd_runtime(g);
    rc = rr_container_update(&rt, argv[optind], r, err) < 0 ? 1 : 0;
  }
  oci_linux_resources_free(r);
  return rc;
}
