/* SPDX-License-Identifier: Apache-2.0 */
/* core/json: the writer's exact text (the json-c output redrun printed
 * before, checked against json-c 0.16 when the writer replaced it) and the
 * typed reads of parsed documents. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/json.h"
#include "libredrun/core/util.h"
#include "tests/unit/tap.h"

/* {"e":{},"a":[],"arr":[{},[],{"x":INT64_MIN}],"u":UINT64_MAX,"t":true,"n":null,"s":null} */
static char *sample(bool pretty)
{
  struct rr_json g;
  rr_json_init(&g, pretty);
  rr_json_open_object(&g, NULL);
  rr_json_open_object(&g, "e");
  rr_json_close(&g);
  rr_json_open_array(&g, "a");
  rr_json_close(&g);
  rr_json_open_array(&g, "arr");
  rr_json_open_object(&g, NULL);
  rr_json_close(&g);
  rr_json_open_array(&g, NULL);
  rr_json_close(&g);
  rr_json_open_object(&g, NULL);
  rr_json_add_int(&g, "x", INT64_MIN);
  rr_json_close(&g);
  rr_json_close(&g);
  rr_json_add_uint(&g, "u", UINT64_MAX);
  rr_json_add_bool(&g, "t", true);
  rr_json_add_null(&g, "n");
  rr_json_add_string(&g, "s", NULL);
  rr_json_close(&g);
  return rr_json_finish(&g);
}

static void test_layout(void)
{
  _cleanup_free_ char *compact = sample(false);
  TAP_STR_EQ(compact,
             "{\"e\":{},\"a\":[],\"arr\":[{},[],{\"x\":-9223372036854775808}],"
             "\"u\":18446744073709551615,\"t\":true,\"n\":null,\"s\":null}",
             "compact: no spaces, empty containers as {} and []");
  _cleanup_free_ char *pretty = sample(true);
  TAP_STR_EQ(pretty,
             "{\n"
             "  \"e\": {\n"
             "  },\n"
             "  \"a\": [\n"
             "  ],\n"
             "  \"arr\": [\n"
             "    {\n"
             "    },\n"
             "    [\n"
             "    ],\n"
             "    {\n"
             "      \"x\": -9223372036854775808\n"
             "    }\n"
             "  ],\n"
             "  \"u\": 18446744073709551615,\n"
             "  \"t\": true,\n"
             "  \"n\": null,\n"
             "  \"s\": null\n"
             "}",
             "pretty: two spaces a level, closing brackets on their own line");

  struct rr_json g;
  rr_json_init(&g, false);
  rr_json_open_array(&g, NULL);
  rr_json_add_int(&g, NULL, INT64_MAX);
  rr_json_add_int(&g, NULL, -1);
  rr_json_add_uint(&g, NULL, 0);
  rr_json_add_bool(&g, NULL, false);
  rr_json_close(&g);
  _cleanup_free_ char *ints = rr_json_finish(&g);
  TAP_STR_EQ(ints, "[9223372036854775807,-1,0,false]", "int64 and uint64 limits exact");
  TAP_OK(g.buf == NULL && g.open == NULL, "finish leaves the writer empty");

  oci_string_map *m = NULL;
  oci_string_map_set(&m, "z", "1");
  oci_string_map_set(&m, "a", "2");
  rr_json_init(&g, false);
  rr_json_add_string_map(&g, NULL, m);
  _cleanup_free_ char *map = rr_json_finish(&g);
  TAP_STR_EQ(map, "{\"z\":\"1\",\"a\":\"2\"}", "a string map keeps its order");
  oci_string_map_free(m);
}

static void test_escaping(void)
{
  struct rr_json g;
  rr_json_init(&g, false);
  rr_json_open_object(&g, NULL);
  rr_json_add_string(&g, "q\"b\\", "\b\f\n\r\t");
  rr_json_add_string(&g, "ctl", "\x01\x0b\x1a\x1f");
  rr_json_add_string(&g, "raw", "/ \x7f \xc3\xa9 \xe2\x82\xac \xff");
  rr_json_close(&g);
  _cleanup_free_ char *s = rr_json_finish(&g);
  TAP_STR_EQ(s,
             "{\"q\\\"b\\\\\":\"\\b\\f\\n\\r\\t\","
             "\"ctl\":\"\\u0001\\u000b\\u001a\\u001f\","
             "\"raw\":\"/ \x7f \xc3\xa9 \xe2\x82\xac \xff\"}",
             "quote and backslash escaped, named escapes, \\u00xx lowercase; "
             "/, DEL and UTF-8 (even invalid) as given");
}

static void test_tree(void)
{
  /* numbers keep their text, strings their \u0000 */
  static const char doc[] = "{\"n\":[1e3,-0,18446744073709551616,0.5],\"s\":\"a\\u0000b\","
                            "\"o\":{},\"a\":[],\"t\":true,\"f\":false,\"z\":null}";
  struct oci_json *j = oci_json_parse(doc, strlen(doc), "doc", NULL);
  TAP_OK(j != NULL, "parse");
  if (j == NULL)
    return;
  struct rr_json g;
  rr_json_init(&g, false);
  rr_json_add_tree(&g, NULL, j);
  _cleanup_free_ char *back = rr_json_finish(&g);
  TAP_STR_EQ(back, doc, "a parsed document is written back unchanged");
  oci_json_free(j);
}

/* The tree's memory comes in blocks: a string larger than a block, arrays
 * that grow past many blocks and folded duplicate keys must all read back. */
static void test_tree_large(void)
{
  size_t big = 100000, n = 3000;
  char *doc = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&doc, &len);
  fputs("{\"dup\":1,\"long\":\"", f);
  for (size_t i = 0; i < big; i++)
    fputc('a' + (int)(i % 26), f);
  fputs("\",\"list\":[", f);
  for (size_t i = 0; i < n; i++)
    fprintf(f, "%s{\"k%zu\":\"v%zu\"}", i ? "," : "", i % 7, i);
  fputs("],\"dup\":\"last\"}", f);
  fclose(f);
  struct oci_json *j = oci_json_parse(doc, len, "doc", NULL);
  TAP_OK(j != NULL && j->len == 3, "parse: 3 members after folding the duplicate");
  if (j == NULL) {
    free(doc);
    return;
  }
  const char *s = NULL;
  TAP_OK(rr_json_get_string(j, "dup", &s, NULL) == 1 && strcmp(s, "last") == 0 &&
             strcmp(j->keys[0], "dup") == 0,
         "a repeated key keeps the last value at the first position");
  TAP_OK(rr_json_get_string(j, "long", &s, NULL) == 1 && strlen(s) == big && s[0] == 'a' &&
             s[big - 1] == (char)('a' + (big - 1) % 26),
         "a string larger than a block");
  const struct oci_json *list = rr_json_member(j, "list");
  bool ok = list != NULL && list->kind == OCI_JSON_ARRAY && list->len == n;
  for (size_t i = 0; ok && i < n; i++) {
    char k[16], v[16];
    snprintf(k, sizeof(k), "k%zu", i % 7);
    snprintf(v, sizeof(v), "v%zu", i);
    ok = rr_json_get_string(list->items[i], k, &s, NULL) == 1 && strcmp(s, v) == 0;
  }
  TAP_OK(ok, "%zu objects in a growing array read back in order", n);
  oci_json_free(j);
  free(doc);
}

static void test_getters(void)
{
  static const char doc[] =
      "{\"s\":\"v\",\"nul\":\"a\\u0000\",\"i\":-9223372036854775808,\"big\":9223372036854775808,"
      "\"u\":18446744073709551615,\"ubig\":18446744073709551616,\"neg\":-1,\"mz\":-0,"
      "\"f\":1.5,\"e\":1e3,\"b\":true,\"z\":null,\"o\":{\"k\":1}}";
  struct rr_error *err = NULL;
  struct oci_json *j = oci_json_parse(doc, strlen(doc), "doc", &err);
  TAP_OK(j != NULL, "parse");
  if (j == NULL)
    return;
  const char *s = NULL;
  int64_t i = 7;
  uint64_t u = 7;
  bool b = false;

  TAP_OK(rr_json_get_string(j, "s", &s, &err) == 1 && strcmp(s, "v") == 0, "string");
  TAP_OK(rr_json_get_string(j, "missing", &s, &err) == 0, "absent is 0");
  TAP_OK(rr_json_get_string(j, "z", &s, &err) == 0, "null is absent");
  TAP_OK(rr_json_get_string(j, "i", &s, &err) == -1, "a number is not a string");
  TAP_STR_EQ(err ? err->msg : NULL, "`i`: expected string, got number", "named wrong type");
  rr_error_clear(&err);
  TAP_OK(rr_json_get_string(j, "nul", &s, &err) == -1, "a string holding \\u0000 is refused");
  TAP_STR_EQ(err ? err->msg : NULL, "`nul`: string contains a NUL character", "nul message");
  rr_error_clear(&err);

  TAP_OK(rr_json_get_int(j, "i", &i, &err) == 1 && i == INT64_MIN, "INT64_MIN");
  TAP_OK(rr_json_get_int(j, "big", &i, &err) == -1, "INT64_MAX + 1 refused");
  TAP_STR_EQ(err ? err->msg : NULL, "`big`: 9223372036854775808 is out of range for int64",
             "range message");
  rr_error_clear(&err);
  TAP_OK(rr_json_get_int(j, "f", &i, &err) == -1 && rr_json_get_int(j, "e", &i, NULL) == -1,
         "1.5 and 1e3 are not integers");
  TAP_STR_EQ(err ? err->msg : NULL, "`f`: expected integer, got 1.5", "fraction message");
  rr_error_clear(&err);
  TAP_OK(rr_json_get_int(j, "s", &i, NULL) == -1, "a string is not an integer");

  TAP_OK(rr_json_get_uint(j, "u", &u, &err) == 1 && u == UINT64_MAX, "UINT64_MAX");
  TAP_OK(rr_json_get_uint(j, "ubig", &u, NULL) == -1, "UINT64_MAX + 1 refused");
  TAP_OK(rr_json_get_uint(j, "neg", &u, &err) == -1, "-1 refused as uint64");
  TAP_STR_EQ(err ? err->msg : NULL, "`neg`: -1 is out of range for uint64", "sign message");
  rr_error_clear(&err);
  TAP_OK(rr_json_get_uint(j, "mz", &u, &err) == 1 && u == 0, "-0 is 0");

  TAP_OK(rr_json_get_bool(j, "b", &b, &err) == 1 && b, "boolean");
  TAP_OK(rr_json_get_bool(j, "s", &b, NULL) == -1, "a string is not a boolean");
  TAP_OK(rr_json_get_bool(j, "missing", &b, NULL) == 0, "absent boolean");

  const struct oci_json *o = rr_json_member(j, "o");
  TAP_OK(o != NULL && rr_json_get_int(o, "k", &i, NULL) == 1 && i == 1, "nested member");
  TAP_OK(rr_json_member(rr_json_member(j, "s"), "k") == NULL &&
             rr_json_get_string(NULL, "k", &s, NULL) == 0,
         "members of a non-object or of NULL are absent");
  oci_json_free(j);
}

/* Same result with and without a raw path: both parse or both fail with
 * the same message. */
static bool same_outcome(const char *doc, size_t len, const char *const *path)
{
  struct rr_error *e1 = NULL, *e2 = NULL;
  struct oci_json *a = oci_json_parse(doc, len, "d", &e1);
  struct oci_json *b = oci_json_parse_raw(doc, len, "d", path, &e2);
  bool same =
      (a == NULL) == (b == NULL) && (a != NULL || (e1 && e2 && strcmp(e1->msg, e2->msg) == 0));
  oci_json_free(a);
  oci_json_free(b);
  rr_error_free(e1);
  rr_error_free(e2);
  return same;
}

/* An object at the raw path is a node with its bytes' place and no
 * members; the same name elsewhere, or a value that is not an object, is
 * built as usual; errors inside it are those of the whole parse. */
static void test_raw_path(void)
{
  static const char *const path[] = {"linux", "seccomp", NULL};
  static const char doc[] = "{\"seccomp\":{\"a\":1},\"linux\":{\"x\":[{\"seccomp\":{}}],"
                            "\"seccomp\": {\"d\":[1,{\"e\":[]}],\"s\":\"\\u00e9\"} ,\"y\":2}}";
  struct oci_json *j = oci_json_parse_raw(doc, strlen(doc), "d", path, NULL);
  const struct oci_json *top = rr_json_member(j, "seccomp"), *linux = rr_json_member(j, "linux");
  const struct oci_json *raw = rr_json_member(linux, "seccomp");
  const struct oci_json *nested =
      linux && rr_json_member(linux, "x")
          ? rr_json_member(rr_json_member(linux, "x")->items[0], "seccomp")
          : NULL;
  TAP_OK(raw != NULL && raw->raw && raw->len == 0 && raw->kind == OCI_JSON_OBJECT,
         "the object at linux.seccomp is raw, without members");
  _cleanup_free_ char *bytes =
      raw ? strndup(doc + raw->src_start, raw->src_end - raw->src_start) : NULL;
  TAP_STR_EQ(bytes, "{\"d\":[1,{\"e\":[]}],\"s\":\"\\u00e9\"}", "its bytes are located");
  TAP_OK(top != NULL && !top->raw && top->len == 1 && nested != NULL && !nested->raw,
         "the same name elsewhere is built as usual");
  int64_t y = 0;
  TAP_OK(rr_json_get_int(linux, "y", &y, NULL) == 1 && y == 2, "members after it are built");
  oci_json_free(j);

  static const char num[] = "{\"linux\":{\"seccomp\":[1]}}";
  j = oci_json_parse_raw(num, strlen(num), "d", path, NULL);
  raw = rr_json_member(rr_json_member(j, "linux"), "seccomp");
  TAP_OK(raw != NULL && !raw->raw && raw->len == 1, "an array there is built as usual");
  oci_json_free(j);

  static const char *const bad[] = {
      "{\"linux\":{\"seccomp\":{\"a\":tru}}}",
      "{\"linux\":{\"seccomp\":{\"a\\u0000\":1}}}",
      "{\"linux\":{\"seccomp\":{\"a\":\"\xff\"}}}",
      "{\"linux\":{\"seccomp\":{\"a\":[1,]}}}",
      "{\"linux\":{\"seccomp\":{}},\"linux\":{\"seccomp\":{\"a\":1}}}",
  };
  bool all = true;
  for (size_t i = 0; i < RR_ARRAY_SIZE(bad); i++)
    all &= same_outcome(bad[i], strlen(bad[i]), path);
  TAP_OK(all, "syntax errors, NUL keys and bad UTF-8 inside it: the messages of a plain parse");

  /* the nesting limit counts the levels inside it: 3 + depth levels */
  bool limits = true, refused = false;
  for (int depth = 250; depth <= 256; depth++) {
    _cleanup_free_ char *deep = rr_xmalloc(64 + 2 * (size_t)depth);
    int n = sprintf(deep, "{\"linux\":{\"seccomp\":{\"a\":");
    for (int k = 0; k < depth; k++)
      deep[n++] = '[';
    for (int k = 0; k < depth; k++)
      deep[n++] = ']';
    n += sprintf(deep + n, "}}}");
    limits &= same_outcome(deep, (size_t)n, path);
    struct oci_json *t = oci_json_parse_raw(deep, (size_t)n, "d", path, NULL);
    refused |= t == NULL;
    oci_json_free(t);
  }
  TAP_OK(limits && refused, "the nesting limit is the same inside it");
}

static void test_parse_errors(void)
{
  struct rr_error *err = NULL;
  TAP_OK(oci_json_parse("{\"a\":\n 1,}", 10, NULL, &err) == NULL && err != NULL, "syntax error");
  TAP_OK(err && strncmp(err->msg, "line 2, column 5: invalid JSON: ", 32) == 0,
         "without a source the message starts at the line: %s", err ? err->msg : "");
  rr_error_clear(&err);
  TAP_OK(oci_json_parse("[1", 2, "f.json", &err) == NULL && err &&
             strncmp(err->msg, "f.json: line 1, column 3: invalid JSON: ", 40) == 0,
         "with a source it is named first: %s", err ? err->msg : "");
  rr_error_clear(&err);
}

int main(void)
{
  test_layout();
  test_escaping();
  test_tree();
  test_tree_large();
  test_getters();
  test_parse_errors();
  test_raw_path();
  return tap_done();
}
