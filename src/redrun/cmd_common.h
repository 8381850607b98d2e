/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_CMD_COMMON_H
#define RR_CMD_COMMON_H

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "libredrun/os/container/container.h"
#include "redrun/commands.h"

/* The library's view of the global options. */
static inline struct rr_runtime rr_cmd_runtime(const struct rr_global *g)
{
  return (struct rr_runtime){
      .root = g->root, .cgroup_manager = g->cgroup_manager, .systemd_cgroup = g->systemd_cgroup};
}

/* Exactly `want` positional arguments left after the flags (runc's check). */
static inline int rr_cmd_nargs(int argc, char **argv, int min, int max, const char *what,
                               struct rr_error **err)
{
  int n = argc - optind;
  if (n < min || (max >= 0 && n > max)) {
    if (min == max)
      return rr_fail(err, RR_ERR_INVALID, 0, "%s: expects exactly %d argument%s (%s), got %d",
                     argv[0], min, min == 1 ? "" : "s", what, n);
    return rr_fail(err, RR_ERR_INVALID, 0, "%s: expects %s, got %d argument%s", argv[0], what, n,
                   n == 1 ? "" : "s");
  }
  return 0;
}

/* `redrun CMD --help`: the command's usage on stdout. */
static inline int rr_cmd_help(const char *usage)
{
  fputs(usage, stdout);
  return 0;
}

/* The error for a flag getopt did not recognise. */
static inline int rr_cmd_bad_flag(char **argv, struct rr_error **err)
{
  if (optopt != 0)
    return rr_fail(err, RR_ERR_INVALID, 0, "%s: unknown or incomplete flag `-%c`", argv[0], optopt);
  return rr_fail(err, RR_ERR_INVALID, 0, "%s: unknown or incomplete flag `%s`", argv[0],
                 argv[optind - 1]);
}

/* --preserve-fds N (create, run, exec): a count of fds after stdio. */
static inline int rr_cmd_preserve_fds(const char *arg, int *out, struct rr_error **err)
{
  char *end;
  long v = strtol(arg, &end, 10);
  if (*arg == '\0' || *end != '\0' || v < 0 || v > 65536)
    return rr_fail(err, RR_ERR_INVALID, 0, "--preserve-fds: `%s` is not a count of fds", arg);
  *out = (int)v;
  return 0;
}

/* Commands whose only argument is the container id (start, state, pause,
 * resume): sets *id, or leaves it NULL after printing `usage` for --help
 * (usage NULL: no --help flag). Returns -1 with *err on bad flags or arguments. */
static inline int rr_cmd_id_only(int argc, char **argv, const char *usage, const char **id,
                                 struct rr_error **err)
{
  static const struct option help_options[] = {{"help", no_argument, NULL, 'h'},
                                               {NULL, 0, NULL, 0}};
  *id = NULL;
  opterr = 0;
  int opt =
      getopt_long(argc, argv, usage ? "h" : "", usage ? help_options : help_options + 1, NULL);
  if (opt == 'h' && usage != NULL)
    return rr_cmd_help(usage);
  if (opt != -1)
    return rr_cmd_bad_flag(argv, err);
  if (rr_cmd_nargs(argc, argv, 1, 1, "the container id", err) < 0)
    return -1;
  *id = argv[optind];
  return 0;
}

/* create's and run's flags and the container id (run also takes --detach
 * and --keep). Returns 0 with a->o.id set, or with it NULL after printing
 * `usage` for --help; -1 with *err on a bad flag, value or argument count.
 * In cmd_create.c. */
struct rr_cmd_create_args {
  struct rr_create_opts o;
  bool detach, keep;
};
int rr_cmd_parse_create(int argc, char **argv, bool run, const char *usage,
                        struct rr_cmd_create_args *a, struct rr_error **err);

#endif
