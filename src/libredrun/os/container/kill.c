/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <sys/file.h>

#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/container/internal.h"

int rr_container_kill(const struct rr_runtime *rt, const char *id, int sig, bool all,
                      struct rr_error **err)
{
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  if (rr_container_load(rt, id, LOCK_EX, &d, &st, err) < 0)
    return -1;
  int r;
  enum rr_status status = st ? rr_container_status(d, st) : RR_STATUS_STOPPED;
  if (all && st != NULL && st->cgroup_path != NULL) {
    /* also the processes left once init is gone (containers sharing the host pid ns) */
    r = rr_cgroup_kill_all(st->cgroup_path, sig, err);
    if (r < 0 && (*err)->errnum == ENOENT) {
      rr_error_clear(err);
      r = rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
    }
  } else if (status == RR_STATUS_STOPPED) {
    r = rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
  } else {
    r = rr_container_signal(st, sig, err);
  }
  rr_state_free(st);
  rr_cdir_free(d);
  return r;
}
