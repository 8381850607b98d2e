/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "redrun/commands.h"

#define RR_DEFAULT_ROOT "/run/redrun"

enum {
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_CRIU,
  OPT_ROOTLESS,
  OPT_CGROUP_MANAGER
};

static const struct option global_options[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"log", required_argument, NULL, OPT_LOG},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {"debug", no_argument, NULL, OPT_DEBUG},
    {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP},
    {"criu", required_argument, NULL, OPT_CRIU},
    {"rootless", required_argument, NULL, OPT_ROOTLESS},
    {"cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0},
};

void rr_usage(FILE *out)
{
  fprintf(out, "usage: redrun [global options] COMMAND [options] [ARGS]\n\n"
               "global options:\n"
               "  --root DIR            state directory (default " RR_DEFAULT_ROOT ")\n"
               "  --log FILE            write log records to FILE\n"
               "  --log-format FORMAT   text or json\n"
               "  --debug               log debug records\n"
               "  --systemd-cgroup      cgroupsPath in the systemd form slice:prefix:name\n"
               "  --cgroup-manager M    cgroupfs, systemd or disabled\n"
               "  --rootless VALUE      accepted for compatibility (true|false|auto)\n"
               "  -v, --version         print the version\n"
               "  -h, --help            print this help\n\ncommands:\n");
  for (const struct rr_command *c = rr_commands; c->name != NULL; c++)
    fprintf(out, "  %-10s %s\n", c->name, c->summary);
}

static const struct rr_command *find_command(const char *name)
{
  for (const struct rr_command *c = rr_commands; c->name != NULL; c++)
    if (strcmp(c->name, name) == 0)
      return c;
  return NULL;
}

static int parse_globals(int argc, char **argv, struct rr_global *g, struct rr_error **err)
{
  int opt;
  opterr = 0;
  /* '+': stop at the command name, its own flags are parsed by the command */
  while ((opt = getopt_long(argc, argv, "+hv", global_options, NULL)) != -1) {
    switch (opt) {
    case OPT_ROOT:
      g->root = optarg;
      break;
    case OPT_LOG:
      g->log_path = optarg;
      break;
    case OPT_LOG_FORMAT:
      if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0)
        return rr_fail(err, RR_ERR_INVALID, 0, "--log-format: unknown format `%s` (text or json)",
                       optarg);
      g->log_format = optarg;
      break;
    case OPT_DEBUG:
      g->debug = true;
      break;
    case OPT_SYSTEMD_CGROUP:
      g->systemd_cgroup = true;
      break;
    case OPT_CRIU:
      break; /* checkpoint/restore is not implemented; the path is irrelevant */
    case OPT_ROOTLESS:
      g->rootless = optarg;
      break;
    case OPT_CGROUP_MANAGER:
      if (strcmp(optarg, "cgroupfs") != 0 && strcmp(optarg, "systemd") != 0 &&
          strcmp(optarg, "disabled") != 0)
        return rr_fail(err, RR_ERR_INVALID, 0,
                       "--cgroup-manager: unknown manager `%s` (cgroupfs, systemd or disabled)",
                       optarg);
      g->cgroup_manager = optarg;
      break;
    case 'h':
      rr_usage(stdout);
      exit(0);
    case 'v':
      return 1;
    case '?':
    default:
      if (optopt)
        return rr_fail(err, RR_ERR_INVALID, 0, "unknown global option `-%c`", optopt);
      return rr_fail(err, RR_ERR_INVALID, 0, "unknown global option `%s`", argv[optind - 1]);
    }
  }
  return 0;
}

int main(int argc, char **argv)
{
  struct rr_global g = {.root = RR_DEFAULT_ROOT, .log_format = "text"};
  _cleanup_error_ struct rr_error *err = NULL;

  int r = parse_globals(argc, argv, &g, &err);
  if (r > 0) {
    const struct rr_command *v = find_command("version");
    return v->fn(1, (char *[]){"version", NULL}, &g, &err);
  }
  if (r == 0 && rr_log_init(g.log_path, strcmp(g.log_format, "json") == 0,
                            g.debug ? RR_LOG_DEBUG : RR_LOG_WARN, &err) < 0)
    r = -1;
  if (r < 0) {
    rr_log_error_final("redrun", err);
    return 1;
  }
  if (optind >= argc) {
    rr_usage(stderr);
    return 1;
  }
  const char *name = argv[optind];
  const struct rr_command *cmd = find_command(name);
  if (cmd == NULL) {
    rr_fail(&err, RR_ERR_INVALID, 0, "unknown command `%s` (see redrun --help)", name);
    rr_log_error_final("redrun", err);
    return 1;
  }
  /* commands see argv starting at their own name, with getopt state reset */
  int first = optind;
  optind = 0;
  int status = cmd->fn(argc - first, argv + first, &g, &err);
  if (err != NULL) {
    rr_log_error_final("redrun", err);
    /* -1 from the error convention (or 0 with an error) is exit status 1;
     * a positive status is the container's, relayed as is */
    return status > 0 ? status : 1;
  }
  return status < 0 ? 1 : status;
}
