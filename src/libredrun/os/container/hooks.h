/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_HOOKS_H
#define RR_HOOKS_H

#include "libredrun/core/error.h"
#include "oci_types.h"

enum rr_hook_kind {
  RR_HOOK_PRESTART,
  RR_HOOK_CREATE_RUNTIME,
  RR_HOOK_CREATE_CONTAINER,
  RR_HOOK_START_CONTAINER,
  RR_HOOK_POSTSTART,
  RR_HOOK_POSTSTOP,
};
#define RR_HOOK_KINDS (RR_HOOK_POSTSTOP + 1)

/* The spec's name of a hook kind ("createRuntime"). */
const char *rr_hook_kind_name(enum rr_hook_kind kind);

/*
 * Run the hooks of one kind in order, each with the state JSON on stdin, its
 * args and env, and its timeout (seconds). The first failure stops the list
 * and is returned as "hook createRuntime[1] `/path`: exited with status 3".
 * Callers decide what a failure means (poststart/poststop only warn).
 */
int rr_hooks_run(const oci_hooks *hooks, enum rr_hook_kind kind, const char *state_json,
                 struct rr_error **err) RR_WUR;
/* Same, but failures are logged as warnings and every hook runs. */
void rr_hooks_run_warn(const oci_hooks *hooks, enum rr_hook_kind kind, const char *state_json);
/* True when the config has hooks of that kind. */
int rr_hooks_count(const oci_hooks *hooks, enum rr_hook_kind kind);

#endif
