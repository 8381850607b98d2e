/* SPDX-License-Identifier: Apache-2.0 */
/* libyaml events -> a small document tree -> typed structs, driven by the
 * tables of schema.c. Rules are libcyaml's as red-pak configures it
 * (redpak-format.md §3.1): keys case-insensitive, unknown and repeated keys
 * rejected, empty sections rejected, red-pak's bool and int readings. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "libredrun/core/util.h"
#include "rp2oci/rp2oci.h"
#include "rp2oci/schema.h"

/* Nesting deeper than any red-pak file is refused before it can exhaust the
 * stack (the loader is fuzzed). */
#define YDEPTH_MAX 32
#define YFILE_MAX (4u << 20)
#define YDECODE_MAX 200000

enum ytype { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
  enum ytype type;
  int line;
  bool plain;
  char *val;
  struct ynode **kids; /* map: key, value, key, value ... */
  size_t n;
};

struct yanchor {
  const char *name;
  struct ynode *node;
};

struct yparse {
  struct rp_arena *a;
  yaml_parser_t parser;
  const char *file;
  /* anchors defined so far; an alias shares the anchored node */
  struct yanchor *anchors;
  size_t nanchors, anchors_cap;
  /* aliases let a small document name a huge one: decoding is budgeted */
  size_t budget;
};

static int yfail(struct rr_error **err, const char *file, int line, const char *fmt, ...)
    RR_PRINTF(4, 5);
static int yfail(struct rr_error **err, const char *file, int line, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  _cleanup_free_ char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: %s", file, line, msg ? msg : "error");
}

static int next_event(struct yparse *p, yaml_event_t *ev, struct rr_error **err)
{
  if (yaml_parser_parse(&p->parser, ev))
    return 0;
  int line = (int)p->parser.problem_mark.line + 1;
  return yfail(err, p->file, line, "invalid YAML: %s",
               p->parser.problem ? p->parser.problem : "parse error");
}

static int parse_node(struct yparse *p, yaml_event_t *ev, int depth, struct ynode **out,
                      struct rr_error **err);

static void add_kid(struct yparse *p, struct ynode *n, struct ynode *kid, size_t *cap)
{
  if (n->n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    struct ynode **k = rp_alloc(p->a, ncap * sizeof(*k));
    if (n->n)
      memcpy(k, n->kids, n->n * sizeof(*k));
    n->kids = k;
    *cap = ncap;
  }
  n->kids[n->n++] = kid;
}

static void add_anchor(struct yparse *p, const unsigned char *name, struct ynode *n)
{
  if (name == NULL)
    return;
  if (p->nanchors == p->anchors_cap) {
    size_t cap = p->anchors_cap ? p->anchors_cap * 2 : 8;
    struct yanchor *v = rp_alloc(p->a, cap * sizeof(*v));
    if (p->nanchors)
      memcpy(v, p->anchors, p->nanchors * sizeof(*v));
    p->anchors = v;
    p->anchors_cap = cap;
  }
  /* a later anchor of the same name wins, as in YAML */
  p->anchors[p->nanchors++] = (struct yanchor){rp_strdup(p->a, (const char *)name), n};
}

static struct ynode *find_anchor(struct yparse *p, const char *name)
{
  for (size_t i = p->nanchors; i-- > 0;)
    if (strcmp(p->anchors[i].name, name) == 0)
      return p->anchors[i].node;
  return NULL;
}

/* ev is the node's first event; it is consumed (deleted) here. */
static int parse_node(struct yparse *p, yaml_event_t *ev, int depth, struct ynode **out,
                      struct rr_error **err)
{
  struct ynode *n = rp_alloc(p->a, sizeof(*n));
  n->line = (int)ev->start_mark.line + 1;
  yaml_event_type_t end;
  char *anchor = NULL;
  switch (ev->type) {
  case YAML_SCALAR_EVENT:
    n->type = Y_SCALAR;
    n->val = rp_strndup(p->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    add_anchor(p, ev->data.scalar.anchor, n);
    yaml_event_delete(ev);
    *out = n;
    return 0;
  case YAML_MAPPING_START_EVENT:
    n->type = Y_MAP;
    end = YAML_MAPPING_END_EVENT;
    anchor = ev->data.mapping_start.anchor
                 ? rp_strdup(p->a, (const char *)ev->data.mapping_start.anchor)
                 : NULL;
    break;
  case YAML_SEQUENCE_START_EVENT:
    n->type = Y_SEQ;
    end = YAML_SEQUENCE_END_EVENT;
    anchor = ev->data.sequence_start.anchor
                 ? rp_strdup(p->a, (const char *)ev->data.sequence_start.anchor)
                 : NULL;
    break;
  case YAML_ALIAS_EVENT: {
    /* a container is registered when complete, so an alias cannot refer to
     * a node that contains it */
    struct ynode *target = find_anchor(p, (const char *)ev->data.alias.anchor);
    if (target == NULL) {
      int r = yfail(err, p->file, n->line, "unknown YAML alias `*%s`",
                    (const char *)ev->data.alias.anchor);
      yaml_event_delete(ev);
      return r;
    }
    yaml_event_delete(ev);
    *out = target;
    return 0;
  }
  default:
    yaml_event_delete(ev);
    return yfail(err, p->file, n->line, "unexpected YAML event");
  }
  yaml_event_delete(ev);
  if (depth >= YDEPTH_MAX)
    return yfail(err, p->file, n->line, "YAML nesting too deep");
  size_t cap = 0;
  for (;;) {
    yaml_event_t e;
    if (next_event(p, &e, err) < 0)
      return -1;
    if (e.type == end) {
      yaml_event_delete(&e);
      break;
    }
    struct ynode *kid;
    if (parse_node(p, &e, depth + 1, &kid, err) < 0)
      return -1;
    add_kid(p, n, kid, &cap);
  }
  add_anchor(p, (const unsigned char *)anchor, n);
  *out = n;
  return 0;
}

static int parse_document(struct yparse *p, struct ynode **root, struct rr_error **err)
{
  yaml_event_t e;
  *root = NULL;
  for (;;) {
    if (next_event(p, &e, err) < 0)
      return -1;
    yaml_event_type_t t = e.type;
    if (t == YAML_STREAM_END_EVENT) {
      yaml_event_delete(&e);
      break;
    }
    if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_END_EVENT) {
      yaml_event_delete(&e);
      continue;
    }
    if (t == YAML_DOCUMENT_START_EVENT) {
      int line = (int)e.start_mark.line + 1;
      yaml_event_delete(&e);
      if (*root != NULL)
        return yfail(err, p->file, line, "more than one YAML document");
      if (next_event(p, &e, err) < 0)
        return -1;
      if (parse_node(p, &e, 0, root, err) < 0)
        return -1;
      continue;
    }
    int line = (int)e.start_mark.line + 1;
    yaml_event_delete(&e);
    return yfail(err, p->file, line, "unexpected YAML event");
  }
  if (*root == NULL)
    return yfail(err, p->file, 1, "empty document");
  return 0;
}

/* ---- decoding ---------------------------------------------------------- */

static char *join_path(struct rp_arena *a, const char *path, const char *key)
{
  return *path ? rp_printf(a, "%s.%s", path, key) : rp_strdup(a, key);
}

static bool is_false_word(const char *s)
{
  static const char *const words[] = {"false", "no", "off", "disable", "0"};
  for (size_t i = 0; i < RR_ARRAY_SIZE(words); i++)
    if (strcasecmp(s, words[i]) == 0)
      return true;
  return false;
}

static int decode_map(struct yparse *p, const struct rp_schema *s, const struct ynode *y,
                      const char *path, void *out, struct rr_error **err);

static int expect_container(struct yparse *p, const struct ynode *y, enum ytype t, const char *path,
                            struct rr_error **err)
{
  if (y->type == t)
    return 0;
  if (y->type == Y_SCALAR && y->plain &&
      (y->val[0] == '\0' || strcmp(y->val, "~") == 0 || strcasecmp(y->val, "null") == 0))
    return yfail(err, p->file, y->line, "%s: empty section", path);
  return yfail(err, p->file, y->line, "%s: expected a %s", path,
               t == Y_MAP ? "mapping" : "sequence");
}

static int decode_value(struct yparse *p, const struct rp_field *f, const struct ynode *y,
                        const char *path, void *out, struct rr_error **err)
{
  char *slot = (char *)out + f->off;
  if (++p->budget > YDECODE_MAX)
    return yfail(err, p->file, y->line, "document too large once its aliases are expanded");
  if (f->type == RP_F_IGNORE)
    return 0;
  if (f->type == RP_F_MAP) {
    if (expect_container(p, y, Y_MAP, path, err) < 0)
      return -1;
    void *sub = rp_alloc(p->a, f->sub->size);
    if (decode_map(p, f->sub, y, path, sub, err) < 0)
      return -1;
    *(void **)slot = sub;
    return 0;
  }
  if (f->type == RP_F_SEQ) {
    if (expect_container(p, y, Y_SEQ, path, err) < 0)
      return -1;
    if (y->n == 0)
      return yfail(err, p->file, y->line, "%s: empty section", path);
    char *arr = rp_alloc(p->a, y->n * f->sub->size);
    for (size_t i = 0; i < y->n; i++) {
      const char *ipath = rp_printf(p->a, "%s[%zu]", path, i);
      if (expect_container(p, y->kids[i], Y_MAP, ipath, err) < 0)
        return -1;
      if (decode_map(p, f->sub, y->kids[i], ipath, arr + i * f->sub->size, err) < 0)
        return -1;
    }
    *(void **)slot = arr;
    *(size_t *)((char *)out + f->count_off) = y->n;
    return 0;
  }
  if (f->type == RP_F_STRSEQ) {
    if (expect_container(p, y, Y_SEQ, path, err) < 0)
      return -1;
    if (y->n == 0)
      return yfail(err, p->file, y->line, "%s: empty section", path);
    p->budget += y->n;
    if (p->budget > YDECODE_MAX)
      return yfail(err, p->file, y->line, "document too large once its aliases are expanded");
    char **v = rp_alloc(p->a, y->n * sizeof(*v));
    for (size_t i = 0; i < y->n; i++) {
      if (y->kids[i]->type != Y_SCALAR)
        return yfail(err, p->file, y->kids[i]->line, "%s[%zu]: expected a scalar", path, i);
      v[i] = rp_strdup(p->a, y->kids[i]->val);
    }
    *(char ***)slot = v;
    *(size_t *)((char *)out + f->count_off) = y->n;
    return 0;
  }
  if (y->type != Y_SCALAR)
    return yfail(err, p->file, y->line, "%s: expected a scalar", path);
  const char *v = y->val;
  switch (f->type) {
  case RP_F_STR:
    *(char **)slot = rp_strdup(p->a, v);
    return 0;
  case RP_F_BOOL:
    *(long *)slot = is_false_word(v) ? 0 : 1;
    return 0;
  case RP_F_INT: {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 0);
    if (*v == '\0' || *end != '\0' || errno != 0)
      return yfail(err, p->file, y->line, "%s: invalid integer `%s`", path, v);
    *(long *)slot = n;
    return 0;
  }
  case RP_F_UINT: {
    char *end;
    errno = 0;
    if (*v == '-')
      return yfail(err, p->file, y->line, "%s: invalid unsigned integer `%s`", path, v);
    unsigned long long n = strtoull(v, &end, 0);
    if (*v == '\0' || *end != '\0' || errno != 0)
      return yfail(err, p->file, y->line, "%s: invalid unsigned integer `%s`", path, v);
    *(unsigned long long *)slot = n;
    return 0;
  }
  case RP_F_ENUM:
    for (int i = 0; f->names[i] != NULL; i++) {
      bool eq = (f->flags & RP_F_CASE_SENSITIVE) ? strcmp(v, f->names[i]) == 0
                                                 : strcasecmp(v, f->names[i]) == 0;
      if (eq) {
        *(int *)slot = i;
        return 0;
      }
    }
    return yfail(err, p->file, y->line, "%s: unknown value `%s`", path, v);
  default:
    return yfail(err, p->file, y->line, "%s: unsupported field type", path);
  }
}

static int decode_map(struct yparse *p, const struct rp_schema *s, const struct ynode *y,
                      const char *path, void *out, struct rr_error **err)
{
  size_t nfields = 0;
  while (s->fields[nfields].key != NULL)
    nfields++;
  bool seen[nfields ? nfields : 1];
  memset(seen, 0, sizeof(seen));
  *(int *)out = y->line;
  if (y->n == 0)
    return yfail(err, p->file, y->line, "%s: empty section", *path ? path : "document");
  for (size_t k = 0; k + 1 < y->n; k += 2) {
    const struct ynode *key = y->kids[k], *val = y->kids[k + 1];
    if (key->type != Y_SCALAR)
      return yfail(err, p->file, key->line, "%s: mapping keys must be scalars",
                   *path ? path : "document");
    size_t i;
    for (i = 0; i < nfields; i++)
      if (strcasecmp(key->val, s->fields[i].key) == 0)
        break;
    const char *kpath = join_path(p->a, path, key->val);
    if (i == nfields)
      return yfail(err, p->file, key->line, "unknown key `%s`", kpath);
    if (seen[i])
      return yfail(err, p->file, key->line, "duplicate key `%s`", kpath);
    seen[i] = true;
    if (decode_value(p, &s->fields[i], val, kpath, out, err) < 0)
      return -1;
  }
  for (size_t i = 0; i < nfields; i++)
    if ((s->fields[i].flags & RP_F_REQUIRED) && !seen[i])
      return yfail(err, p->file, y->line, "missing key `%s`",
                   join_path(p->a, path, s->fields[i].key));
  return 0;
}

int rp_yaml_load_data(struct rp_arena *a, const struct rp_schema *schema, const char *data,
                      size_t len, const char *file, void **out, struct rr_error **err)
{
  struct yparse p = {.a = a, .file = file};
  if (!yaml_parser_initialize(&p.parser))
    return rr_fail(err, RR_ERR_SYSTEM, ENOMEM, "%s: cannot initialise the YAML parser", file);
  yaml_parser_set_input_string(&p.parser, (const unsigned char *)data, len);
  struct ynode *root;
  int r = parse_document(&p, &root, err);
  yaml_parser_delete(&p.parser);
  if (r < 0)
    return -1;
  if (root->type != Y_MAP) {
    if (root->type == Y_SCALAR && root->plain && root->val[0] == '\0')
      return yfail(err, file, root->line, "empty document");
    return yfail(err, file, root->line, "expected a mapping");
  }
  void *obj = rp_alloc(a, schema->size);
  if (decode_map(&p, schema, root, "", obj, err) < 0)
    return -1;
  *out = obj;
  return 0;
}

int rp_yaml_load_file(struct rp_arena *a, const struct rp_schema *schema, const char *file,
                      void **out, struct rr_error **err)
{
  _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "%s", file);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return rr_fail_errno(err, "%s", file);
  if (!S_ISREG(st.st_mode))
    return rr_fail(err, RR_ERR_INVALID, 0, "%s: not a regular file", file);
  struct rp_buf b = {0};
  char chunk[8192];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rp_buf_reset(&b);
      return rr_fail_errno(err, "%s", file);
    }
    if (n == 0)
      break;
    rp_buf_add(&b, chunk, (size_t)n);
    if (b.len > YFILE_MAX) {
      rp_buf_reset(&b);
      return rr_fail(err, RR_ERR_INVALID, 0, "%s: file too large", file);
    }
  }
  int r = rp_yaml_load_data(a, schema, b.data ? b.data : "", b.len, file, out, err);
  rp_buf_reset(&b);
  return r;
}
