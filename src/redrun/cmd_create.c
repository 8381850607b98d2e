/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>

#include "redrun/cmd_common.h"

static const char usage[] =
    "usage: redrun create [--bundle|-b DIR] [--pid-file FILE] [--console-socket SOCKET]\n          "
    "           [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID\n";

enum {
  OPT_PID_FILE = 256,
  OPT_CONSOLE_SOCKET,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_PRESERVE_FDS,
  OPT_KEEP,
};

/* run's flags; create's are the same without the first two */
static const struct option options[] = {
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"help", no_argument, NULL, 'h'},
    {"bundle", required_argument, NULL, 'b'},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
    {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
    {"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
    {NULL, 0, NULL, 0},
};

static int parse_flag(int opt, struct rr_cmd_create_args *a, struct rr_error **err)
{
  struct rr_create_opts *o = &a->o;
  switch (opt) {
  case 'b':
    o->bundle = optarg;
    return 0;
  case OPT_PID_FILE:
    o->pid_file = optarg;
    return 0;
  case OPT_CONSOLE_SOCKET:
    o->console_socket = optarg;
    return 0;
  case OPT_NO_PIVOT:
    o->no_pivot = true;
    return 0;
  case OPT_NO_NEW_KEYRING:
    o->no_new_keyring = true;
    return 0;
  case OPT_PRESERVE_FDS:
    return rr_cmd_preserve_fds(optarg, &o->preserve_fds, err);
  case 'd':
    a->detach = true;
    return 0;
  case OPT_KEEP:
    a->keep = true;
    return 0;
  default:
    return 1;
  }
}

int rr_cmd_parse_create(int argc, char **argv, bool run, const char *cmd_usage,
                        struct rr_cmd_create_args *a, struct rr_error **err)
{
  *a = (struct rr_cmd_create_args){0};
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, run ? "b:dh" : "b:h", run ? options : options + 2, NULL)) !=
         -1) {
    if (opt == 'h')
      return rr_cmd_help(cmd_usage);
    int r = parse_flag(opt, a, err);
    if (r < 0)
      return -1;
    if (r > 0)
      return rr_cmd_bad_flag(argv, err);
  }
  if (rr_cmd_nargs(argc, argv, 1, 1, "the container id", err) < 0)
    return -1;
  a->o.id = argv[optind];
  return 0;
}

int rr_cmd_create(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  struct rr_cmd_create_args a;
  if (rr_cmd_parse_create(argc, argv, false, usage, &a, err) < 0)
    return 1;
  if (a.o.id == NULL)
    return 0;
  struct rr_runtime rt = rr_cmd_runtime(g);
  return rr_container_create(&rt, &a.o, err) < 0 ? 1 : 0;
}
