/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "libredrun/core/util.h"

static void *oom(void *p)
{
  if (p == NULL) {
    /* allocation failure leaves no way to report: stop here loudly */
    static const char msg[] = "redrun: out of memory\n";
    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
    }
    abort();
  }
  return p;
}

void *rr_xmalloc(size_t n)
{
  return oom(malloc(n ? n : 1));
}

void *rr_xcalloc(size_t n, size_t size)
{
  return oom(calloc(n ? n : 1, size ? size : 1));
}

void *rr_xrealloc(void *p, size_t n)
{
  return oom(realloc(p, n ? n : 1));
}

char *rr_xstrdup(const char *s)
{
  return s ? oom(strdup(s)) : NULL;
}

char *rr_xasprintf(const char *fmt, ...)
{
  char *s = NULL;
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&s, fmt, ap);
  va_end(ap);
  return oom(r < 0 ? NULL : s);
}

int rr_write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0) {
      errno = EIO;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}
