/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <inttypes.h>

#include "libredrun/os/cgroup/cgroup_internal.h"

int rr_cg_plan_pids(const oci_pids *pids, struct rr_cg_plan *p, struct rr_error **err)
{
  if (pids == NULL || !pids->limit_present)
    return 0;
  /* runtime-spec: a limit <= 0 means no limit */
  if (pids->limit <= 0)
    rr_cg_plan_add(p, "pids", "pids.max", "max");
  else
    rr_cg_plan_add(p, "pids", "pids.max", "%" PRId64, pids->limit);
  return 0;
}
