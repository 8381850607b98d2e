/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_CONTAINER_CONTROL_H
#define RR_CONTAINER_CONTROL_H

#include <stdbool.h>
#include <stdio.h>

#include "libredrun/core/error.h"
#include "libredrun/os/container/container.h"
#include "oci_types.h"

/* Operations on a live container through its cgroup. */

/* Freeze every process (cgroup.freeze) and wait until the kernel reports the
 * cgroup frozen: state then says "paused". */
int rr_container_pause(const struct rr_runtime *rt, const char *id, struct rr_error **err) RR_WUR;
int rr_container_resume(const struct rr_runtime *rt, const char *id, struct rr_error **err) RR_WUR;
/* Apply new limits to a created, running or paused container. */
int rr_container_update(const struct rr_runtime *rt, const char *id, const oci_linux_resources *res,
                        struct rr_error **err) RR_WUR;

/* events: with `once`, one stats event; else a stats event every interval_ms
 * and an "oom" event when the kernel OOM-kills in the container, until the
 * container stops. One JSON object per line on out (runc's shape). */
int rr_container_events(const struct rr_runtime *rt, const char *id, bool once, long interval_ms,
                        FILE *out, struct rr_error **err) RR_WUR;

/* ps: "json" prints the pids as a JSON array; "table" runs ps(1) with
 * ps_args (NULL: -ef) and keeps the header and the container's lines. */
int rr_container_ps(const struct rr_runtime *rt, const char *id, const char *format,
                    char *const *ps_args, FILE *out, struct rr_error **err) RR_WUR;

#endif
