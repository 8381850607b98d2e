/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
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

static void cpu_stats(struct rr_json *g, int fd)
{
  _cleanup_free_ char *st = rr_cg_read_file(fd, "cpu.stat");
  uint64_t v;
  rr_json_open_object(g, "cpu");
  rr_json_open_object(g, "usage");
  /* v2 counts microseconds, runc reports nanoseconds */
  if (st && rr_cg_keyed_value(st, "usage_usec", &v))
    rr_json_add_uint(g, "total", v * 1000);
  rr_json_add_uint(g, "kernel", st && rr_cg_keyed_value(st, "system_usec", &v) ? v * 1000 : 0);
  rr_json_add_uint(g, "user", st && rr_cg_keyed_value(st, "user_usec", &v) ? v * 1000 : 0);
  rr_json_close(g);
  rr_json_open_object(g, "throttling");
  if (st && rr_cg_keyed_value(st, "nr_periods", &v))
    rr_json_add_uint(g, "periods", v);
  if (st && rr_cg_keyed_value(st, "nr_throttled", &v))
    rr_json_add_uint(g, "throttledPeriods", v);
  if (st && rr_cg_keyed_value(st, "throttled_usec", &v))
    rr_json_add_uint(g, "throttledTime", v * 1000);
  rr_json_close(g);
  rr_json_close(g);
}

static void mem_entry(struct rr_json *g, const char *key, uint64_t limit, uint64_t usage,
                      uint64_t max, uint64_t failcnt)
{
  rr_json_open_object(g, key);
  rr_json_add_uint(g, "limit", limit);
  if (usage)
    rr_json_add_uint(g, "usage", usage);
  if (max)
    rr_json_add_uint(g, "max", max);
  rr_json_add_uint(g, "failcnt", failcnt);
  rr_json_close(g);
}

static void memory_stats(struct rr_json *g, int fd)
{
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
  rr_json_open_object(g, "memory");
  if (st && rr_cg_keyed_value(st, "file", &v))
    rr_json_add_uint(g, "cache", v);
  mem_entry(g, "usage", limit, cur, peak, hits);
  if (swap) {
    /* runc's v1 shape: swap means memory+swap */
    uint64_t sl = (limit == UINT64_MAX || smax == UINT64_MAX) ? UINT64_MAX : limit + smax;
    mem_entry(g, "swap", sl, cur + scur, 0, 0);
  }
  rr_json_open_object(g, "raw");
  for (char *p = st; p && *p;) {
    char *sp = strchr(p, ' ');
    char *nl = strchr(p, '\n');
    if (sp == NULL || (nl && sp > nl))
      break;
    *sp = '\0';
    rr_json_add_uint(g, p, strtoull(sp + 1, NULL, 10));
    p = nl ? nl + 1 : NULL;
  }
  rr_json_close(g);
  /* OOM accounting from memory.events (not in runc's object: v2 only) */
  rr_json_open_object(g, "events");
  static const char *const keys[] = {"low", "high", "max", "oom", "oom_kill", "oom_group_kill"};
  for (size_t i = 0; events && i < RR_ARRAY_SIZE(keys); i++)
    if (rr_cg_keyed_value(events, keys[i], &v))
      rr_json_add_uint(g, keys[i], v);
  rr_json_close(g);
  rr_json_close(g);
}

static void pids_stats(struct rr_json *g, int fd)
{
  uint64_t cur, max;
  rr_json_open_object(g, "pids");
  if (read_u64(fd, "pids.current", &cur))
    rr_json_add_uint(g, "current", cur);
  if (read_u64(fd, "pids.max", &max) && max != UINT64_MAX)
    rr_json_add_uint(g, "limit", max);
  rr_json_close(g);
}

/* One of runc's two blkio arrays from io.stat, "8:0 rbytes=N wbytes=N rios=N
 * wios=N dbytes=N dios=N" a device: the counters named read_key and write_key. */
static void blk_array(struct rr_json *g, const char *key, const char *stat, const char *read_key,
                      const char *write_key)
{
  _cleanup_free_ char *copy = stat ? rr_xstrdup(stat) : NULL;
  rr_json_open_array(g, key);
  for (char *line = copy; line && *line;) {
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
        bool rd = strcmp(tok, read_key) == 0;
        if (!rd && strcmp(tok, write_key) != 0)
          continue;
        rr_json_open_object(g, NULL);
        rr_json_add_uint(g, "major", maj);
        rr_json_add_uint(g, "minor", min);
        rr_json_add_string(g, "op", rd ? "Read" : "Write");
        rr_json_add_uint(g, "value", strtoull(eq + 1, NULL, 10));
        rr_json_close(g);
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  rr_json_close(g);
}

static void blkio_stats(struct rr_json *g, int fd)
{
  _cleanup_free_ char *st = rr_cg_read_file(fd, "io.stat");
  rr_json_open_object(g, "blkio");
  blk_array(g, "ioServiceBytesRecursive", st, "rbytes", "wbytes");
  blk_array(g, "ioServicedRecursive", st, "rios", "wios");
  rr_json_close(g);
}

static void hugetlb_stats(struct rr_json *g, int fd)
{
  rr_json_open_object(g, "hugetlb");
  int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
  if (d == NULL) {
    if (dup >= 0)
      close(dup);
    rr_json_close(g);
    return;
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
    rr_json_open_object(g, size);
    rr_json_add_uint(g, "usage", cur);
    rr_json_add_uint(g, "failcnt", fail);
    rr_json_close(g);
  }
  closedir(d);
  rr_json_close(g);
}

int rr_cgroup_stats(const char *path, struct rr_json *g, const char *key, struct rr_error **err)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "open cgroup `%s`", path);
  rr_json_open_object(g, key);
  cpu_stats(g, fd);
  memory_stats(g, fd);
  pids_stats(g, fd);
  blkio_stats(g, fd);
  hugetlb_stats(g, fd);
  rr_json_close(g);
  return 0;
}
