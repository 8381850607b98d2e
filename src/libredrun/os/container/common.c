/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/container/internal.h"
#include "libredrun/os/proc/clone.h"

int rr_container_load(const struct rr_runtime *rt, const char *id, int lock, struct rr_cdir **d,
                      struct rr_state **st, struct rr_error **err)
{
  struct rr_cdir *dir = NULL;
  if (rr_state_open(rt->root, id, lock, &dir, err) < 0)
    return -1;
  struct rr_state *s = NULL;
  _cleanup_error_ struct rr_error *e = NULL;
  if (rr_state_read(dir, &s, &e) < 0) {
    if (e->kind != RR_ERR_NOT_FOUND) {
      rr_cdir_free(dir);
      *err = steal_ptr(e);
      return -1;
    }
  }
  *d = dir;
  *st = s;
  return 0;
}

enum rr_status rr_container_status(const struct rr_cdir *d, const struct rr_state *st)
{
  if (st == NULL) {
    /* no state yet: a create holds the lock, or one crashed before writing it */
    if (flock(d->fd, LOCK_EX | LOCK_NB) == 0) {
      flock(d->fd, LOCK_UN);
      return RR_STATUS_STOPPED;
    }
    return RR_STATUS_CREATING;
  }
  enum rr_status s = rr_state_status(d, st);
  if (s == RR_STATUS_RUNNING && st->cgroup_path != NULL) {
    bool frozen = false;
    if (rr_cgroup_is_frozen(st->cgroup_path, &frozen, NULL) == 0 && frozen)
      s = RR_STATUS_PAUSED;
  }
  return s;
}

int rr_container_load_live(const struct rr_runtime *rt, const char *id, int lock,
                           enum rr_live_want want, const char *no_cgroup, struct rr_cdir **d,
                           struct rr_state **st, struct rr_error **err)
{
  if (rr_container_load(rt, id, lock, d, st, err) < 0)
    return -1;
  int r = 0;
  enum rr_status s = *st ? rr_container_status(*d, *st) : RR_STATUS_STOPPED;
  if (s == RR_STATUS_STOPPED || s == RR_STATUS_CREATING)
    r = rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
  else if (want == RR_LIVE_NOT_PAUSED && s == RR_STATUS_PAUSED)
    r = rr_fail(err, RR_ERR_STATE, 0, "container `%s` is already paused", id);
  else if (want == RR_LIVE_PAUSED && s != RR_STATUS_PAUSED)
    r = rr_fail(err, RR_ERR_STATE, 0, "container `%s` is not paused", id);
  else if ((*st)->cgroup_path == NULL)
    r = rr_fail(err, RR_ERR_UNSUPPORTED, 0, "container `%s` has no cgroup: %s", id, no_cgroup);
  if (r < 0) {
    rr_state_free(*st);
    rr_cdir_free(*d);
    *st = NULL;
    *d = NULL;
  }
  return r;
}

char *rr_container_live_cgroup(const struct rr_runtime *rt, const char *id, const char *no_cgroup,
                               struct rr_error **err)
{
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  if (rr_container_load_live(rt, id, 0, RR_LIVE_ANY, no_cgroup, &d, &st, err) < 0)
    return NULL;
  char *path = rr_xstrdup(st->cgroup_path);
  rr_state_free(st);
  rr_cdir_free(d);
  return path;
}

int rr_container_signal(const struct rr_state *st, int sig, struct rr_error **err)
{
  if (st->pid <= 0)
    return rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
  _cleanup_close_ int pidfd = rr_pidfd_open(st->pid);
  if (pidfd < 0 && errno != ENOSYS) {
    if (errno == ESRCH)
      return rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
    return rr_fail_errno(err, "pidfd_open %d", (int)st->pid);
  }
  /* checked after the pidfd is held: the pid cannot be reused under us any more */
  if (!rr_state_pid_alive(st))
    return rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
  int r = pidfd >= 0 ? rr_pidfd_signal(pidfd, sig) : kill(st->pid, sig);
  if (r < 0) {
    if (errno == ESRCH)
      return rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
    return rr_fail_errno(err, "signal %d to pid %d", sig, (int)st->pid);
  }
  return 0;
}

void rr_container_wait_gone(const struct rr_state *st, int timeout_ms)
{
  _cleanup_close_ int pidfd = rr_pidfd_open(st->pid);
  if (pidfd >= 0 && rr_state_pid_alive(st)) {
    /* a pidfd becomes readable when the process exits, zombie or not */
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    while (poll(&p, 1, timeout_ms) < 0 && errno == EINTR)
      ;
    return;
  }
  struct timespec ts = {0, 10 * 1000 * 1000};
  for (int waited = 0; waited < timeout_ms && rr_state_pid_alive(st); waited += 10)
    nanosleep(&ts, NULL);
}
