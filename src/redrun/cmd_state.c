/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "redrun/cmd_common.h"

int rr_cmd_state(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  const char *id;
  if (rr_cmd_id_only(argc, argv, "usage: redrun state ID\n", &id, err) < 0)
    return 1;
  if (id == NULL)
    return 0;
  struct rr_runtime rt = rr_cmd_runtime(g);
  char *json = NULL;
  if (rr_container_state(&rt, id, &json, err) < 0)
    return 1;
  printf("%s\n", json);
  free(json);
  return 0;
}
