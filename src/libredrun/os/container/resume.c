/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <sys/file.h>

#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/container/control.h"
#include "libredrun/os/container/internal.h"

int rr_container_resume(const struct rr_runtime *rt, const char *id, struct rr_error **err)
{
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  if (rr_container_load(rt, id, LOCK_EX, &d, &st, err) < 0)
    return -1;
  int r = 0;
  enum rr_status s = st ? rr_container_status(d, st) : RR_STATUS_STOPPED;
  if (s == RR_STATUS_STOPPED || s == RR_STATUS_CREATING)
    r = rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
  else if (s != RR_STATUS_PAUSED)
    r = rr_fail(err, RR_ERR_STATE, 0, "container `%s` is not paused", id);
  else if (rr_cgroup_freeze(st->cgroup_path, false, err) < 0)
    r = rr_wrap(err, "resume `%s`", id);
  rr_state_free(st);
  rr_cdir_free(d);
  return r;
}
