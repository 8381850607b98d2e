/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/container/control.h"
#include "libredrun/os/container/internal.h"

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One event line; "stats" events carry the cgroup's counters as "data". */
static int emit(FILE *out, const char *type, const char *id, const char *cgroup,
                struct rr_error **err)
{
  struct rr_json g;
  rr_json_init(&g, false);
  rr_json_open_object(&g, NULL);
  rr_json_add_string(&g, "type", type);
  rr_json_add_string(&g, "id", id);
  if (cgroup != NULL && rr_cgroup_stats(cgroup, &g, "data", err) < 0) {
    rr_json_free(&g);
    return -1;
  }
  rr_json_close(&g);
  _cleanup_free_ char *line = rr_json_finish(&g);
  fprintf(out, "%s\n", line);
  fflush(out);
  return 0;
}

static unsigned long long oom_kills(int fd)
{
  char buf[512];
  ssize_t n = fd >= 0 ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  const char *p = strstr(buf, "oom_kill ");
  return p ? strtoull(p + 9, NULL, 10) : 0;
}

static bool still_running(const struct rr_runtime *rt, const char *id)
{
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  if (rr_container_load(rt, id, 0, &d, &st, NULL) < 0)
    return false;
  enum rr_status s = st ? rr_container_status(d, st) : RR_STATUS_STOPPED;
  rr_state_free(st);
  rr_cdir_free(d);
  return s != RR_STATUS_STOPPED;
}

int rr_container_events(const struct rr_runtime *rt, const char *id, bool once, long interval_ms,
                        FILE *out, struct rr_error **err)
{
  _cleanup_free_ char *path = rr_container_live_cgroup(rt, id, "no events", err);
  if (path == NULL)
    return -1;
  if (once)
    return emit(out, "stats", id, path, err);
  /* memory.events changes (POLLPRI) wake us for OOM kills between ticks */
  _cleanup_free_ char *evpath = rr_xasprintf("%s/memory.events", path);
  _cleanup_close_ int evfd = open(evpath, O_RDONLY | O_CLOEXEC);
  unsigned long long kills = oom_kills(evfd);
  long long next = now_ms();
  for (;;) {
    long long now = now_ms();
    if (now >= next) {
      if (!still_running(rt, id) || emit(out, "stats", id, path, NULL) < 0)
        return 0; /* the container is gone: the stream ends */
      next = now + interval_ms;
    }
    long long wait = next - now_ms();
    /* liveness is checked at least once a second */
    if (wait > 1000)
      wait = 1000;
    if (wait < 0)
      wait = 0;
    if (evfd >= 0) {
      struct pollfd p = {.fd = evfd, .events = POLLPRI};
      (void)poll(&p, 1, (int)wait);
    } else {
      (void)poll(NULL, 0, (int)wait);
    }
    unsigned long long k = oom_kills(evfd);
    for (; kills < k; kills++)
      (void)emit(out, "oom", id, NULL, NULL);
    if (now_ms() < next && !still_running(rt, id))
      return 0;
  }
}
