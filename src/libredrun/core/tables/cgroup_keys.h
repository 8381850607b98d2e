/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TABLES_CGROUP_KEYS_H
#define RR_TABLES_CGROUP_KEYS_H

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * The cgroup v2 interface files redrun knows: which controller owns each one
 * and what a valid value looks like. The runtime checks linux.resources.unified
 * with it before touching the system; rp2oci maps red-pak's `cgroups:` keys
 * with it, so what the converter accepts is what the runtime writes.
 */
enum rr_cg_syntax {
  RR_CG_BYTES,     /* "max" or N with an optional K/M/G/T/P/E suffix (kernel memparse) */
  RR_CG_INT,       /* integer in [min, max] */
  RR_CG_INT_MAX,   /* "max" or an integer in [min, max] */
  RR_CG_CPU_MAX,   /* "QUOTA [PERIOD]": QUOTA "max" or >= 1000, PERIOD 1000..1000000 */
  RR_CG_LIST,      /* cpu/node list "0-3,5" (empty allowed) */
  RR_CG_PARTITION, /* member | root | isolated */
  RR_CG_IO_WEIGHT, /* "[default ]N" or "MAJ:MIN N" lines, N in [min, max] */
  RR_CG_IO_KV,     /* "MAJ:MIN key=value..." lines, keys from the entry's list */
  RR_CG_NAMED_KV,  /* "NAME key=value..." lines (rdma.max) */
  RR_CG_NAMED_INT, /* "NAME N|max" lines (misc.max) */
  RR_CG_PERCENT,   /* "max" or a decimal 0..100 with at most two decimals (uclamp) */
};

/* Flags */
#define RR_CG_ROOT_ONLY 0x1 /* exists only in the root cgroup (io.cost.*) */
#define RR_CG_READONLY 0x2  /* statistics: never written */

struct rr_cg_key {
  const char *file;       /* "memory.max"; patterns: "hugetlb.<size>.max" */
  const char *controller; /* "memory", "cpu", ...; "cgroup" for core files */
  enum rr_cg_syntax syntax;
  long long min, max;         /* RR_CG_INT, RR_CG_INT_MAX, RR_CG_IO_WEIGHT */
  const char *const *kv_keys; /* RR_CG_IO_KV, RR_CG_NAMED_KV: accepted keys */
  unsigned flags;
  /* red-pak's `cgroups: SECTION: KEY` for this file, NULL when none */
  const char *redpak_section, *redpak_key;
};

/* The entry for a cgroup file name ("memory.max", "hugetlb.2MB.max"); NULL
 * when redrun does not know it. */
const struct rr_cg_key *rr_cg_key_lookup(const char *file);
/* The entry behind red-pak's `cgroups: SECTION: KEY` ("mem", "swap_max"). */
const struct rr_cg_key *rr_cg_key_lookup_redpak(const char *section, const char *key);
/* Check VALUE against FILE's syntax. Fails (RR_ERR_INVALID) on an unknown file,
 * a read-only file or a bad value; the message names the file and the value
 * (callers prefix the config path). One trailing newline is tolerated. */
int rr_cg_value_validate(const char *file, const char *value, struct rr_error **err) RR_WUR;
/* Check that NAME has the shape of a cgroup interface file a container may
 * write: "<controller>.<name>", no '/', not one of the files the runtime
 * itself manages (cgroup.procs, cgroup.subtree_control, cgroup.freeze...). */
int rr_cg_name_validate(const char *name, struct rr_error **err) RR_WUR;
/* Byte value as the kernel's memparse reads it; -1 for a bad one, and
 * *is_max for "max". */
int rr_cg_parse_bytes(const char *value, unsigned long long *out, int *is_max);

/* Pure checks of linux.resources (no system access): ranges and syntaxes,
 * unified keys must be valid file names with valid values. NULL is valid. */
int rr_resources_validate(const oci_linux_resources *r, struct rr_error **err) RR_WUR;
/* What cgroup v2 cannot honour, refused with the field's path: real-time
 * budgets, kernel memory, swappiness, disabling the OOM killer, blkio leaf
 * weights, net_cls/net_prio. Called by the runtime before it creates a cgroup
 * (the config itself is valid OCI, so rr_spec_validate does not refuse it). */
int rr_resources_check_v2(const oci_linux_resources *r, struct rr_error **err) RR_WUR;

#endif
