/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "oci_json.h"
#include "oci_rt.h"
#include "oci_types.h"

/* Config files are a few KiB; anything this large is a mistake or an attack. */
#define OCI_MAX_FILE_SIZE (64 << 20)

/* The JSON path of the value being parsed, built on the stack and only
 * rendered when an error or a debug record needs it. */
struct path {
  const struct path *up;
  const char *key; /* NULL: array element `index` */
  size_t index;
  bool map_key; /* a key of a map, shown as ["key"] */
};

struct ctx {
  const char *source;
  struct oci_parse_opts *opts; /* NULL: none */
};

static void path_print(FILE *f, const struct ctx *c, const struct path *p)
{
  if (p == NULL) {
    for (const char *const *k = c->opts ? c->opts->base_path : NULL; k && *k; k++)
      fprintf(f, ".%s", *k);
    return;
  }
  path_print(f, c, p->up);
  if (p->key == NULL)
    fprintf(f, "[%zu]", p->index);
  else if (p->map_key)
    fprintf(f, "[\"%s\"]", p->key);
  else
    fprintf(f, ".%s", p->key);
}

static char *path_str(const struct ctx *c, const struct path *p)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (f == NULL)
    return rr_xstrdup("?");
  path_print(f, c, p);
  if (fclose(f) != 0 || buf == NULL) {
    free(buf);
    return rr_xstrdup("?");
  }
  return buf;
}

static int fail(const struct ctx *c, const struct path *p, struct rr_error **err, const char *fmt,
                ...) RR_PRINTF(4, 5);
static int fail(const struct ctx *c, const struct path *p, struct rr_error **err, const char *fmt,
                ...)
{
  va_list ap;
  va_start(ap, fmt);
  _cleanup_free_ char *msg = NULL;
  int r = vasprintf(&msg, fmt, ap);
  va_end(ap);
  if (r < 0)
    msg = NULL;
  if (p == NULL && (c->opts == NULL || c->opts->base_path == NULL || !c->opts->base_path[0]))
    return rr_fail(err, RR_ERR_INVALID, 0, "%s: %s", c->source, msg ? msg : fmt);
  _cleanup_free_ char *where = path_str(c, p);
  return rr_fail(err, RR_ERR_INVALID, 0, "%s: %s: %s", c->source, where, msg ? msg : fmt);
}

/* Fields are reached through offsets; memcpy keeps those accesses free of
 * type-punning whatever the pointed-to C type is. */
static void *get_ptr(const void *base, size_t off)
{
  void *p;
  memcpy(&p, (const char *)base + off, sizeof(p));
  return p;
}

static void set_ptr(void *base, size_t off, const void *p)
{
  memcpy((char *)base + off, &p, sizeof(p));
}

static size_t get_size(const void *base, size_t off)
{
  size_t n;
  memcpy(&n, (const char *)base + off, sizeof(n));
  return n;
}

static void set_size(void *base, size_t off, size_t n)
{
  memcpy((char *)base + off, &n, sizeof(n));
}

static bool get_bool(const void *base, size_t off)
{
  bool b;
  memcpy(&b, (const char *)base + off, sizeof(b));
  return b;
}

static void set_bool(void *base, size_t off, bool b)
{
  memcpy((char *)base + off, &b, sizeof(b));
}

static void set_int(void *slot, unsigned width, int64_t v)
{
  int8_t i8 = (int8_t)v;
  int16_t i16 = (int16_t)v;
  int32_t i32 = (int32_t)v;
  const void *src = width == 1   ? (const void *)&i8
                    : width == 2 ? (const void *)&i16
                    : width == 4 ? (const void *)&i32
                                 : (const void *)&v;
  memcpy(slot, src, width);
}

static int64_t get_int(const void *slot, unsigned width)
{
  int8_t i8;
  int16_t i16;
  int32_t i32;
  int64_t i64;
  switch (width) {
  case 1:
    memcpy(&i8, slot, 1);
    return i8;
  case 2:
    memcpy(&i16, slot, 2);
    return i16;
  case 4:
    memcpy(&i32, slot, 4);
    return i32;
  default:
    memcpy(&i64, slot, 8);
    return i64;
  }
}

static void set_uint(void *slot, unsigned width, uint64_t v)
{
  uint8_t u8 = (uint8_t)v;
  uint16_t u16 = (uint16_t)v;
  uint32_t u32 = (uint32_t)v;
  const void *src = width == 1   ? (const void *)&u8
                    : width == 2 ? (const void *)&u16
                    : width == 4 ? (const void *)&u32
                                 : (const void *)&v;
  memcpy(slot, src, width);
}

static uint64_t get_uint(const void *slot, unsigned width)
{
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  switch (width) {
  case 1:
    memcpy(&u8, slot, 1);
    return u8;
  case 2:
    memcpy(&u16, slot, 2);
    return u16;
  case 4:
    memcpy(&u32, slot, 4);
    return u32;
  default:
    memcpy(&u64, slot, 8);
    return u64;
  }
}

static size_t elem_size(const struct oci_rt_field *f)
{
  switch (f->kind) {
  case OCI_RT_BOOL:
    return sizeof(bool);
  case OCI_RT_INT:
  case OCI_RT_UINT:
    return f->width;
  default:
    return sizeof(void *);
  }
}

static const char *kind_name(const struct oci_rt_field *f)
{
  switch (f->kind) {
  case OCI_RT_STRING:
    return "string";
  case OCI_RT_BOOL:
    return "boolean";
  case OCI_RT_INT:
  case OCI_RT_UINT:
    return "integer";
  default:
    return "object";
  }
}

/* ---- freeing ---- */

static void free_elem(const struct oci_rt_field *f, void *slot)
{
  switch (f->kind) {
  case OCI_RT_STRING:
    free(get_ptr(slot, 0));
    break;
  case OCI_RT_OBJECT:
    oci_rt_free(f->type, get_ptr(slot, 0));
    break;
  case OCI_RT_STRING_MAP:
    oci_string_map_free(get_ptr(slot, 0));
    break;
  case OCI_RT_OBJECT_MAP:
    oci_rt_free_map(f->type, get_ptr(slot, 0));
    break;
  default:
    break;
  }
}

void oci_rt_free(const struct oci_rt_type *t, void *v)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < t->nfields; i++) {
    const struct oci_rt_field *f = &t->fields[i];
    if (!f->array) {
      free_elem(f, (char *)v + f->offset);
      continue;
    }
    char *items = get_ptr(v, f->offset);
    if (items == NULL)
      continue;
    size_t n = get_size(v, f->len_offset);
    for (size_t k = 0; k < n; k++)
      free_elem(f, items + k * elem_size(f));
    free(items);
  }
  free(v);
}

void oci_rt_free_map(const struct oci_rt_type *t, void *map)
{
  if (map == NULL)
    return;
  oci_string_map m;
  memcpy(&m, map, sizeof(m));
  for (size_t i = 0; i < m.len; i++) {
    free(m.keys[i]);
    oci_rt_free(t, get_ptr(m.values, i * sizeof(void *)));
  }
  free(m.keys);
  free(m.values);
  free(map);
}

void oci_string_map_free(oci_string_map *m)
{
  if (m == NULL)
    return;
  for (size_t i = 0; i < m->len; i++) {
    free(m->keys[i]);
    free(m->values[i]);
  }
  free(m->keys);
  free(m->values);
  free(m);
}

const char *oci_string_map_get(const oci_string_map *m, const char *key)
{
  if (m == NULL)
    return NULL;
  for (size_t i = 0; i < m->len; i++)
    if (strcmp(m->keys[i], key) == 0)
      return m->values[i];
  return NULL;
}

void oci_string_map_set(oci_string_map **mp, const char *key, const char *value)
{
  if (*mp == NULL)
    *mp = rr_xcalloc(1, sizeof(**mp));
  oci_string_map *m = *mp;
  for (size_t i = 0; i < m->len; i++) {
    if (strcmp(m->keys[i], key) == 0) {
      free(m->values[i]);
      m->values[i] = rr_xstrdup(value);
      return;
    }
  }
  m->keys = rr_xrealloc(m->keys, (m->len + 1) * sizeof(*m->keys));
  m->values = rr_xrealloc(m->values, (m->len + 1) * sizeof(*m->values));
  m->keys[m->len] = rr_xstrdup(key);
  m->values[m->len] = rr_xstrdup(value);
  m->len++;
}

/* ---- parsing ---- */

static int parse_object(const struct ctx *c, const struct oci_rt_type *t, struct oci_json *j,
                        const struct path *p, void **out, struct rr_error **err);

static int expect(const struct ctx *c, const struct path *p, struct oci_json *j,
                  enum oci_json_kind kind, const char *what, struct rr_error **err)
{
  if (j->raw) /* a raw path that is not a member of a typed object: a caller's mistake */
    return fail(c, p, err, "internal error: the raw path names no typed member");
  if (j->kind == kind)
    return 0;
  return fail(c, p, err, "expected %s, got %s", what, oci_json_kind_name(j->kind));
}

static int take_string(const struct ctx *c, const struct path *p, struct oci_json *j, char **out,
                       struct rr_error **err)
{
  if (expect(c, p, j, OCI_JSON_STRING, "string", err) < 0)
    return -1;
  if (strlen(j->text) != j->text_len)
    return fail(c, p, err, "string contains a NUL character");
  *out = rr_xstrdup(j->text);
  return 0;
}

static bool is_integer_text(const char *s)
{
  return strpbrk(s, ".eE") == NULL;
}

static int parse_int(const struct ctx *c, const struct oci_rt_field *f, const struct path *p,
                     struct oci_json *j, void *slot, struct rr_error **err)
{
  if (j->kind != OCI_JSON_NUMBER || !is_integer_text(j->text))
    return fail(c, p, err, "expected integer, got %s", oci_json_kind_name(j->kind));
  errno = 0;
  if (f->kind == OCI_RT_INT) {
    long long v = strtoll(j->text, NULL, 10);
    if (errno == ERANGE || v < f->min || v > f->max)
      return fail(c, p, err, "%s is out of range for %s", j->text, f->range);
    set_int(slot, f->width, v);
    return 0;
  }
  /* strtoull accepts "-1" as a huge value: reject the sign ourselves */
  bool negative = j->text[0] == '-' && strspn(j->text + 1, "0") != strlen(j->text + 1);
  unsigned long long v = negative ? 0 : strtoull(j->text, NULL, 10);
  if (negative || errno == ERANGE || v < f->umin || v > f->umax)
    return fail(c, p, err, "%s is out of range for %s", j->text, f->range);
  set_uint(slot, f->width, v);
  return 0;
}

static int parse_map(const struct ctx *c, const struct oci_rt_field *f, struct oci_json *j,
                     const struct path *p, void *slot, struct rr_error **err)
{
  if (expect(c, p, j, OCI_JSON_OBJECT, "object", err) < 0)
    return -1;
  oci_string_map m = {
      .keys = rr_xcalloc(j->len + 1, sizeof(char *)),
      .values = rr_xcalloc(j->len + 1, sizeof(void *)),
  };
  /* the caller's struct owns the map from here, so a failure below is freed
   * with it */
  void *map = rr_xmalloc(sizeof(m));
  set_ptr(slot, 0, map);
  int r = 0;
  for (size_t i = 0; i < j->len && r == 0; i++) {
    struct path mp = {p, j->keys[i], 0, true};
    void *value = NULL;
    if (f->kind == OCI_RT_STRING_MAP) {
      char *s = NULL;
      r = take_string(c, &mp, j->items[i], &s, err);
      value = s;
    } else {
      r = parse_object(c, f->type, j->items[i], &mp, &value, err);
    }
    if (r < 0)
      break;
    m.keys[m.len] = rr_xstrdup(j->keys[i]);
    set_ptr(m.values, m.len * sizeof(void *), value);
    m.len++;
  }
  memcpy(map, &m, sizeof(m));
  return r;
}

/* One value of field f (an array element, or the field itself) into slot. */
static int parse_value(const struct ctx *c, const struct oci_rt_field *f, struct oci_json *j,
                       const struct path *p, void *slot, struct rr_error **err)
{
  switch (f->kind) {
  case OCI_RT_STRING: {
    char *s = NULL;
    if (take_string(c, p, j, &s, err) < 0)
      return -1;
    set_ptr(slot, 0, s);
    return 0;
  }
  case OCI_RT_BOOL: {
    if (j->kind != OCI_JSON_TRUE && j->kind != OCI_JSON_FALSE)
      return fail(c, p, err, "expected boolean, got %s", oci_json_kind_name(j->kind));
    bool b = j->kind == OCI_JSON_TRUE;
    memcpy(slot, &b, sizeof(b));
    return 0;
  }
  case OCI_RT_INT:
  case OCI_RT_UINT:
    return parse_int(c, f, p, j, slot, err);
  case OCI_RT_OBJECT: {
    void *obj = NULL;
    if (parse_object(c, f->type, j, p, &obj, err) < 0)
      return -1;
    set_ptr(slot, 0, obj);
    return 0;
  }
  default:
    return parse_map(c, f, j, p, slot, err);
  }
}

static int parse_field(const struct ctx *c, const struct oci_rt_field *f, struct oci_json *j,
                       const struct path *p, void *v, struct rr_error **err)
{
  if (!f->array) {
    if (parse_value(c, f, j, p, (char *)v + f->offset, err) < 0)
      return -1;
    if (f->kind == OCI_RT_BOOL || f->kind == OCI_RT_INT || f->kind == OCI_RT_UINT)
      set_bool(v, f->present_offset, true);
    return 0;
  }
  if (expect(c, p, j, OCI_JSON_ARRAY, "array", err) < 0)
    return -1;
  size_t size = elem_size(f);
  /* one spare zeroed slot: string lists are also NULL-terminated (argv) */
  char *items = rr_xcalloc(j->len + 1, size);
  set_ptr(v, f->offset, items);
  set_bool(v, f->present_offset, true);
  for (size_t i = 0; i < j->len; i++) {
    struct path ep = {p, NULL, i, false};
    if (j->items[i]->kind == OCI_JSON_NULL)
      return fail(c, &ep, err, "expected %s, got null", kind_name(f));
    if (parse_value(c, f, j->items[i], &ep, items + i * size, err) < 0)
      return -1;
    set_size(v, f->len_offset, i + 1);
  }
  return 0;
}

static bool is_present(const struct oci_rt_field *f, const void *v)
{
  if (f->array || f->kind == OCI_RT_BOOL || f->kind == OCI_RT_INT || f->kind == OCI_RT_UINT)
    return get_bool(v, f->present_offset);
  return get_ptr(v, f->offset) != NULL;
}

static const struct oci_rt_field *find_field(const struct oci_rt_type *t, const char *key)
{
  for (size_t i = 0; i < t->nfields; i++)
    if (strcmp(t->fields[i].json, key) == 0)
      return &t->fields[i];
  return NULL;
}

static int parse_object(const struct ctx *c, const struct oci_rt_type *t, struct oci_json *j,
                        const struct path *p, void **out, struct rr_error **err)
{
  if (expect(c, p, j, OCI_JSON_OBJECT, "object", err) < 0)
    return -1;
  void *v = rr_xcalloc(1, t->size);
  for (size_t i = 0; i < j->len; i++) {
    struct path mp = {p, j->keys[i], 0, false};
    const struct oci_rt_field *f = find_field(t, j->keys[i]);
    if (f == NULL) {
      if (rr_log_enabled(RR_LOG_DEBUG)) {
        _cleanup_free_ char *where = path_str(c, &mp);
        rr_debug("%s: %s: unknown property ignored", c->source, where);
      }
      continue;
    }
    /* null stands for "not set", as Go's encoding/json reads it */
    if (j->items[i]->kind == OCI_JSON_NULL)
      continue;
    /* the object at the caller's raw path (struct oci_parse_opts) */
    if (j->items[i]->raw) {
      c->opts->raw_start = j->items[i]->src_start;
      c->opts->raw_end = j->items[i]->src_end;
      continue;
    }
    if (parse_field(c, f, j->items[i], &mp, v, err) < 0) {
      oci_rt_free(t, v);
      return -1;
    }
  }
  for (size_t i = 0; i < t->nfields; i++) {
    const struct oci_rt_field *f = &t->fields[i];
    if (f->required && !is_present(f, v)) {
      oci_rt_free(t, v);
      return fail(c, p, err, "missing required property \"%s\"", f->json);
    }
  }
  *out = v;
  return 0;
}

void *oci_rt_parse_data(const struct oci_rt_type *t, const char *json, size_t len,
                        const char *source, struct rr_error **err)
{
  return oci_rt_parse_data_opts(t, json, len, source, NULL, err);
}

void *oci_rt_parse_data_opts(const struct oci_rt_type *t, const char *json, size_t len,
                             const char *source, struct oci_parse_opts *opts, struct rr_error **err)
{
  struct ctx c = {source != NULL ? source : t->name, opts};
  if (opts != NULL)
    opts->raw_start = opts->raw_end = 0;
  __attribute__((cleanup(oci_json_freep))) struct oci_json *j =
      oci_json_parse_raw(json, len, c.source, opts != NULL ? opts->raw_path : NULL, err);
  if (j == NULL)
    return NULL;
  void *v = NULL;
  if (parse_object(&c, t, j, NULL, &v, err) < 0)
    return NULL;
  return v;
}

void *oci_rt_parse_file(const struct oci_rt_type *t, const char *path, struct rr_error **err)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    rr_fail_errno(err, "open `%s`", path);
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    rr_fail_errno(err, "stat `%s`", path);
    return NULL;
  }
  const char *slash = strrchr(path, '/');
  const char *source = slash != NULL ? slash + 1 : path;
  if (!S_ISREG(st.st_mode)) {
    rr_fail(err, RR_ERR_INVALID, 0, "%s: not a regular file", source);
    return NULL;
  }
  if (st.st_size > OCI_MAX_FILE_SIZE) {
    rr_fail(err, RR_ERR_INVALID, 0, "%s: file is too large (%lld bytes)", source,
            (long long)st.st_size);
    return NULL;
  }
  size_t cap = (size_t)st.st_size + 1, len = 0;
  _cleanup_free_ char *buf = rr_xmalloc(cap);
  for (;;) {
    if (len == cap) {
      if (cap > OCI_MAX_FILE_SIZE) {
        rr_fail(err, RR_ERR_INVALID, 0, "%s: file is too large", source);
        return NULL;
      }
      cap *= 2;
      buf = rr_xrealloc(buf, cap);
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rr_fail_errno(err, "read `%s`", path);
      return NULL;
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  return oci_rt_parse_data(t, buf, len, source, err);
}

/* ---- generating ---- */

struct gen {
  yajl_gen g;
  yajl_gen_status st;
};

static void gen_check(struct gen *gc, yajl_gen_status st)
{
  if (gc->st == yajl_gen_status_ok)
    gc->st = st;
}

static void gen_string(struct gen *gc, const char *s)
{
  if (s == NULL)
    gen_check(gc, yajl_gen_null(gc->g));
  else
    gen_check(gc, yajl_gen_string(gc->g, (const unsigned char *)s, strlen(s)));
}

static void gen_object(struct gen *gc, const struct oci_rt_type *t, const void *v);

static void gen_map(struct gen *gc, const struct oci_rt_field *f, const void *map)
{
  oci_string_map m;
  memcpy(&m, map, sizeof(m));
  gen_check(gc, yajl_gen_map_open(gc->g));
  for (size_t i = 0; i < m.len; i++) {
    gen_string(gc, m.keys[i] != NULL ? m.keys[i] : "");
    void *value = get_ptr(m.values, i * sizeof(void *));
    if (f->kind == OCI_RT_STRING_MAP)
      gen_string(gc, value);
    else if (value == NULL)
      gen_check(gc, yajl_gen_null(gc->g));
    else
      gen_object(gc, f->type, value);
  }
  gen_check(gc, yajl_gen_map_close(gc->g));
}

static void gen_value(struct gen *gc, const struct oci_rt_field *f, const void *slot)
{
  char num[32];
  switch (f->kind) {
  case OCI_RT_STRING:
    gen_string(gc, get_ptr(slot, 0));
    return;
  case OCI_RT_BOOL: {
    bool b;
    memcpy(&b, slot, sizeof(b));
    gen_check(gc, yajl_gen_bool(gc->g, b));
    return;
  }
  case OCI_RT_INT:
    snprintf(num, sizeof(num), "%" PRId64, get_int(slot, f->width));
    gen_check(gc, yajl_gen_number(gc->g, num, strlen(num)));
    return;
  case OCI_RT_UINT:
    snprintf(num, sizeof(num), "%" PRIu64, get_uint(slot, f->width));
    gen_check(gc, yajl_gen_number(gc->g, num, strlen(num)));
    return;
  default: {
    const void *p = get_ptr(slot, 0);
    if (p == NULL)
      gen_check(gc, yajl_gen_null(gc->g));
    else if (f->kind == OCI_RT_OBJECT)
      gen_object(gc, f->type, p);
    else
      gen_map(gc, f, p);
    return;
  }
  }
}

static bool gen_wanted(const struct oci_rt_field *f, const void *v)
{
  if (f->array)
    return get_bool(v, f->present_offset) || get_ptr(v, f->offset) != NULL ||
           get_size(v, f->len_offset) > 0;
  return is_present(f, v);
}

static void gen_object(struct gen *gc, const struct oci_rt_type *t, const void *v)
{
  gen_check(gc, yajl_gen_map_open(gc->g));
  for (size_t i = 0; i < t->nfields; i++) {
    const struct oci_rt_field *f = &t->fields[i];
    if (!gen_wanted(f, v))
      continue;
    gen_string(gc, f->json);
    if (!f->array) {
      gen_value(gc, f, (const char *)v + f->offset);
      continue;
    }
    const char *items = get_ptr(v, f->offset);
    size_t n = items != NULL ? get_size(v, f->len_offset) : 0;
    gen_check(gc, yajl_gen_array_open(gc->g));
    for (size_t k = 0; k < n; k++)
      gen_value(gc, f, items + k * elem_size(f));
    gen_check(gc, yajl_gen_array_close(gc->g));
  }
  gen_check(gc, yajl_gen_map_close(gc->g));
}

char *oci_rt_generate(const struct oci_rt_type *t, const void *v, bool pretty,
                      struct rr_error **err)
{
  if (v == NULL) {
    rr_fail(err, RR_ERR_INVALID, 0, "generate %s: no value", t->name);
    return NULL;
  }
  struct gen gc = {yajl_gen_alloc(NULL), yajl_gen_status_ok};
  if (gc.g == NULL) {
    rr_fail(err, RR_ERR_SYSTEM, 0, "generate %s: cannot allocate the JSON generator", t->name);
    return NULL;
  }
  yajl_gen_config(gc.g, yajl_gen_validate_utf8, 1);
  if (pretty) {
    yajl_gen_config(gc.g, yajl_gen_beautify, 1);
    yajl_gen_config(gc.g, yajl_gen_indent_string, "\t");
  }
  gen_object(&gc, t, v);
  char *out = NULL;
  if (gc.st == yajl_gen_invalid_string) {
    rr_fail(err, RR_ERR_INVALID, 0, "generate %s: a string is not valid UTF-8", t->name);
  } else if (gc.st != yajl_gen_status_ok) {
    rr_fail(err, RR_ERR_SYSTEM, 0, "generate %s: JSON generator error %d", t->name, (int)gc.st);
  } else {
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(gc.g, &buf, &len);
    out = rr_xmalloc(len + 1);
    memcpy(out, buf, len);
    out[len] = '\0';
  }
  yajl_gen_free(gc.g);
  return out;
}
