/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "libredrun/os/cgroup/cgroup_internal.h"

int rr_cg_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, struct rr_error **err)
{
  /* runc's rule: an unlimited memory with swap unset means both unlimited */
  if (swap == -1) {
    *out = -1;
    return 0;
  }
  if (swap < -1)
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.resources.memory.swap: invalid value %" PRId64,
                   swap);
  if (limit == -1)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.resources.memory.swap: a swap limit needs a memory limit");
  if (swap < limit)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.resources.memory.swap: memory+swap (%" PRId64
                   ") must be >= the memory limit (%" PRId64 ")",
                   swap, limit);
  *out = swap - limit;
  return 0;
}

static void add_bytes(struct rr_cg_plan *p, const char *file, int64_t v)
{
  if (v == -1)
    rr_cg_plan_add(p, "memory", file, "max");
  else
    rr_cg_plan_add(p, "memory", file, "%" PRId64, v);
}

int rr_cg_plan_memory(const oci_memory *m, int64_t current_limit, struct rr_cg_plan *p,
                      struct rr_error **err)
{
  if (m == NULL)
    return 0;
  /* 0 is "unset" for runc (Go's zero value); engines send it that way */
  bool has_limit = m->limit_present && m->limit != 0;
  bool has_swap = m->swap_present && m->swap != 0;
  int64_t limit = has_limit ? m->limit : current_limit;
  if (has_limit && m->limit < -1)
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.resources.memory.limit: invalid value %" PRId64,
                   m->limit);
  if (m->reservation_present && m->reservation != 0) {
    if (m->reservation < -1)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.resources.memory.reservation: invalid value %" PRId64, m->reservation);
    add_bytes(p, "memory.low", m->reservation);
  }
  if (has_swap) {
    int64_t v;
    if (rr_cg_swap_to_v2(m->swap, limit, &v, err) < 0)
      return -1;
    add_bytes(p, "memory.swap.max", v);
  } else if (has_limit && m->limit == -1) {
    add_bytes(p, "memory.swap.max", -1);
  }
  if (has_limit) {
    add_bytes(p, "memory.max", m->limit);
    p->set_limit = true;
    p->limit = m->limit;
  }
  return 0;
}
