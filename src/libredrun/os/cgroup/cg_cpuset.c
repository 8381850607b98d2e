/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/os/cgroup/cgroup_internal.h"

static int add_list(struct rr_cg_plan *p, const char *field, const char *file, const char *v,
                    struct rr_error **err)
{
  if (rr_cg_value_validate(file, v, err) < 0)
    return rr_wrap(err, ".linux.resources.cpu.%s", field);
  rr_cg_plan_add(p, "cpuset", file, "%s", v);
  return 0;
}

int rr_cg_plan_cpuset(const oci_cpu *c, struct rr_cg_plan *p, struct rr_error **err)
{
  if (c == NULL)
    return 0;
  /* an empty string means "inherit": writing it would empty the set */
  if (c->cpus != NULL && *c->cpus != '\0' && add_list(p, "cpus", "cpuset.cpus", c->cpus, err) < 0)
    return -1;
  if (c->mems != NULL && *c->mems != '\0' && add_list(p, "mems", "cpuset.mems", c->mems, err) < 0)
    return -1;
  return 0;
}
