/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_PROC_PARENT_DEATH_H
#define RR_PROC_PARENT_DEATH_H

#include <stdbool.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/* red-pak nodes ask, with the annotation `bzh.redpesk.redpak.die-with-parent:
 * "true"` (what rp2oci emits for `die-with-parent: Enabled`), that the
 * container dies with the process that launched it: `redrun run` in the
 * foreground, or the caller of `create` (the container init is its child). */
bool rr_proc_wants_parent_death(const oci_config *cfg);

/* Arm SIGKILL on the parent's death for the calling process. The kernel clears
 * it on every credential change, so the child arms it at its start and again
 * after switching to the container's identity. */
int rr_proc_arm_parent_death(struct rr_error **err) RR_WUR;

#endif
