/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "libredrun/os/container/control.h"
#include "redrun/cmd_common.h"

static const struct option ps_options[] = {{"format", required_argument, NULL, 'f'},
                                           {NULL, 0, NULL, 0}};

/* ps [--format table|json] ID [PS_ARGS...] */
int rr_cmd_ps(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  const char *format = "table";
  int opt;
  opterr = 0;
  /* "+": everything after the id belongs to ps(1) */
  while ((opt = getopt_long(argc, argv, "+f:", ps_options, NULL)) != -1) {
    if (opt != 'f')
      return rr_cmd_bad_flag(argv, err), 1;
    format = optarg;
  }
  if (rr_cmd_nargs(argc, argv, 1, -1, "the container id and optional ps arguments", err) < 0)
    return 1;
  struct rr_runtime rt = rr_cmd_runtime(g);
  char *const *ps_args = argc - optind > 1 ? argv + optind + 1 : NULL;
  if (ps_args && strcmp(ps_args[0], "--") == 0)
    ps_args = ps_args[1] ? ps_args + 1 : NULL;
  return rr_container_ps(&rt, argv[optind], format, ps_args, stdout, err) < 0 ? 1 : 0;
}
