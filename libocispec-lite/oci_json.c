/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "libredrun/core/util.h"
#include "oci_json.h"

/* Deeper documents are rejected: nothing in the OCI schemas nests beyond a
 * dozen levels, and freeing the tree recurses. */
#define OCI_JSON_MAX_DEPTH 256

struct builder {
  struct oci_json *root;
  struct oci_json **stack;
  size_t depth;
  char *key;
  const char *error; /* set by a callback that stops the parse */
};

void oci_json_free(struct oci_json *j)
{
  if (j == NULL)
    return;
  for (size_t i = 0; i < j->len; i++) {
    oci_json_free(j->items[i]);
    if (j->keys != NULL)
      free(j->keys[i]);
  }
  free(j->items);
  free(j->keys);
  free(j->text);
  free(j);
}

const char *oci_json_kind_name(enum oci_json_kind kind)
{
  switch (kind) {
  case OCI_JSON_NULL:
    return "null";
  case OCI_JSON_FALSE:
  case OCI_JSON_TRUE:
    return "boolean";
  case OCI_JSON_NUMBER:
    return "number";
  case OCI_JSON_STRING:
    return "string";
  case OCI_JSON_ARRAY:
    return "array";
  case OCI_JSON_OBJECT:
    return "object";
  }
  return "value";
}

static struct oci_json *node_new(enum oci_json_kind kind, const char *text, size_t len)
{
  struct oci_json *j = rr_xcalloc(1, sizeof(*j));
  j->kind = kind;
  if (text != NULL) {
    j->text = rr_xmalloc(len + 1);
    memcpy(j->text, text, len);
    j->text[len] = '\0';
    j->text_len = len;
  }
  return j;
}

static int add(struct builder *b, struct oci_json *j)
{
  if (b->depth == 0) {
    b->root = j;
  } else {
    struct oci_json *parent = b->stack[b->depth - 1];
    if (parent->len == parent->cap) {
      parent->cap = parent->cap ? parent->cap * 2 : 4;
      parent->items = rr_xrealloc(parent->items, parent->cap * sizeof(*parent->items));
      if (parent->kind == OCI_JSON_OBJECT)
        parent->keys = rr_xrealloc(parent->keys, parent->cap * sizeof(*parent->keys));
    }
    if (parent->kind == OCI_JSON_OBJECT)
      parent->keys[parent->len] = steal_ptr(b->key);
    parent->items[parent->len++] = j;
  }
  if (j->kind == OCI_JSON_ARRAY || j->kind == OCI_JSON_OBJECT) {
    if (b->depth == OCI_JSON_MAX_DEPTH) {
      b->error = "nesting is too deep";
      return 0;
    }
    b->stack[b->depth++] = j;
  }
  return 1;
}

static int on_null(void *ctx)
{
  return add(ctx, node_new(OCI_JSON_NULL, NULL, 0));
}

static int on_boolean(void *ctx, int value)
{
  return add(ctx, node_new(value ? OCI_JSON_TRUE : OCI_JSON_FALSE, NULL, 0));
}

static int on_number(void *ctx, const char *s, size_t len)
{
  return add(ctx, node_new(OCI_JSON_NUMBER, s, len));
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
  return add(ctx, node_new(OCI_JSON_STRING, (const char *)s, len));
}

static int on_start_map(void *ctx)
{
  return add(ctx, node_new(OCI_JSON_OBJECT, NULL, 0));
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
  struct builder *b = ctx;
  if (memchr(s, '\0', len) != NULL) {
    b->error = "object key contains a NUL character";
    return 0;
  }
  free(b->key);
  b->key = rr_xmalloc(len + 1);
  memcpy(b->key, s, len);
  b->key[len] = '\0';
  return 1;
}

struct member {
  const char *key;
  size_t pos;
};

static int member_cmp(const void *a, const void *b)
{
  const struct member *x = a, *y = b;
  int r = strcmp(x->key, y->key);
  if (r != 0)
    return r;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Fold repeated keys: the last value moves to the first key's position. */
static void fold_duplicates(struct oci_json *o)
{
  if (o->len < 2)
    return;
  _cleanup_free_ struct member *m = rr_xmalloc(o->len * sizeof(*m));
  for (size_t i = 0; i < o->len; i++)
    m[i] = (struct member){o->keys[i], i};
  qsort(m, o->len, sizeof(*m), member_cmp);
  bool folded = false;
  for (size_t i = 0; i < o->len;) {
    size_t end = i + 1;
    while (end < o->len && strcmp(m[end].key, m[i].key) == 0)
      end++;
    if (end - i > 1) {
      size_t first = m[i].pos;
      size_t last = m[end - 1].pos;
      oci_json_free(o->items[first]);
      o->items[first] = o->items[last];
      o->items[last] = NULL;
      for (size_t k = i + 1; k < end; k++) {
        size_t p = m[k].pos;
        oci_json_free(o->items[p]);
        o->items[p] = NULL;
        free(o->keys[p]);
        o->keys[p] = NULL;
      }
      folded = true;
    }
    i = end;
  }
  if (!folded)
    return;
  size_t n = 0;
  for (size_t i = 0; i < o->len; i++) {
    if (o->keys[i] == NULL)
      continue;
    o->keys[n] = o->keys[i];
    o->items[n++] = o->items[i];
  }
  o->len = n;
}

static int on_end_map(void *ctx)
{
  struct builder *b = ctx;
  fold_duplicates(b->stack[--b->depth]);
  return 1;
}

static int on_start_array(void *ctx)
{
  return add(ctx, node_new(OCI_JSON_ARRAY, NULL, 0));
}

static int on_end_array(void *ctx)
{
  struct builder *b = ctx;
  b->depth--;
  return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

static int syntax_error(struct rr_error **err, const char *source, const char *data, size_t len,
                        size_t offset, const char *reason)
{
  if (offset > len)
    offset = len;
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; i++) {
    if (data[i] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  return rr_fail(err, RR_ERR_INVALID, 0, "%s%sline %zu, column %zu: invalid JSON: %s",
                 source ? source : "", source ? ": " : "", line, col, reason);
}

/* yajl's own reason, without its trailing period and newline */
static int yajl_error(struct rr_error **err, yajl_handle h, const char *source, const char *data,
                      size_t len, size_t offset)
{
  unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)data, len);
  _cleanup_free_ char *reason = rr_xstrdup(msg != NULL ? (const char *)msg : "parse error");
  if (msg != NULL)
    yajl_free_error(h, msg);
  size_t n = strlen(reason);
  while (n > 0 && (reason[n - 1] == '\n' || reason[n - 1] == '.' || reason[n - 1] == ' '))
    reason[--n] = '\0';
  return syntax_error(err, source, data, len, offset, reason);
}

struct oci_json *oci_json_parse(const char *data, size_t len, const char *source,
                                struct rr_error **err)
{
  struct builder b = {0};
  b.stack = rr_xcalloc(OCI_JSON_MAX_DEPTH, sizeof(*b.stack));
  yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
  if (h == NULL) {
    free(b.stack);
    rr_fail(err, RR_ERR_SYSTEM, 0, "%s: cannot allocate the JSON parser", source ? source : "JSON");
    return NULL;
  }
  int r = 0;
  yajl_status st = yajl_parse(h, (const unsigned char *)data, len);
  size_t offset = yajl_get_bytes_consumed(h);
  if (st == yajl_status_ok) {
    st = yajl_complete_parse(h);
    offset = len;
  }
  if (st == yajl_status_client_canceled)
    r = syntax_error(err, source, data, len, offset, b.error);
  else if (st != yajl_status_ok)
    r = yajl_error(err, h, source, data, len, offset);
  else if (b.root == NULL)
    r = syntax_error(err, source, data, len, len, "empty document");
  yajl_free(h);
  free(b.stack);
  free(b.key);
  if (r < 0) {
    oci_json_free(b.root);
    return NULL;
  }
  return b.root;
}
