/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libredrun/os/cgroup/cgroup_internal.h"

int rr_cg_plan_rdma(const oci_rdma_map *r, struct rr_cg_plan *p, struct rr_error **err)
{
  if (r == NULL)
    return 0;
  for (size_t i = 0; i < r->len; i++) {
    const oci_rdma *v = r->values[i];
    const char *dev = r->keys[i];
    if (*dev == '\0' || strpbrk(dev, " \n=") != NULL)
      return rr_fail(err, RR_ERR_INVALID, 0, ".linux.resources.rdma: invalid device name `%s`",
                     dev);
    char h[32] = "", o[32] = "";
    if (v->hca_handles_present)
      snprintf(h, sizeof(h), " hca_handle=%" PRIu32, v->hca_handles);
    if (v->hca_objects_present)
      snprintf(o, sizeof(o), " hca_object=%" PRIu32, v->hca_objects);
    if (*h == '\0' && *o == '\0')
      continue;
    rr_cg_plan_add(p, "rdma", "rdma.max", "%s%s%s", dev, h, o);
  }
  return 0;
}
