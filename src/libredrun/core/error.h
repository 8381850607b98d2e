/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_ERROR_H
#define RR_ERROR_H

#include <stdarg.h>

/*
 * Error convention of the whole tree:
 *   int f(..., struct rr_error **err)   returns 0 on success, -1 with *err set;
 *   T *f(..., struct rr_error **err)    returns NULL with *err set.
 * rr_fail() creates the error, rr_wrap() prefixes context on the way up so the
 * final message reads outer -> inner: "create `c1`: mount `/proc`: permission denied".
 * Branch on the kind, never on the message text.
 */
enum rr_error_kind {
  RR_ERR_INVALID = 1, /* bad input: config, CLI, id, YAML */
  RR_ERR_NOT_FOUND,   /* e.g. container does not exist */
  RR_ERR_EXISTS,      /* e.g. container id already in use */
  RR_ERR_STATE,       /* operation not valid in the current state */
  RR_ERR_UNSUPPORTED, /* host or build lacks the feature */
  RR_ERR_SYSTEM,      /* a syscall failed */
};

struct rr_error {
  enum rr_error_kind kind;
  int errnum; /* errno of the failing call, 0 if none */
  char *msg;
};

#define RR_WUR __attribute__((warn_unused_result))
#define RR_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Set *err (if err is not NULL) and return -1. */
int rr_fail(struct rr_error **err, enum rr_error_kind kind, int errnum, const char *fmt, ...)
    RR_PRINTF(4, 5);
/* Same with a message formatted from a va_list. */
int rr_vfail(struct rr_error **err, enum rr_error_kind kind, int errnum, const char *fmt,
             va_list ap) RR_PRINTF(4, 0);
/* Errno-based failure: kind SYSTEM, message "<fmt>: <strerror(errno)>". */
int rr_fail_errno(struct rr_error **err, const char *fmt, ...) RR_PRINTF(2, 3);
/* Same with an explicit errno value. */
int rr_fail_errnum(struct rr_error **err, int errnum, const char *fmt, ...) RR_PRINTF(3, 4);
/* Prefix "<fmt>: " to an existing error and return -1. */
int rr_wrap(struct rr_error **err, const char *fmt, ...) RR_PRINTF(2, 3);

void rr_error_free(struct rr_error *err);
/* Free *err and set it to NULL. */
void rr_error_clear(struct rr_error **err);

static inline void rr_error_freep(struct rr_error **err)
{
  rr_error_free(*err);
}
#define _cleanup_error_ __attribute__((cleanup(rr_error_freep)))

#endif
