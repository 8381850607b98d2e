/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_SPEC_LIFECYCLE_CHECKS_H
#define RR_SPEC_LIFECYCLE_CHECKS_H

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * Checks of the parts the lifecycle code applies, pure like every validator
 * (messages start at the JSON path; rr_spec_validate prefixes the document):
 *  - .linux.namespaces: known type, no duplicate, absolute path; the fields
 *    that need a namespace (uidMappings/gidMappings: user, timeOffsets: time);
 *  - process capabilities (known names in every set) and rlimits (known type,
 *    no duplicate, soft <= hard).
 */
int rr_namespaces_validate(const oci_config *cfg, struct rr_error **err) RR_WUR;
/* prefix: JSON path of the process (".process" in config.json, "" in process.json). */
int rr_process_limits_validate(const oci_process *p, const char *prefix,
                               struct rr_error **err) RR_WUR;

#endif
