/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RP2OCI_SCHEMA_H
#define RP2OCI_SCHEMA_H

/* Table-driven description of red-pak's YAML files: what libcyaml's schema is
 * to red-pak, these tables are to rp2oci's decoder (yaml_load.c). */

#include <stddef.h>

enum rp_ftype {
  RP_F_STR,    /* char *: any scalar, text kept */
  RP_F_INT,    /* long: strtol(text, 0) */
  RP_F_UINT,   /* unsigned long long: strtoull(text, 0) */
  RP_F_BOOL,   /* long: false/no/off/disable/0 -> 0, anything else -> 1 */
  RP_F_ENUM,   /* int: index in `names` */
  RP_F_IGNORE, /* accepted, any shape, dropped */
  RP_F_MAP,    /* pointer to a `sub` struct */
  RP_F_SEQ,    /* array of `sub` structs at off, size_t count at count_off */
  RP_F_STRSEQ, /* char **: a sequence of scalars, size_t count at count_off */
};

#define RP_F_REQUIRED 1u
#define RP_F_CASE_SENSITIVE 2u /* enum values compared exactly */

struct rp_field {
  const char *key;
  enum rp_ftype type;
  unsigned flags;
  size_t off;
  const struct rp_schema *sub;
  size_t count_off;
  const char *const *names; /* NULL-terminated */
};

struct rp_schema {
  size_t size; /* of the struct one mapping decodes into; it starts with `int line` */
  const struct rp_field *fields; /* terminated by key == NULL */
};

#endif
