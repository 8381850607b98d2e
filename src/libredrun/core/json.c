/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/json.h"
#include "libredrun/core/util.h"

struct rr_json_level {
  char close; /* '}' or ']' */
  bool empty; /* nothing written in it yet */
};

void rr_json_init(struct rr_json *g, bool pretty)
{
  *g = (struct rr_json){.pretty = pretty};
  g->cap = 256;
  g->buf = rr_xmalloc(g->cap);
  g->buf[0] = '\0';
}

static void put(struct rr_json *g, const char *s, size_t n)
{
  if (g->len + n >= g->cap) {
    while (g->len + n >= g->cap)
      g->cap *= 2;
    g->buf = rr_xrealloc(g->buf, g->cap);
  }
  memcpy(g->buf + g->len, s, n);
  g->len += n;
  g->buf[g->len] = '\0';
}

static void puts_(struct rr_json *g, const char *s)
{
  put(g, s, strlen(s));
}

static void newline(struct rr_json *g, size_t level)
{
  put(g, "\n", 1);
  for (size_t i = 0; i < level; i++)
    put(g, "  ", 2);
}

static void put_string(struct rr_json *g, const char *s, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  static const char plain[] = "\"\\\b\f\n\r\t", named[] = "\"\\bfnrt";
  const char *end = s + len;
  put(g, "\"", 1);
  const char *run = s; /* bytes copied as they are, not yet written */
  for (; s < end; s++) {
    unsigned char c = (unsigned char)*s;
    const char *p = c != 0 ? memchr(plain, c, sizeof(plain) - 1) : NULL;
    char esc[7] = {'\\', p ? named[p - plain] : 'u', '0', '0', hex[c >> 4], hex[c & 0xf], '\0'};
    if (p == NULL && c >= 0x20)
      continue;
    put(g, run, (size_t)(s - run));
    put(g, esc, p ? 2 : 6);
    run = s + 1;
  }
  put(g, run, (size_t)(s - run));
  put(g, "\"", 1);
}

/* The separator, line break and member name in front of a value. */
static void begin_value(struct rr_json *g, const char *key)
{
  if (g->depth > 0) {
    struct rr_json_level *l = &g->open[g->depth - 1];
    if (!l->empty)
      put(g, ",", 1);
    l->empty = false;
    if (g->pretty)
      newline(g, g->depth);
  }
  if (key != NULL) {
    put_string(g, key, strlen(key));
    puts_(g, g->pretty ? ": " : ":");
  }
}

static void open_container(struct rr_json *g, const char *key, char open, char close)
{
  begin_value(g, key);
  put(g, &open, 1);
  if (g->depth == g->open_cap) {
    g->open_cap = g->open_cap ? g->open_cap * 2 : 8;
    g->open = rr_xrealloc(g->open, g->open_cap * sizeof(*g->open));
  }
  g->open[g->depth++] = (struct rr_json_level){.close = close, .empty = true};
}

void rr_json_open_object(struct rr_json *g, const char *key)
{
  open_container(g, key, '{', '}');
}

void rr_json_open_array(struct rr_json *g, const char *key)
{
  open_container(g, key, '[', ']');
}

void rr_json_close(struct rr_json *g)
{
  if (g->depth == 0)
    return;
  char close = g->open[--g->depth].close;
  /* empty or not, the closing bracket goes on its own line */
  if (g->pretty)
    newline(g, g->depth);
  put(g, &close, 1);
}

void rr_json_add_string(struct rr_json *g, const char *key, const char *s)
{
  begin_value(g, key);
  if (s == NULL)
    puts_(g, "null");
  else
    put_string(g, s, strlen(s));
}

void rr_json_add_int(struct rr_json *g, const char *key, int64_t v)
{
  char num[24];
  begin_value(g, key);
  snprintf(num, sizeof(num), "%" PRId64, v);
  puts_(g, num);
}

void rr_json_add_uint(struct rr_json *g, const char *key, uint64_t v)
{
  char num[24];
  begin_value(g, key);
  snprintf(num, sizeof(num), "%" PRIu64, v);
  puts_(g, num);
}

void rr_json_add_bool(struct rr_json *g, const char *key, bool v)
{
  begin_value(g, key);
  puts_(g, v ? "true" : "false");
}

void rr_json_add_null(struct rr_json *g, const char *key)
{
  begin_value(g, key);
  puts_(g, "null");
}

void rr_json_add_string_map(struct rr_json *g, const char *key, const oci_string_map *m)
{
  rr_json_open_object(g, key);
  for (size_t i = 0; m != NULL && i < m->len; i++)
    rr_json_add_string(g, m->keys[i], m->values[i]);
  rr_json_close(g);
}

void rr_json_add_tree(struct rr_json *g, const char *key, const struct oci_json *j)
{
  switch (j->kind) {
  case OCI_JSON_NULL:
    rr_json_add_null(g, key);
    break;
  case OCI_JSON_FALSE:
  case OCI_JSON_TRUE:
    rr_json_add_bool(g, key, j->kind == OCI_JSON_TRUE);
    break;
  case OCI_JSON_NUMBER:
    begin_value(g, key);
    puts_(g, j->text);
    break;
  case OCI_JSON_STRING:
    begin_value(g, key);
    put_string(g, j->text, j->text_len);
    break;
  case OCI_JSON_ARRAY:
  case OCI_JSON_OBJECT:
    open_container(g, key, j->kind == OCI_JSON_ARRAY ? '[' : '{',
                   j->kind == OCI_JSON_ARRAY ? ']' : '}');
    for (size_t i = 0; i < j->len; i++)
      rr_json_add_tree(g, j->keys != NULL ? j->keys[i] : NULL, j->items[i]);
    rr_json_close(g);
    break;
  }
}

char *rr_json_finish(struct rr_json *g)
{
  char *s = steal_ptr(g->buf);
  rr_json_free(g);
  return s;
}

void rr_json_free(struct rr_json *g)
{
  free(g->buf);
  free(g->open);
  *g = (struct rr_json){0};
}

const struct oci_json *rr_json_member(const struct oci_json *o, const char *key)
{
  if (o == NULL || o->kind != OCI_JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < o->len; i++)
    if (strcmp(o->keys[i], key) == 0)
      return o->items[i];
  return NULL;
}

/* The member, NULL when absent or null; *r is then 0, or -1 when the member
 * is not of `kind`. */
static const struct oci_json *typed_member(const struct oci_json *o, const char *key,
                                           enum oci_json_kind kind, const char *what, int *r,
                                           struct rr_error **err)
{
  const struct oci_json *v = rr_json_member(o, key);
  *r = 0;
  if (v == NULL || v->kind == OCI_JSON_NULL)
    return NULL;
  if (v->kind != kind && !(kind == OCI_JSON_TRUE && v->kind == OCI_JSON_FALSE)) {
    *r = rr_fail(err, RR_ERR_INVALID, 0, "`%s`: expected %s, got %s", key, what,
                 oci_json_kind_name(v->kind));
    return NULL;
  }
  return v;
}

int rr_json_get_string(const struct oci_json *o, const char *key, const char **out,
                       struct rr_error **err)
{
  int r;
  const struct oci_json *v = typed_member(o, key, OCI_JSON_STRING, "string", &r, err);
  if (v == NULL)
    return r;
  if (strlen(v->text) != v->text_len)
    return rr_fail(err, RR_ERR_INVALID, 0, "`%s`: string contains a NUL character", key);
  *out = v->text;
  return 1;
}

/* An integer member's text, NULL (with *r) when absent or not an integer. */
static const char *integer_text(const struct oci_json *o, const char *key, int *r,
                                struct rr_error **err)
{
  const struct oci_json *v = typed_member(o, key, OCI_JSON_NUMBER, "integer", r, err);
  if (v != NULL && strpbrk(v->text, ".eE") != NULL) {
    *r = rr_fail(err, RR_ERR_INVALID, 0, "`%s`: expected integer, got %s", key, v->text);
    return NULL;
  }
  return v != NULL ? v->text : NULL;
}

static int out_of_range(struct rr_error **err, const char *key, const char *text, const char *type)
{
  return rr_fail(err, RR_ERR_INVALID, 0, "`%s`: %s is out of range for %s", key, text, type);
}

int rr_json_get_int(const struct oci_json *o, const char *key, int64_t *out, struct rr_error **err)
{
  int r;
  const char *text = integer_text(o, key, &r, err);
  if (text == NULL)
    return r;
  errno = 0;
  long long v = strtoll(text, NULL, 10);
  if (errno == ERANGE)
    return out_of_range(err, key, text, "int64");
  *out = v;
  return 1;
}

int rr_json_get_uint(const struct oci_json *o, const char *key, uint64_t *out,
                     struct rr_error **err)
{
  int r;
  const char *text = integer_text(o, key, &r, err);
  if (text == NULL)
    return r;
  /* strtoull takes "-1" for UINT64_MAX: only "-0" may carry a sign */
  bool negative = text[0] == '-' && text[1 + strspn(text + 1, "0")] != '\0';
  errno = 0;
  unsigned long long v = strtoull(text, NULL, 10);
  if (negative || errno == ERANGE)
    return out_of_range(err, key, text, "uint64");
  *out = v;
  return 1;
}

int rr_json_get_bool(const struct oci_json *o, const char *key, bool *out, struct rr_error **err)
{
  int r;
  const struct oci_json *v = typed_member(o, key, OCI_JSON_TRUE, "boolean", &r, err);
  if (v == NULL)
    return r;
  *out = v->kind == OCI_JSON_TRUE;
  return 1;
}
