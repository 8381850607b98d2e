/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>

#include "redrun/commands.h"

/* Keep this table in the order `--help` shows it. */
const struct rr_command rr_commands[] = {
    {"spec", rr_cmd_spec, "write a default config.json into the bundle"},
    {"features", rr_cmd_features, "print the OCI features document (JSON)"},
    {"version", rr_cmd_version, "print the version and the compiled-in features"},
    {NULL, NULL, NULL},
};
