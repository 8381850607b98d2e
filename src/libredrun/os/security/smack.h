/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_SMACK_H
#define RR_SMACK_H

#include <stdbool.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * The Smack label of a red-pak node: rp2oci writes the merged `smack` setting
 * to the annotation `bzh.redpesk.redpak.smack`, which redwrap applies by
 * writing the label to /proc/self/attr/current in the launcher, before the
 * sandbox is built and its program executed. A label the host cannot apply is
 * an error, never silently dropped (like the other LSM labels, lsm.h).
 *
 * Smack lets only a task privileged in the initial user namespace change its
 * label, and the container's init is born in its user namespace. So the
 * runtime, privileged, first allows itself that one label through smackfs'
 * `relabel-self` (the list is inherited by the child), and the child switches
 * to it at its start, before it mounts anything: the whole container setup
 * and the program run under the label, as with redwrap.
 */
#define RR_REDPAK_SMACK "bzh.redpesk.redpak.smack"

bool rr_smack_enabled(void);

/* In the parent before clone: no-op without the annotation; otherwise fail
 * when Smack is not enabled or the label is malformed, then allow the label
 * through relabel-self. */
int rr_smack_prepare(const oci_config *cfg, struct rr_error **err) RR_WUR;

/* In the child, first thing: switch to the label (no-op without it). The
 * attr file is checked to be on procfs. */
int rr_smack_apply(const oci_config *cfg, struct rr_error **err) RR_WUR;

#endif
