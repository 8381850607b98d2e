/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>

#include "redrun/commands.h"

/* Keep this table in the order `--help` shows it. */
const struct rr_command rr_commands[] = {
    {"create", rr_cmd_create, "create a container from a bundle (stopped before the user process)"},
    {"start", rr_cmd_start, "start the user process of a created container"},
    {"run", rr_cmd_run, "create and start a container, wait for it unless --detach"},
    {"state", rr_cmd_state, "print the OCI state of a container"},
    {"kill", rr_cmd_kill, "send a signal to the container's init (or all its processes)"},
    {"delete", rr_cmd_delete, "delete a container and its resources"},
    {"exec", rr_cmd_exec, "run one more process in a container"},
    {"list", rr_cmd_list, "list the containers"},
    {"pause", rr_cmd_pause, "freeze every process of a container"},
    {"resume", rr_cmd_resume, "thaw a paused container"},
    {"update", rr_cmd_update, "change the resource limits of a running container"},
    {"events", rr_cmd_events, "print resource statistics and OOM events of a container (JSON)"},
    {"ps", rr_cmd_ps, "list the processes of a container"},
    {"spec", rr_cmd_spec, "write a default config.json into the bundle"},
    {"features", rr_cmd_features, "print the OCI features document (JSON)"},
    {"version", rr_cmd_version, "print the version and the compiled-in features"},
    {NULL, NULL, NULL},
};
