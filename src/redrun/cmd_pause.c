/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "libredrun/os/container/control.h"
#include "redrun/cmd_common.h"

static const struct option no_options[] = {{NULL, 0, NULL, 0}};

int rr_cmd_pause(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  opterr = 0;
  if (getopt_long(argc, argv, "", no_options, NULL) != -1)
    return rr_cmd_bad_flag(argv, err), 1;
  if (rr_cmd_nargs(argc, argv, 1, 1, "the container id", err) < 0)
    return 1;
  struct rr_runtime rt = rr_cmd_runtime(g);
  return rr_container_pause(&rt, argv[optind], err) < 0 ? 1 : 0;
}
