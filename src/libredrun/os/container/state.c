/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "libredrun/core/util.h"
#include "libredrun/os/container/internal.h"

int rr_container_state(const struct rr_runtime *rt, const char *id, char **out,
                       struct rr_error **err)
{
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  if (rr_container_load(rt, id, 0, &d, &st, err) < 0)
    return -1;
  enum rr_status status = rr_container_status(d, st);
  if (st == NULL) {
    rr_cdir_free(d);
    if (status == RR_STATUS_CREATING)
      return rr_fail(err, RR_ERR_STATE, 0, "container `%s` is being created", id);
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "container `%s` has no state (a create failed midway): delete it", id);
  }
  struct rr_json g;
  rr_json_init(&g, true);
  rr_state_to_json(&g, NULL, st, status, false);
  *out = rr_json_finish(&g);
  rr_state_free(st);
  rr_cdir_free(d);
  return 0;
}
