/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RP2OCI_TO_OCI_H
#define RP2OCI_TO_OCI_H

#include "oci_types.h"
#include "rp2oci/rp2oci.h"

struct rp_options {
  bool admin;
  const char *redpath;
  const char *bundle;
  const char *rootfs; /* NULL: "rootfs" inside the bundle */
  char **args;        /* NULL-terminated; NULL: /bin/sh */
};

#define RP_ANN "bzh.redpesk.redpak."

/* merged chain + export plan -> a complete config.json value (§6). */
int rp_to_oci(struct rp_arena *a, const struct rp_merged *m, const struct rp_plan *plan,
              struct rp_expand_env *xenv, const struct rp_options *o, oci_config **out,
              struct rr_error **err) RR_WUR;

/* §6.9: linux.cgroupsPath, linux.resources.unified and the cgroups annotation. */
int rp_cgroups_to_oci(struct rp_arena *a, const struct rp_merged *m, struct rp_expand_env *xenv,
                      oci_config *cfg, struct rr_error **err) RR_WUR;

/* JSON string literal of s appended to b (annotations carry JSON values). */
void rp_json_str(struct rp_buf *b, const char *s);

#endif
