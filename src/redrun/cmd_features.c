/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include <json-c/json.h>

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

  json_object *doc = NULL;
  if (rr_features_build(&doc, err) < 0)
    return 1;
  puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(doc);
  return 0;
}
