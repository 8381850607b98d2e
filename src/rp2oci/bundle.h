/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RP2OCI_BUNDLE_H
#define RP2OCI_BUNDLE_H

#include "rp2oci/rp2oci.h"

/* Remove a previous OUT_DIR/config.json so a failed conversion leaves none. */
int rp_bundle_clear(const char *bundle);

/* Create the bundle directory, the root skeleton (mount points, Symlink
 * exports), redpak-files/N, then config.json (temp file + rename, last).
 * rootfs NULL = OUT_DIR/rootfs. */
int rp_bundle_write(const struct rp_plan *plan, const char *bundle, const char *rootfs,
                    const char *json, struct rr_error **err) RR_WUR;

#endif
