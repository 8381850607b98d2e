/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "redrun/cmd_common.h"

int rr_cmd_start(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  const char *id;
  if (rr_cmd_id_only(argc, argv, "usage: redrun start ID\n", &id, err) < 0)
    return 1;
  if (id == NULL)
    return 0;
  struct rr_runtime rt = rr_cmd_runtime(g);
  return rr_container_start(&rt, id, err) < 0 ? 1 : 0;
}
