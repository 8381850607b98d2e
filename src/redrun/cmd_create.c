/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>

#include "redrun/cmd_common.h"

static const char usage[] =
    "usage: redrun create [--bundle|-b DIR] [--pid-file FILE] [--console-socket SOCKET]\n          "
    "           [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID\n";

static const struct option create_options[] = {
    {"help", no_argument, NULL, 'h'}, RR_CREATE_OPTIONS, {NULL, 0, NULL, 0}};

int rr_cmd_parse_create_flag(int opt, struct rr_create_opts *o, struct rr_error **err)
{
  char *end;
  switch (opt) {
  case 'b':
    o->bundle = optarg;
    return 0;
  case RR_OPT_PID_FILE:
    o->pid_file = optarg;
    return 0;
  case RR_OPT_CONSOLE_SOCKET:
    o->console_socket = optarg;
    return 0;
  case RR_OPT_NO_PIVOT:
    o->no_pivot = true;
    return 0;
  case RR_OPT_NO_NEW_KEYRING:
    o->no_new_keyring = true;
    return 0;
  case RR_OPT_PRESERVE_FDS: {
    long v = strtol(optarg, &end, 10);
    if (*optarg == '\0' || *end != '\0' || v < 0 || v > 65536)
      return rr_fail(err, RR_ERR_INVALID, 0, "--preserve-fds: `%s` is not a count of fds", optarg);
    o->preserve_fds = (int)v;
    return 0;
  }
  default:
    return 1;
  }
}

int rr_cmd_create(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  struct rr_create_opts o = {0};
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "b:h", create_options, NULL)) != -1) {
    if (opt == 'h')
      return rr_cmd_help(usage);
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
  return rr_container_create(&rt, &o, err) < 0 ? 1 : 0;
}
