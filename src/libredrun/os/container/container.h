/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_CONTAINER_H
#define RR_CONTAINER_H

#include <stdbool.h>
#include <stdio.h>

#include "libredrun/core/error.h"

/* What every operation needs to know about the runtime invocation. */
struct rr_runtime {
  const char *root;           /* state root */
  const char *cgroup_manager; /* NULL = cgroupfs; "disabled" = no cgroup at all */
  bool systemd_cgroup;
};

struct rr_create_opts {
  const char *id;
  const char *bundle;         /* NULL: the current directory */
  const char *pid_file;       /* NULL: none */
  const char *console_socket; /* NULL: none */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
};

/* create: returns once the container process is blocked on its exec fifo and
 * the pid file is written; the process is then a child of our caller. */
int rr_container_create(const struct rr_runtime *rt, const struct rr_create_opts *o,
                        struct rr_error **err) RR_WUR;
int rr_container_start(const struct rr_runtime *rt, const char *id, struct rr_error **err) RR_WUR;
/* The OCI state JSON (pretty), malloc'd in *out. */
int rr_container_state(const struct rr_runtime *rt, const char *id, char **out,
                       struct rr_error **err) RR_WUR;
int rr_container_kill(const struct rr_runtime *rt, const char *id, int sig, bool all,
                      struct rr_error **err) RR_WUR;
int rr_container_delete(const struct rr_runtime *rt, const char *id, bool force,
                        struct rr_error **err) RR_WUR;
/* run: create + start; in the foreground relays signals (and the terminal)
 * and returns the exit status in *status (128+N for a signal). */
int rr_container_run(const struct rr_runtime *rt, const struct rr_create_opts *o, bool detach,
                     bool keep, int *status, struct rr_error **err) RR_WUR;
struct rr_exec_opts {
  const char *id;
  const char *process_path; /* --process FILE; else args + overrides on the container's process */
  char **args;              /* NULL-terminated */
  bool detach, tty, no_new_privs, ignore_paused;
  const char *pid_file, *console_socket, *cwd, *user;
  char **env, **caps, **additional_gids; /* NULL-terminated or NULL */
  const char *apparmor, *process_label;
  int preserve_fds;
};

/* exec: join every namespace and the cgroup of the container and run one more
 * process through the same setup path; returns once the pid file is written
 * (--detach) or with the process's exit status in *status. */
int rr_container_exec(const struct rr_runtime *rt, const struct rr_exec_opts *o, int *status,
                      struct rr_error **err) RR_WUR;
/* list: "table" or "json"; quiet prints the ids only. */
int rr_container_list(const struct rr_runtime *rt, const char *format, bool quiet, FILE *out,
                      struct rr_error **err) RR_WUR;

#endif
