/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TABLES_MOUNT_OPTIONS_H
#define RR_TABLES_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * The mount options runc and crun accept in config.json .mounts[].options.
 * Anything not in the table is filesystem data ("size=64k", "mode=755",
 * "lowerdir=..."), joined with commas and passed to the filesystem as is.
 */
enum rr_mopt_kind {
  RR_MOPT_FLAG,        /* an MS_* flag set or cleared on the mount */
  RR_MOPT_PROPAGATION, /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (+MS_REC) */
  RR_MOPT_RECURSIVE,   /* a MOUNT_ATTR_* applied to the whole tree with mount_setattr */
  RR_MOPT_BIND,        /* bind / rbind */
  RR_MOPT_IDMAP,       /* idmap / ridmap */
  RR_MOPT_TMPCOPYUP,   /* copy the destination's content into a new tmpfs */
};

struct rr_mount_option {
  const char *name;
  enum rr_mopt_kind kind;
  bool clear;            /* the option removes the flag/attribute ("rw", "suid", "rrw") */
  bool recursive;        /* rbind, ridmap, r* propagation */
  unsigned long ms_flag; /* RR_MOPT_FLAG, RR_MOPT_PROPAGATION */
  uint64_t attr;         /* RR_MOPT_RECURSIVE: MOUNT_ATTR_* value */
  uint64_t attr_mask;    /* RR_MOPT_RECURSIVE: the bits the value replaces */
};

/* NULL when `name` is filesystem data rather than a known option. */
const struct rr_mount_option *rr_mount_option_find(const char *name);
/* The table in order (the features document lists it); NULL past the end. */
const struct rr_mount_option *rr_mount_option_at(size_t i);

/* The parsed options of one mount. */
struct rr_mount_flags {
  unsigned long flags;       /* MS_* to set (MS_RDONLY, MS_NOSUID, MS_NOATIME...) */
  unsigned long clear;       /* MS_* explicitly cleared (rw, suid, dev, exec, atime...) */
  unsigned long propagation; /* last propagation option, with MS_REC for r* forms; 0 = none */
  uint64_t rec_attr_set;     /* mount_setattr for the whole tree */
  uint64_t rec_attr_clr;
  bool rec_atime_set;   /* an r*atime option was given (atime bits in rec_attr_set) */
  bool bind;            /* bind or rbind */
  bool recursive_bind;  /* rbind */
  bool idmap;           /* idmap or ridmap */
  bool recursive_idmap; /* ridmap */
  bool tmpcopyup;
  char *data; /* comma-joined filesystem options, NULL when none */
};

/* Parse `opts` into *out (zeroed first). Never fails: unknown names are data. */
void rr_mount_flags_parse(char *const *opts, size_t n, struct rr_mount_flags *out);
void rr_mount_flags_release(struct rr_mount_flags *f);

/* Whether the OCI mount is a bind mount: type "bind" or a bind/rbind option. */
bool rr_mount_is_bind(const oci_mount *m);

/*
 * Check every .mounts[] entry before anything is done: destination absolute,
 * a type (or bind), a source for bind mounts, idmap only on bind mounts and
 * with uid and gid mappings. Errors name the field: ".mounts[2].destination: ...".
 */
int rr_mounts_validate(const oci_config *cfg, struct rr_error **err) RR_WUR;

#endif
