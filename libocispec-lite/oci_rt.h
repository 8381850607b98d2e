/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OCI_RT_H
#define OCI_RT_H

/*
 * Table-driven engine behind the generated oci_types.c. The generator turns
 * each schema definition into a struct and a table of field descriptors; the
 * functions here parse, generate and free any such struct by walking its
 * table, so no per-field code is written by hand. Internal to libocispec-lite.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libredrun/core/error.h"

enum oci_rt_kind {
  OCI_RT_STRING = 1,
  OCI_RT_BOOL,
  OCI_RT_INT,        /* signed, `width` bytes */
  OCI_RT_UINT,       /* unsigned, `width` bytes */
  OCI_RT_OBJECT,     /* pointer to a struct described by `type` */
  OCI_RT_STRING_MAP, /* oci_string_map * */
  OCI_RT_OBJECT_MAP, /* oci_<type>_map *, same layout as oci_string_map */
};

struct oci_rt_type;

struct oci_rt_field {
  const char *json; /* the JSON key */
  unsigned char kind;
  unsigned char width; /* integer size in bytes */
  bool array;          /* a list of `kind` values: pointer + _len + _present */
  bool required;
  const char *range; /* integer bound in messages: "uint32", "int32, minimum 1" */
  int64_t min, max;  /* bounds of OCI_RT_INT */
  uint64_t umin, umax;
  size_t offset;         /* the value, or the array pointer */
  size_t present_offset; /* bool <name>_present, for scalars and arrays */
  size_t len_offset;     /* size_t <name>_len, for arrays */
  const struct oci_rt_type *type;
};

struct oci_rt_type {
  const char *name; /* C type without the oci_ prefix */
  size_t size;
  const struct oci_rt_field *fields;
  size_t nfields;
};

struct oci_parse_opts;
void *oci_rt_parse_data_opts(const struct oci_rt_type *t, const char *json, size_t len,
                             const char *source, struct oci_parse_opts *opts,
                             struct rr_error **err) RR_WUR;
void *oci_rt_parse_data(const struct oci_rt_type *t, const char *json, size_t len,
                        const char *source, struct rr_error **err) RR_WUR;
/* Errors name the file by its base name, as users see it in their bundle. */
void *oci_rt_parse_file(const struct oci_rt_type *t, const char *path,
                        struct rr_error **err) RR_WUR;
char *oci_rt_generate(const struct oci_rt_type *t, const void *v, bool pretty,
                      struct rr_error **err) RR_WUR;
void oci_rt_free(const struct oci_rt_type *t, void *v);
/* Free an oci_<t>_map whose values are structs of type t. */
void oci_rt_free_map(const struct oci_rt_type *t, void *map);

#endif
