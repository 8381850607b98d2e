/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_JSON_H
#define RR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libredrun/core/error.h"
#include "oci_json.h"
#include "oci_types.h"

/*
 * The JSON redrun prints and keeps (state, list, events, ps, features, the
 * json log, state.json, the seccomp agent's payload), written without a
 * second JSON library: yajl parses (oci_json_parse), this writes.
 *
 * The text is what engines and scripts have seen from redrun since its first
 * release, byte for byte: members in the order written; strings with `"` and
 * `\` escaped, \b \f \n \r \t by name and other control characters as \u00xx
 * (lowercase hex); every other byte as given (UTF-8 passes through, unchecked,
 * and `/` is not escaped); integers exact (int64 and uint64, never a double).
 * Pretty output puts each member and element on its own line, indented two
 * spaces a level, `"key": value`, and an empty container as "{" newline "}".
 *
 * Each value call takes the member name: `key` inside an object, NULL for an
 * array element or the top value. Nesting mistakes are the caller's bug and
 * are not diagnosed.
 */
struct rr_json_level;

struct rr_json {
  char *buf; /* NUL-terminated */
  size_t len, cap;
  bool pretty;
  struct rr_json_level *open; /* the containers not closed yet, innermost last */
  size_t depth, open_cap;
};

void rr_json_init(struct rr_json *g, bool pretty);
void rr_json_open_object(struct rr_json *g, const char *key);
void rr_json_open_array(struct rr_json *g, const char *key);
/* Close the innermost open object or array. */
void rr_json_close(struct rr_json *g);
/* A NULL string is written as null. */
void rr_json_add_string(struct rr_json *g, const char *key, const char *s);
void rr_json_add_int(struct rr_json *g, const char *key, int64_t v);
void rr_json_add_uint(struct rr_json *g, const char *key, uint64_t v);
void rr_json_add_bool(struct rr_json *g, const char *key, bool v);
void rr_json_add_null(struct rr_json *g, const char *key);
/* An object of strings (annotations), in the map's order. */
void rr_json_add_string_map(struct rr_json *g, const char *key, const oci_string_map *m);
/* A parsed value, written back as it was read (numbers as written, strings
 * whole even with a \u0000 inside). */
void rr_json_add_tree(struct rr_json *g, const char *key, const struct oci_json *j);
/* The document written so far (malloc'd; the caller frees it); g is freed. */
char *rr_json_finish(struct rr_json *g);
/* Drop the document (after a failure midway). */
void rr_json_free(struct rr_json *g);

/*
 * Typed members of a parsed object. Each returns 1 with *out set when `key`
 * is there, 0 when it is absent or null (*out untouched), and -1 naming the
 * member when it has another type: "`pid`: expected integer, got string",
 * "`start_time`: 18446744073709551616 is out of range for uint64". Strings
 * holding a NUL (\u0000) are refused too. `o` not an object: all absent.
 */
const struct oci_json *rr_json_member(const struct oci_json *o, const char *key);
int rr_json_get_string(const struct oci_json *o, const char *key, const char **out,
                       struct rr_error **err) RR_WUR;
int rr_json_get_int(const struct oci_json *o, const char *key, int64_t *out,
                    struct rr_error **err) RR_WUR;
int rr_json_get_uint(const struct oci_json *o, const char *key, uint64_t *out,
                     struct rr_error **err) RR_WUR;
int rr_json_get_bool(const struct oci_json *o, const char *key, bool *out,
                     struct rr_error **err) RR_WUR;

#endif
