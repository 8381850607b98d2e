/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/error.h"

RR_PRINTF(1, 0) static char *format_alloc(const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    return NULL;
  return s;
}

int rr_vfail(struct rr_error **err, enum rr_error_kind kind, int errnum, const char *fmt,
             va_list ap)
{
  if (err == NULL)
    return -1;
  struct rr_error *e = calloc(1, sizeof(*e));
  if (e == NULL)
    abort(); /* out of memory while reporting: nothing sensible is left to do */
  e->kind = kind;
  e->errnum = errnum;
  e->msg = format_alloc(fmt, ap);
  if (e->msg == NULL)
    e->msg = strdup("out of memory");
  rr_error_free(*err);
  *err = e;
  return -1;
}

int rr_fail(struct rr_error **err, enum rr_error_kind kind, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  rr_vfail(err, kind, errnum, fmt, ap);
  va_end(ap);
  return -1;
}

RR_PRINTF(3, 0)
static int vfail_errnum(struct rr_error **err, int errnum, const char *fmt, va_list ap)
{
  char *head = format_alloc(fmt, ap);
  rr_fail(err, RR_ERR_SYSTEM, errnum, "%s: %s", head ? head : "?", strerror(errnum));
  free(head);
  return -1;
}

int rr_fail_errno(struct rr_error **err, const char *fmt, ...)
{
  int errnum = errno;
  va_list ap;
  va_start(ap, fmt);
  vfail_errnum(err, errnum, fmt, ap);
  va_end(ap);
  return -1;
}

int rr_fail_errnum(struct rr_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vfail_errnum(err, errnum, fmt, ap);
  va_end(ap);
  return -1;
}

int rr_wrap(struct rr_error **err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  char *head = format_alloc(fmt, ap);
  va_end(ap);
  char *msg = NULL;
  if (head != NULL && asprintf(&msg, "%s: %s", head, (*err)->msg) >= 0) {
    free((*err)->msg);
    (*err)->msg = msg;
  }
  free(head);
  return -1;
}

void rr_error_free(struct rr_error *err)
{
  if (err == NULL)
    return;
  free(err->msg);
  free(err);
}

void rr_error_clear(struct rr_error **err)
{
  rr_error_free(*err);
  *err = NULL;
}
