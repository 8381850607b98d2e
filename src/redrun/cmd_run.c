/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "redrun/cmd_common.h"

static const char usage[] =
    "usage: redrun run [--detach|-d] [--keep] [--bundle|-b DIR] [--pid-file FILE]\n                "
    "  [--console-socket SOCKET] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID\n";

static const struct option run_options[] = {
    {"help", no_argument, NULL, 'h'},
    RR_CREATE_OPTIONS,
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, RR_OPT_KEEP},
    {NULL, 0, NULL, 0},
};

int rr_cmd_run(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  struct rr_create_opts o = {0};
  bool detach = false, keep = false;
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "b:dh", run_options, NULL)) != -1) {
    if (opt == 'h')
      return rr_cmd_help(usage);
    if (opt == 'd') {
      detach = true;
      continue;
    }
    if (opt == RR_OPT_KEEP) {
      keep = true;
      continue;
    }
    int r = rr_cmd_parse_create_flag(opt, &o, err);
    if (r < 0)
      return 1;
    if (r > 0)
      return rr_cmd_bad_flag(argv, err), 1;
  }
  if (rr_cmd_nargs(argc, argv, 1, 1, "the container id", err) < 0)
    return 1;
  o.id = argv[optind];
  struct rr_runtime rt = rr_cmd_runtime(g);
  int status;
  if (rr_container_run(&rt, &o, detach, keep, &status, err) < 0)
    return 1;
  return status;
}
