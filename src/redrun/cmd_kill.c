/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <signal.h>

#include "libredrun/core/tables/signals.h"
#include "redrun/cmd_common.h"

static const char usage[] = "usage: redrun kill [--all|-a] ID [SIGNAL]\n";

static const struct option kill_options[] = {
    {"help", no_argument, NULL, 'h'}, {"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};

int rr_cmd_kill(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  bool all = false;
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "ah", kill_options, NULL)) != -1) {
    if (opt == 'h')
      return rr_cmd_help(usage);
    if (opt != 'a')
      return rr_cmd_bad_flag(argv, err), 1;
    all = true;
  }
  if (rr_cmd_nargs(argc, argv, 1, 2, "the container id and an optional signal", err) < 0)
    return 1;
  int sig = SIGTERM;
  if (argc - optind == 2) {
    sig = rr_signal_parse(argv[optind + 1]);
    if (sig <= 0)
      return rr_fail(err, RR_ERR_INVALID, 0, "kill: unknown signal `%s`", argv[optind + 1]), 1;
  }
  struct rr_runtime rt = rr_cmd_runtime(g);
  return rr_container_kill(&rt, argv[optind], sig, all, err) < 0 ? 1 : 0;
}
