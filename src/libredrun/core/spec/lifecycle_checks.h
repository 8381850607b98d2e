/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_SPEC_LIFECYCLE_CHECKS_H
#define RR_SPEC_LIFECYCLE_CHECKS_H

#include <stdbool.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * Checks of the parts the lifecycle code applies, pure like every validator
 * (messages start at the JSON path; rr_spec_validate prefixes the document):
 *  - .linux.namespaces: known type, no duplicate, absolute path; the fields
 *    that need a namespace (uidMappings/gidMappings: user, timeOffsets: time);
 *  - process rlimits (known type, no duplicate, soft <= hard).
 * Unknown capability names are not an error: the runtime-spec wants a
 * warning and the others granted (rr_process_warn_caps, at create/exec).
 */
int rr_namespaces_validate(const oci_config *cfg, struct rr_error **err) RR_WUR;
/* .linux.namespaces has an entry of that type (created or joined by path). */
bool rr_spec_has_ns(const oci_config *cfg, const char *type);
/* prefix: JSON path of the process (".process" in config.json, "" in process.json). */
int rr_process_limits_validate(const oci_process *p, const char *prefix,
                               struct rr_error **err) RR_WUR;

/* Log a warning for each capability name the runtime cannot map (they are skipped). */
void rr_process_warn_caps(const oci_process *p, const char *source, const char *prefix);

#endif
