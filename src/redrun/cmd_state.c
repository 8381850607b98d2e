/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "redrun/cmd_common.h"

static const char usage[] = "usage: redrun state ID\n";

static const struct option state_options[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

int rr_cmd_state(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  opterr = 0;
  int opt = getopt_long(argc, argv, "h", state_options, NULL);
  if (opt == 'h')
    return rr_cmd_help(usage);
  if (opt != -1)
    return rr_cmd_bad_flag(argv, err), 1;
  if (rr_cmd_nargs(argc, argv, 1, 1, "the container id", err) < 0)
    return 1;
  struct rr_runtime rt = rr_cmd_runtime(g);
  char *json = NULL;
  if (rr_container_state(&rt, argv[optind], &json, err) < 0)
    return 1;
  printf("%s\n", json);
  free(json);
  return 0;
}
