/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/os/cgroup/cgroup_internal.h"

int rr_cg_plan_hugetlb(oci_hugepage_limit *const *h, size_t n, struct rr_cg_plan *p,
                       struct rr_error **err)
{
  for (size_t i = 0; i < n; i++) {
    char file[64], rsvd[80];
    const char *size = h[i]->page_size ? h[i]->page_size : "";
    snprintf(file, sizeof(file), "hugetlb.%s.max", size);
    if (strlen(size) > 16 || rr_cg_key_lookup(file) == NULL)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.resources.hugepageLimits[%zu].pageSize: invalid page size `%s`", i,
                     size);
    rr_cg_plan_add(p, "hugetlb", file, "%" PRIu64, h[i]->limit);
    /* reservations (5.7+) are limited too so a mapping cannot reserve around
     * the limit; absent on older kernels */
    snprintf(rsvd, sizeof(rsvd), "hugetlb.%s.rsvd.max", size);
    rr_cg_plan_add(p, "hugetlb", rsvd, "%" PRIu64, h[i]->limit);
    p->w[p->n - 1].optional = true;
  }
  return 0;
}
