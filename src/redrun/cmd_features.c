/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "libredrun/os/container/features.h"
#include "redrun/commands.h"

int rr_cmd_features(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    if (opt == 'h') {
      printf("usage: redrun features\n\n"
             "Print the OCI runtime features document (JSON): what a config.json may ask\n"
             "of this build of redrun on this kernel.\n");
      return 0;
    }
    rr_fail(err, RR_ERR_INVALID, 0, "features: unknown option `%s`", argv[optind - 1]);
    return 1;
  }
  if (optind < argc) {
    rr_fail(err, RR_ERR_INVALID, 0, "features: takes no arguments (got `%s`)", argv[optind]);
    return 1;
  }

  char *doc = rr_features_build();
  puts(doc);
  free(doc);
  return 0;
}
