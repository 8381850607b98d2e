/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup_internal.h"

/* Controller names live as long as the plan: point into this table or
 * use the file's own prefix kept in a static list of known controllers. */
static const char *const controllers[] = {"cpu",  "cpuset",  "io",   "memory", "pids",
                                          "rdma", "hugetlb", "misc", "cgroup"};

int rr_cg_plan_unified(const oci_string_map *u, struct rr_cg_plan *p, struct rr_error **err)
{
  if (u == NULL)
    return 0;
  for (size_t i = 0; i < u->len; i++) {
    const char *file = u->keys[i], *value = u->values[i];
    if (rr_cg_name_validate(file, err) < 0)
      return rr_wrap(err, ".linux.resources.unified");
    /* known files get their syntax checked; unknown ones are left to the
     * kernel, which rejects what it does not know */
    if (rr_cg_key_lookup(file) != NULL && rr_cg_value_validate(file, value, err) < 0)
      return rr_wrap(err, ".linux.resources.unified");
    size_t clen = strcspn(file, ".");
    const char *ctrl = NULL;
    for (size_t c = 0; c < RR_ARRAY_SIZE(controllers); c++)
      if (strlen(controllers[c]) == clen && strncmp(controllers[c], file, clen) == 0)
        ctrl = controllers[c];
    if (ctrl == NULL)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.resources.unified: `%s`: unknown cgroup v2 controller", file);
    rr_cg_plan_add(p, strcmp(ctrl, "cgroup") == 0 ? NULL : ctrl, file, "%s", value);
  }
  return 0;
}
