/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "redrun/cmd_common.h"

static const char usage[] =
    "usage: redrun run [--detach|-d] [--keep] [--bundle|-b DIR] [--pid-file FILE]\n                "
    "  [--console-socket SOCKET] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID\n";

int rr_cmd_run(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  struct rr_cmd_create_args a;
  if (rr_cmd_parse_create(argc, argv, true, usage, &a, err) < 0)
    return 1;
  if (a.o.id == NULL)
    return 0;
  struct rr_runtime rt = rr_cmd_runtime(g);
  int status;
  if (rr_container_run(&rt, &a.o, a.detach, a.keep, &status, err) < 0)
    return 1;
  return status;
}
