/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "libredrun/core/util.h"
#include "oci_json.h"

/* Deeper documents are rejected: nothing in the OCI schemas nests beyond a
 * dozen levels, and the typed conversion and the writer recurse. */
#define OCI_JSON_MAX_DEPTH 256

/*
 * Every node, array and string of a tree is carved from a few large blocks
 * that the root owns and frees at once. With one malloc per node, per string
 * and per key, podman's 16 KB config (≈ 800 values) spent half its parse time
 * in malloc and free. Callers that keep a string copy it.
 */
struct oci_json_arena {
  struct oci_json_arena *next;
  size_t used, size;
  max_align_t data[];
};

#define ARENA_FIRST_BLOCK 8192

static void *arena_alloc(struct oci_json_arena **a, size_t n)
{
  n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
  struct oci_json_arena *b = *a;
  if (b == NULL || b->size - b->used < n) {
    size_t size = b != NULL ? b->size * 2 : ARENA_FIRST_BLOCK;
    while (size < n)
      size *= 2;
    struct oci_json_arena *nb = rr_xmalloc(sizeof(*nb) + size);
    *nb = (struct oci_json_arena){.next = b, .size = size};
    *a = b = nb;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  return p;
}

static void arena_free(struct oci_json_arena *a)
{
  while (a != NULL) {
    struct oci_json_arena *next = a->next;
    free(a);
    a = next;
  }
}

static char *arena_strndup(struct oci_json_arena **a, const char *s, size_t len)
{
  char *t = arena_alloc(a, len + 1);
  memcpy(t, s, len);
  t[len] = '\0';
  return t;
}

struct builder {
  yajl_handle h; /* its consumed offset locates objects and arrays */
  struct oci_json_arena *arena;
  struct oci_json *root;
  struct oci_json **stack;
  size_t depth;
  char *key;
  const char *error; /* set by a callback that stops the parse */
  /* The raw path: how many of its names lead to stack[i] (on_path[i] ==
   * i: all so far), and, inside a raw object, how many containers are open
   * within it (yajl still checks their syntax; nothing is built). */
  const char *const *raw_path;
  size_t raw_len;
  size_t *on_path;
  size_t raw_open;
};

void oci_json_free(struct oci_json *j)
{
  if (j != NULL)
    arena_free(j->arena);
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

/* Arrays in the arena grow by copying; the old space stays unused until the
 * tree is freed (at most the final size again). */
static void *grow(struct oci_json_arena **a, void *old, size_t n, size_t cap, size_t size)
{
  void *p = arena_alloc(a, cap * size);
  if (n > 0)
    memcpy(p, old, n * size);
  return p;
}

/* Inside a raw object: only the depth is kept, and the nesting limit. */
static int skip_open(struct builder *b)
{
  /* raw_open counts the raw object itself, already on the stack */
  if (b->depth + b->raw_open - 1 == OCI_JSON_MAX_DEPTH) {
    b->error = "nesting is too deep";
    return 0;
  }
  b->raw_open++;
  return 1;
}

/* Whether a container added at the current depth under `key` (NULL: an
 * array element or the root) is on the raw path, and whether it ends it. */
static bool raw_step(const struct builder *b, const char *key, size_t *matched)
{
  size_t d = b->depth;
  *matched = 0;
  if (d == 0 || key == NULL || b->on_path[d - 1] != d - 1 || d - 1 >= b->raw_len ||
      strcmp(key, b->raw_path[d - 1]) != 0)
    return false;
  *matched = d;
  return d == b->raw_len;
}

static int add(struct builder *b, enum oci_json_kind kind, const char *text, size_t len)
{
  if (b->raw_open > 0) {
    if (kind == OCI_JSON_ARRAY || kind == OCI_JSON_OBJECT)
      return skip_open(b);
    return 1;
  }
  const char *key = b->key; /* the member's name, before the parent takes it */
  struct oci_json *j = arena_alloc(&b->arena, sizeof(*j));
  *j = (struct oci_json){.kind = kind};
  if (text != NULL) {
    j->text = arena_strndup(&b->arena, text, len);
    j->text_len = len;
  }
  if (b->depth == 0) {
    b->root = j;
  } else {
    struct oci_json *parent = b->stack[b->depth - 1];
    if (parent->len == parent->cap) {
      size_t cap = parent->cap ? parent->cap * 2 : 4;
      parent->items = grow(&b->arena, parent->items, parent->len, cap, sizeof(*parent->items));
      if (parent->kind == OCI_JSON_OBJECT)
        parent->keys = grow(&b->arena, parent->keys, parent->len, cap, sizeof(*parent->keys));
      parent->cap = cap;
    }
    if (parent->kind == OCI_JSON_OBJECT)
      parent->keys[parent->len] = steal_ptr(b->key);
    parent->items[parent->len++] = j;
  }
  if (j->kind == OCI_JSON_ARRAY || j->kind == OCI_JSON_OBJECT) {
    /* called right after the opening bracket was consumed */
    j->src_start = yajl_get_bytes_consumed(b->h) - 1;
    if (b->depth == OCI_JSON_MAX_DEPTH) {
      b->error = "nesting is too deep";
      return 0;
    }
    size_t matched = 0;
    bool raw = false;
    if (b->raw_len > 0) {
      raw = raw_step(b, key, &matched) && j->kind == OCI_JSON_OBJECT;
      b->on_path[b->depth] = matched;
    }
    b->stack[b->depth++] = j;
    if (raw) {
      j->raw = true;
      b->raw_open = 1;
    }
  }
  return 1;
}

static int on_null(void *ctx)
{
  return add(ctx, OCI_JSON_NULL, NULL, 0);
}

static int on_boolean(void *ctx, int value)
{
  return add(ctx, value ? OCI_JSON_TRUE : OCI_JSON_FALSE, NULL, 0);
}

static int on_number(void *ctx, const char *s, size_t len)
{
  return add(ctx, OCI_JSON_NUMBER, s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
  return add(ctx, OCI_JSON_STRING, (const char *)s, len);
}

static int on_start_map(void *ctx)
{
  return add(ctx, OCI_JSON_OBJECT, NULL, 0);
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
  struct builder *b = ctx;
  if (memchr(s, '\0', len) != NULL) {
    b->error = "object key contains a NUL character";
    return 0;
  }
  if (b->raw_open == 0)
    b->key = arena_strndup(&b->arena, (const char *)s, len);
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
      o->items[first] = o->items[last];
      for (size_t k = i + 1; k < end; k++) {
        o->items[m[k].pos] = NULL;
        o->keys[m[k].pos] = NULL;
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

/* Closing a container inside a raw object: true when handled here (the
 * raw object itself closes as usual, its end located). */
static bool skip_close(struct builder *b)
{
  if (b->raw_open == 0)
    return false;
  return --b->raw_open > 0;
}

static int on_end_map(void *ctx)
{
  struct builder *b = ctx;
  if (skip_close(b))
    return 1;
  struct oci_json *o = b->stack[--b->depth];
  o->src_end = yajl_get_bytes_consumed(b->h);
  fold_duplicates(o);
  return 1;
}

static int on_start_array(void *ctx)
{
  return add(ctx, OCI_JSON_ARRAY, NULL, 0);
}

static int on_end_array(void *ctx)
{
  struct builder *b = ctx;
  if (skip_close(b))
    return 1;
  b->stack[--b->depth]->src_end = yajl_get_bytes_consumed(b->h);
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
  return oci_json_parse_raw(data, len, source, NULL, err);
}

struct oci_json *oci_json_parse_raw(const char *data, size_t len, const char *source,
                                    const char *const *raw_path, struct rr_error **err)
{
  struct builder b = {.raw_path = raw_path};
  while (raw_path != NULL && raw_path[b.raw_len] != NULL)
    b.raw_len++;
  _cleanup_free_ size_t *on_path =
      b.raw_len > 0 ? rr_xcalloc(OCI_JSON_MAX_DEPTH, sizeof(*on_path)) : NULL;
  b.on_path = on_path;
  b.stack = rr_xcalloc(OCI_JSON_MAX_DEPTH, sizeof(*b.stack));
  yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
  b.h = h;
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
  if (r < 0) {
    arena_free(b.arena);
    return NULL;
  }
  b.root->arena = b.arena;
  return b.root;
}
