/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "libredrun/os/cgroup/cgroup_internal.h"

uint64_t rr_cg_shares_to_weight(uint64_t shares)
{
  /* Linear map of v1's [2, 262144] onto v2's [1, 10000], as runc and crun
   * (before its 1.23 curve) do, so 1024 (the v1 default) gives 39. */
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

int rr_cg_plan_cpu(const oci_cpu *c, struct rr_cg_plan *p, struct rr_error **err)
{
  if (c == NULL)
    return 0;
  if (c->shares_present && c->shares != 0)
    rr_cg_plan_add(p, "cpu", "cpu.weight", "%" PRIu64, rr_cg_shares_to_weight(c->shares));
  bool quota = c->quota_present && c->quota != 0;
  bool period = c->period_present && c->period != 0;
  if (quota || period) {
    char q[32] = "max";
    if (quota && c->quota > 0)
      snprintf(q, sizeof(q), "%" PRId64, c->quota);
    else if (quota && c->quota != -1)
      return rr_fail(err, RR_ERR_INVALID, 0, ".linux.resources.cpu.quota: invalid value %" PRId64,
                     c->quota);
    if (period)
      rr_cg_plan_add(p, "cpu", "cpu.max", "%s %" PRIu64, q, c->period);
    else
      rr_cg_plan_add(p, "cpu", "cpu.max", "%s", q);
  }
  if (c->burst_present)
    rr_cg_plan_add(p, "cpu", "cpu.max.burst", "%" PRIu64, c->burst);
  if (c->idle_present)
    rr_cg_plan_add(p, "cpu", "cpu.idle", "%" PRId64, c->idle);
  return 0;
}
