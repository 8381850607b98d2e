/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_SPEC_VALIDATE_H
#define RR_SPEC_VALIDATE_H

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * Semantic checks of a parsed config.json, after the schema-level checks the
 * parser already did (types, ranges, required properties). Fails with
 * RR_ERR_INVALID and a message naming the JSON path:
 *   config.json: .process.cwd: must be an absolute path
 * Runs the checks that belong to no module, then each module's validator
 * (namespaces, capabilities, mounts, resources, seccomp ...). Pure: no system
 * access, so rp2oci can validate what it emits.
 */
int rr_spec_validate(const oci_config *cfg, struct rr_error **err) RR_WUR;

/* The process checks alone, for `exec --process FILE`: `source` names the
 * document ("process.json") and `prefix` the JSON path of the process object
 * in it ("" for a process document, ".process" inside config.json). */
int rr_spec_validate_process(const oci_process *p, const char *source, const char *prefix,
                             struct rr_error **err) RR_WUR;

#endif
