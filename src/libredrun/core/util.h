/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_UTIL_H
#define RR_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Scope-bound ownership: early returns cannot leak. Hand ownership out with
 * steal_ptr()/steal_fd(). */
static inline void rr_freep(void *p)
{
  free(*(void **)p);
}
static inline void rr_closep(int *fd)
{
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}
static inline void rr_fclosep(FILE **f)
{
  if (*f != NULL)
    fclose(*f);
}
static inline void rr_strvfreep(char ***v)
{
  if (*v == NULL)
    return;
  for (char **p = *v; *p != NULL; p++)
    free(*p);
  free(*v);
}

#define _cleanup_free_ __attribute__((cleanup(rr_freep)))
#define _cleanup_close_ __attribute__((cleanup(rr_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(rr_fclosep)))
#define _cleanup_strv_ __attribute__((cleanup(rr_strvfreep)))

#define steal_ptr(p)                                                                               \
  ({                                                                                               \
    __typeof__(p) steal_tmp_ = (p);                                                                \
    (p) = NULL;                                                                                    \
    steal_tmp_;                                                                                    \
  })
#define steal_fd(fd)                                                                               \
  ({                                                                                               \
    int steal_tmp_ = (fd);                                                                         \
    (fd) = -1;                                                                                     \
    steal_tmp_;                                                                                    \
  })

#define RR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure is not a recoverable condition for a runtime. */
void *rr_xmalloc(size_t n);
void *rr_xcalloc(size_t n, size_t size);
void *rr_xrealloc(void *p, size_t n);
char *rr_xstrdup(const char *s);
char *rr_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* write(2) until all of buf is written, retrying on EINTR. -1 with errno set
 * on failure (EIO when the kernel accepts nothing). */
int rr_write_all(int fd, const void *buf, size_t len);

#endif
