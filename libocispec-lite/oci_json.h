/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OCI_JSON_H
#define OCI_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "libredrun/core/error.h"

/*
 * A small JSON tree, built from yajl's event parser so that syntax errors can
 * be reported with a line and column, numbers keep their text (uint64 values
 * above INT64_MAX survive) and objects keep document order. Duplicate keys are
 * folded at parse time: the last value wins at the position of the first, as
 * Go's encoding/json (and so runc) behaves.
 */
enum oci_json_kind {
  OCI_JSON_NULL,
  OCI_JSON_FALSE,
  OCI_JSON_TRUE,
  OCI_JSON_NUMBER,
  OCI_JSON_STRING,
  OCI_JSON_ARRAY,
  OCI_JSON_OBJECT,
};

struct oci_json {
  enum oci_json_kind kind;
  char *text;              /* string value or number as written, NUL-terminated */
  size_t text_len;         /* may exceed strlen(text) when the string holds \u0000 */
  char **keys;             /* object member names */
  struct oci_json **items; /* array elements, or object member values */
  size_t len;
  size_t cap;
  size_t src_start, src_end;    /* objects and arrays: their bytes in the parsed text */
  bool raw;                     /* the object at the parse's raw path: bytes only, no members */
  struct oci_json_arena *arena; /* the root's: the memory of the whole tree */
};

/*
 * Options of oci_<root>_parse_data_opts:
 * - raw_path: NULL-terminated member names from the root ({"linux",
 *   "seccomp"}): an object there is checked as JSON but neither built as a
 *   tree nor converted; its bytes in the text are [raw_start, raw_end)
 *   (raw_end 0: absent or null). A caller that only needs it sometimes
 *   parses it later. Any other value there is converted, and refused, as
 *   usual.
 * - base_path: NULL-terminated member names that prefix the paths in error
 *   messages, for a document that is a part of a larger one.
 */
struct oci_parse_opts {
  const char *const *raw_path;
  size_t raw_start, raw_end;
  const char *const *base_path;
};

/* Parse a whole document. `source` names it in errors:
 * "config.json: line 3, column 7: invalid JSON: <reason>"; NULL leaves the
 * name to the caller's context: "line 3, column 7: invalid JSON: <reason>". */
struct oci_json *oci_json_parse(const char *data, size_t len, const char *source,
                                struct rr_error **err) RR_WUR;
/* The same, with an object at raw_path (as in struct oci_parse_opts; NULL:
 * none) left as a node marked raw, with its bytes' place and no members. */
struct oci_json *oci_json_parse_raw(const char *data, size_t len, const char *source,
                                    const char *const *raw_path, struct rr_error **err) RR_WUR;
/* Frees a whole tree: j is a root returned by oci_json_parse. Strings kept
 * beyond the tree must be copied. */
void oci_json_free(struct oci_json *j);
/* "null", "boolean", "number", "string", "array" or "object" */
const char *oci_json_kind_name(enum oci_json_kind kind);

static inline void oci_json_freep(struct oci_json **j)
{
  oci_json_free(*j);
}

#endif
