/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "redrun/cmd_common.h"

static const char usage[] = "usage: redrun delete [--force|-f] ID\n";

static const struct option delete_options[] = {
    {"help", no_argument, NULL, 'h'}, {"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};

int rr_cmd_delete(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  bool force = false;
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "fh", delete_options, NULL)) != -1) {
    if (opt == 'h')
      return rr_cmd_help(usage);
    if (opt != 'f')
      return rr_cmd_bad_flag(argv, err), 1;
    force = true;
  }
  if (rr_cmd_nargs(argc, argv, 1, 1, "the container id", err) < 0)
    return 1;
  struct rr_runtime rt = rr_cmd_runtime(g);
  return rr_container_delete(&rt, argv[optind], force, err) < 0 ? 1 : 0;
}
