/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TABLES_NAMESPACES_H
#define RR_TABLES_NAMESPACES_H

#include <stddef.h>

/* The eight Linux namespaces as the OCI spec names them. */
struct rr_ns_info {
  const char *oci_name;  /* "network" */
  const char *proc_name; /* name under /proc/<pid>/ns: "net" */
  int clone_flag;        /* CLONE_NEWNET */
};

extern const struct rr_ns_info rr_ns_table[];
extern const size_t rr_ns_table_len;

/* NULL when the name is not an OCI namespace type. */
const struct rr_ns_info *rr_ns_by_oci_name(const char *name);
const struct rr_ns_info *rr_ns_by_flag(int clone_flag);

#endif
