/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/cgroup/cgroup_internal.h"

/*
 * The stats object of runc's `events` (libcontainer/types), filled from the
 * v2 files: what engines and scripts written for runc already parse.
 */

static json_object *u64(uint64_t v)
{
  return json_object_new_uint64(v);
}

/* single number file; "max" reads as UINT64_MAX */
static bool read_u64(int fd, const char *file, uint64_t *out)
{
  _cleanup_free_ char *v = rr_cg_read_file(fd, file);
  if (v == NULL)
    return false;
  if (strncmp(v, "max", 3) == 0)
    *out = UINT64_MAX;
  else
    *out = strtoull(v, NULL, 10);
  return true;
}

static json_object *cpu_stats(int fd)
{
  json_object *cpu = json_object_new_object();
  json_object *usage = json_object_new_object();
  json_object *thr = json_object_new_object();
  _cleanup_free_ char *st = rr_cg_read_file(fd, "cpu.stat");
  uint64_t v;
  /* v2 counts microseconds, runc reports nanoseconds */
  if (st && rr_cg_keyed_value(st, "usage_usec", &v))
    json_object_object_add(usage, "total", u64(v * 1000));
  json_object_object_add(usage, "kernel",
                         u64(st && rr_cg_keyed_value(st, "system_usec", &v) ? v * 1000 : 0));
  json_object_object_add(usage, "user",
                         u64(st && rr_cg_keyed_value(st, "user_usec", &v) ? v * 1000 : 0));
  if (st && rr_cg_keyed_value(st, "nr_periods", &v))
    json_object_object_add(thr, "periods", u64(v));
  if (st && rr_cg_keyed_value(st, "nr_throttled", &v))
    json_object_object_add(thr, "throttledPeriods", u64(v));
  if (st && rr_cg_keyed_value(st, "throttled_usec", &v))
    json_object_object_add(thr, "throttledTime", u64(v * 1000));
  json_object_object_add(cpu, "usage", usage);
  json_object_object_add(cpu, "throttling", thr);
  return cpu;
}

static json_object *mem_entry(uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
  json_object *e = json_object_new_object();
  json_object_object_add(e, "limit", u64(limit));
  if (usage)
    json_object_object_add(e, "usage", u64(usage));
  if (max)
    json_object_object_add(e, "max", u64(max));
  json_object_object_add(e, "failcnt", u64(failcnt));
  return e;
}

static json_object *memory_stats(int fd)
{
  json_object *mem = json_object_new_object();
  uint64_t cur = 0, limit = UINT64_MAX, peak = 0, scur = 0, smax = UINT64_MAX, v;
  (void)read_u64(fd, "memory.current", &cur);
  (void)read_u64(fd, "memory.max", &limit);
  (void)read_u64(fd, "memory.peak", &peak);
  bool swap = read_u64(fd, "memory.swap.current", &scur);
  (void)read_u64(fd, "memory.swap.max", &smax);
  _cleanup_free_ char *events = rr_cg_read_file(fd, "memory.events");
  uint64_t hits = 0;
  if (events)
    (void)rr_cg_keyed_value(events, "max", &hits);
  _cleanup_free_ char *st = rr_cg_read_file(fd, "memory.stat");
  if (st && rr_cg_keyed_value(st, "file", &v))
    json_object_object_add(mem, "cache", u64(v));
  json_object_object_add(mem, "usage", mem_entry(limit, cur, peak, hits));
  if (swap) {
    /* runc's v1 shape: swap means memory+swap */
    uint64_t sl = (limit == UINT64_MAX || smax == UINT64_MAX) ? UINT64_MAX : limit + smax;
    json_object_object_add(mem, "swap", mem_entry(sl, cur + scur, 0, 0));
  }
  json_object *raw = json_object_new_object();
  for (char *p = st; p && *p;) {
    char *sp = strchr(p, ' ');
    char *nl = strchr(p, '\n');
    if (sp == NULL || (nl && sp > nl))
      break;
    *sp = '\0';
    json_object_object_add(raw, p, u64(strtoull(sp + 1, NULL, 10)));
    p = nl ? nl + 1 : NULL;
  }
  json_object_object_add(mem, "raw", raw);
  /* OOM accounting from memory.events (not in runc's object: v2 only) */
  json_object *ev = json_object_new_object();
  static const char *const keys[] = {"low", "high", "max", "oom", "oom_kill", "oom_group_kill"};
  for (size_t i = 0; events && i < RR_ARRAY_SIZE(keys); i++)
    if (rr_cg_keyed_value(events, keys[i], &v))
      json_object_object_add(ev, keys[i], u64(v));
  json_object_object_add(mem, "events", ev);
  return mem;
}

static json_object *pids_stats(int fd)
{
  json_object *p = json_object_new_object();
  uint64_t cur, max;
  if (read_u64(fd, "pids.current", &cur))
    json_object_object_add(p, "current", u64(cur));
  if (read_u64(fd, "pids.max", &max) && max != UINT64_MAX)
    json_object_object_add(p, "limit", u64(max));
  return p;
}

static void blk_entry(json_object *arr, unsigned long maj, unsigned long min, const char *op,
                      uint64_t v)
{
  json_object *e = json_object_new_object();
  json_object_object_add(e, "major", u64(maj));
  json_object_object_add(e, "minor", u64(min));
  json_object_object_add(e, "op", json_object_new_string(op));
  json_object_object_add(e, "value", u64(v));
  json_object_array_add(arr, e);
}

static json_object *blkio_stats(int fd)
{
  json_object *b = json_object_new_object();
  json_object *bytes = json_object_new_array();
  json_object *ios = json_object_new_array();
  _cleanup_free_ char *st = rr_cg_read_file(fd, "io.stat");
  /* "8:0 rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device */
  for (char *line = st; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    unsigned long maj, min;
    int off = 0;
    if (sscanf(line, "%lu:%lu%n", &maj, &min, &off) == 2) {
      for (char *tok = strtok(line + off, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        if (eq == NULL)
          continue;
        *eq = '\0';
        uint64_t v = strtoull(eq + 1, NULL, 10);
        if (strcmp(tok, "rbytes") == 0)
          blk_entry(bytes, maj, min, "Read", v);
        else if (strcmp(tok, "wbytes") == 0)
          blk_entry(bytes, maj, min, "Write", v);
        else if (strcmp(tok, "rios") == 0)
          blk_entry(ios, maj, min, "Read", v);
        else if (strcmp(tok, "wios") == 0)
          blk_entry(ios, maj, min, "Write", v);
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  json_object_object_add(b, "ioServiceBytesRecursive", bytes);
  json_object_object_add(b, "ioServicedRecursive", ios);
  return b;
}

static json_object *hugetlb_stats(int fd)
{
  json_object *h = json_object_new_object();
  int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
  if (d == NULL) {
    if (dup >= 0)
      close(dup);
    return h;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    /* hugetlb.<size>.current */
    const char *n = e->d_name;
    size_t len = strlen(n);
    if (strncmp(n, "hugetlb.", 8) != 0 || len < 17 || strcmp(n + len - 8, ".current") != 0 ||
        memchr(n + 8, '.', len - 16) != NULL)
      continue;
    _cleanup_free_ char *size = strndup(n + 8, len - 16);
    _cleanup_free_ char *ev = rr_xasprintf("hugetlb.%s.events", size);
    _cleanup_free_ char *evs = rr_cg_read_file(fd, ev);
    uint64_t cur = 0, fail = 0;
    (void)read_u64(fd, n, &cur);
    if (evs)
      (void)rr_cg_keyed_value(evs, "max", &fail);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "usage", u64(cur));
    json_object_object_add(o, "failcnt", u64(fail));
    json_object_object_add(h, size, o);
  }
  closedir(d);
  return h;
}

int rr_cgroup_stats(const char *path, json_object **out, struct rr_error **err)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "open cgroup `%s`", path);
  json_object *o = json_object_new_object();
  json_object_object_add(o, "cpu", cpu_stats(fd));
  json_object_object_add(o, "memory", memory_stats(fd));
  json_object_object_add(o, "pids", pids_stats(fd));
  json_object_object_add(o, "blkio", blkio_stats(fd));
  json_object_object_add(o, "hugetlb", hugetlb_stats(fd));
  *out = o;
  return 0;
}
