/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_FEATURES_H
#define RR_FEATURES_H

#include <json-c/json.h>

#include "libredrun/core/error.h"

/*
 * The OCI runtime features document (runtime-spec features.md), built from the
 * same tables the runtime applies (namespaces, capabilities, seccomp names,
 * mount options, hooks) and narrowed to what this kernel and libseccomp accept
 * (seccomp actions, flags and architectures), so an engine reading it learns
 * what a config may ask of this installation.
 */
int rr_features_build(json_object **out, struct rr_error **err) RR_WUR;

#endif
