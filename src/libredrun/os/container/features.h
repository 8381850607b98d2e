/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_FEATURES_H
#define RR_FEATURES_H

/*
 * The OCI runtime features document (runtime-spec features.md), built from the
 * same tables the runtime applies (namespaces, capabilities, seccomp names,
 * mount options, hooks) and narrowed to what this kernel and libseccomp accept
 * (seccomp actions, flags and architectures), so an engine reading it learns
 * what a config may ask of this installation. The text is indented JSON
 * (malloc'd), without a final newline.
 */
char *rr_features_build(void);

#endif
