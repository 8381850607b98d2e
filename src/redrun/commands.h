/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_COMMANDS_H
#define RR_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "libredrun/core/error.h"

/* Global options, parsed by main() before the command name (runc's shape). */
struct rr_global {
  const char *root;           /* --root, default /run/redrun */
  const char *log_path;       /* --log */
  const char *log_format;     /* --log-format text|json */
  const char *cgroup_manager; /* --cgroup-manager cgroupfs|systemd|disabled */
  bool debug;                 /* --debug */
  bool systemd_cgroup;        /* --systemd-cgroup */
  const char *rootless;       /* --rootless true|false|auto */
};

/* A command parses its own flags from argv (argv[0] is the command name) and
 * returns its exit status; on failure it sets *err and returns non-zero.
 * Commands that relay a container's status (run, exec) return it as is. */
typedef int (*rr_command_fn)(int argc, char **argv, const struct rr_global *g,
                             struct rr_error **err);

struct rr_command {
  const char *name;
  rr_command_fn fn;
  const char *summary;
};

/* Table of all commands, NULL-terminated; defined in commands.c. */
extern const struct rr_command rr_commands[];

/* One function per command, each in cmd_<name>.c. */
int rr_cmd_spec(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_features(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_pause(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_resume(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_update(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_events(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_ps(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_version(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_create(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_start(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_run(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_state(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_kill(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_delete(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_exec(int argc, char **argv, const struct rr_global *g, struct rr_error **err);
int rr_cmd_list(int argc, char **argv, const struct rr_global *g, struct rr_error **err);

/* Print the usage of the whole program. */
void rr_usage(FILE *out);

#endif
