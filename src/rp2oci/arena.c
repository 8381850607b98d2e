/* SPDX-License-Identifier: Apache-2.0 */
/* One conversion allocates many small strings whose lifetimes all end together;
 * an arena makes every error path leak-free without per-object ownership. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libredrun/core/util.h"
#include "rp2oci/rp2oci.h"

struct rp_arena_block {
  struct rp_arena_block *next;
  max_align_t data[];
};

void *rp_alloc(struct rp_arena *a, size_t n)
{
  struct rp_arena_block *b = rr_xcalloc(1, sizeof(*b) + n);
  b->next = a->blocks;
  a->blocks = b;
  return b->data;
}

char *rp_strndup(struct rp_arena *a, const char *s, size_t n)
{
  char *p = rp_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *rp_strdup(struct rp_arena *a, const char *s)
{
  return s == NULL ? NULL : rp_strndup(a, s, strlen(s));
}

char *rp_printf(struct rp_arena *a, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  _cleanup_free_ char *tmp = NULL;
  int n = vasprintf(&tmp, fmt, ap);
  va_end(ap);
  if (n < 0)
    return rp_strdup(a, "");
  return rp_strndup(a, tmp, (size_t)n);
}

void rp_arena_release(struct rp_arena *a)
{
  while (a->blocks != NULL) {
    struct rp_arena_block *b = a->blocks;
    a->blocks = b->next;
    free(b);
  }
}

void rp_buf_add(struct rp_buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
      cap *= 2;
    b->data = rr_xrealloc(b->data, cap);
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void rp_buf_adds(struct rp_buf *b, const char *s)
{
  rp_buf_add(b, s, strlen(s));
}

void rp_buf_addc(struct rp_buf *b, char c)
{
  rp_buf_add(b, &c, 1);
}

void rp_buf_reset(struct rp_buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
