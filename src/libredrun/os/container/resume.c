/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <sys/file.h>

#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/container/control.h"
#include "libredrun/os/container/internal.h"

int rr_container_resume(const struct rr_runtime *rt, const char *id, struct rr_error **err)
{
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  if (rr_container_load_live(rt, id, LOCK_EX, RR_LIVE_PAUSED, "it cannot be resumed", &d, &st,
                             err) < 0)
    return -1;
  int r = rr_cgroup_freeze(st->cgroup_path, false, err) < 0 ? rr_wrap(err, "resume `%s`", id) : 0;
  rr_state_free(st);
  rr_cdir_free(d);
  return r;
}
