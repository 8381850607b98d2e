/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>

#include "redrun/cmd_common.h"

static const char usage[] = "usage: redrun list [--format|-f table|json] [--quiet|-q]\n";

static const struct option list_options[] = {{"help", no_argument, NULL, 'h'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {NULL, 0, NULL, 0}};

int rr_cmd_list(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  const char *format = "table";
  bool quiet = false;
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "f:qh", list_options, NULL)) != -1) {
    if (opt == 'h')
      return rr_cmd_help(usage);
    if (opt == 'f')
      format = optarg;
    else if (opt == 'q')
      quiet = true;
    else
      return rr_cmd_bad_flag(argv, err), 1;
  }
  if (rr_cmd_nargs(argc, argv, 0, 0, "no argument", err) < 0)
    return 1;
  struct rr_runtime rt = rr_cmd_runtime(g);
  return rr_container_list(&rt, format, quiet, stdout, err) < 0 ? 1 : 0;
}
