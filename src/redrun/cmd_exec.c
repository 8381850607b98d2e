/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>

#include "libredrun/core/util.h"
#include "redrun/cmd_common.h"

static const char usage[] =
    "usage: redrun exec [--process|-p FILE] [--detach|-d] [--pid-file FILE] [--tty|-t]\n"
    "                   [--console-socket SOCKET] [--preserve-fds N] [--cwd DIR] [--env|-e "
    "K=V]...\n"
    "                   [--user|-u UID[:GID]] [--additional-gids|-g GID]... [--cap|-c CAP]...\n"
    "                   [--no-new-privs] [--apparmor PROFILE] [--process-label LABEL]\n"
    "                   [--ignore-paused] ID [COMMAND [ARG...]]\n";

enum {
  OPT_PID_FILE = 256,
  OPT_CONSOLE_SOCKET,
  OPT_PRESERVE_FDS,
  OPT_CWD,
  OPT_NNP,
  OPT_APPARMOR,
  OPT_LABEL,
  OPT_IGNORE_PAUSED,
  OPT_CGROUP
};

static const struct option exec_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"process", required_argument, NULL, 'p'},
    {"detach", no_argument, NULL, 'd'},
    {"tty", no_argument, NULL, 't'},
    {"env", required_argument, NULL, 'e'},
    {"user", required_argument, NULL, 'u'},
    {"additional-gids", required_argument, NULL, 'g'},
    {"cap", required_argument, NULL, 'c'},
    {"pid-file", required_argument, NULL, OPT_PID_FILE},
    {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
    {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"no-new-privs", no_argument, NULL, OPT_NNP},
    {"apparmor", required_argument, NULL, OPT_APPARMOR},
    {"process-label", required_argument, NULL, OPT_LABEL},
    {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
    {"cgroup", required_argument, NULL, OPT_CGROUP},
    {NULL, 0, NULL, 0},
};

static void push(char ***v, const char *s)
{
  size_t n = 0;
  while (*v != NULL && (*v)[n] != NULL)
    n++;
  *v = rr_xrealloc(*v, (n + 2) * sizeof(char *));
  (*v)[n] = (char *)s;
  (*v)[n + 1] = NULL;
}

int rr_cmd_exec(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  struct rr_exec_opts o = {0};
  int opt, ret = 1;
  opterr = 0;
  /* '+': stop at the id, the command's own flags follow it */
  while ((opt = getopt_long(argc, argv, "+hp:dte:u:g:c:", exec_options, NULL)) != -1) {
    switch (opt) {
    case 'h':
      ret = rr_cmd_help(usage);
      goto out;
    case 'p':
      o.process_path = optarg;
      break;
    case 'd':
      o.detach = true;
      break;
    case 't':
      o.tty = true;
      break;
    case 'e':
      push(&o.env, optarg);
      break;
    case 'u':
      o.user = optarg;
      break;
    case 'g':
      push(&o.additional_gids, optarg);
      break;
    case 'c':
      push(&o.caps, optarg);
      break;
    case OPT_PID_FILE:
      o.pid_file = optarg;
      break;
    case OPT_CONSOLE_SOCKET:
      o.console_socket = optarg;
      break;
    case OPT_PRESERVE_FDS:
      if (rr_cmd_preserve_fds(optarg, &o.preserve_fds, err) < 0)
        goto out;
      break;
    case OPT_CWD:
      o.cwd = optarg;
      break;
    case OPT_NNP:
      o.no_new_privs = true;
      break;
    case OPT_APPARMOR:
      o.apparmor = optarg;
      break;
    case OPT_LABEL:
      o.process_label = optarg;
      break;
    case OPT_IGNORE_PAUSED:
      o.ignore_paused = true;
      break;
    case OPT_CGROUP:
      rr_fail(err, RR_ERR_UNSUPPORTED, 0, "exec --cgroup: sub-cgroups are not supported");
      goto out;
    default:
      rr_cmd_bad_flag(argv, err);
      goto out;
    }
  }
  if (rr_cmd_nargs(argc, argv, 1, -1, "the container id and a command (or --process FILE)", err) <
      0)
    goto out;
  o.id = argv[optind];
  o.args = argv + optind + 1;
  if (o.process_path != NULL && o.args[0] != NULL) {
    rr_fail(err, RR_ERR_INVALID, 0, "exec: a command and --process FILE are exclusive");
    goto out;
  }
  struct rr_runtime rt = rr_cmd_runtime(g);
  int status;
  ret = rr_container_exec(&rt, &o, &status, err) < 0 ? 1 : status;
out:
  free(o.env);
  free(o.caps);
  free(o.additional_gids);
  return ret;
}
