/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TEST_UNIT_FILES_H
#define RR_TEST_UNIT_FILES_H

/* Files for the C unit tests: read a whole file, remove a scratch tree. */
#include <stdio.h>
#include <stdlib.h>

#include "libredrun/core/util.h"

/* The file's bytes, NUL-terminated (malloc'd), or NULL when it cannot be
 * opened; *len (if not NULL) gets their count. */
static inline char *test_slurp(const char *path, size_t *len)
{
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  if (f == NULL)
    return NULL;
  char *buf = NULL;
  size_t n_buf = 0;
  FILE *m = open_memstream(&buf, &n_buf);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    fwrite(chunk, 1, n, m);
  fclose(m);
  if (len != NULL)
    *len = n_buf;
  return buf;
}

/* Remove a test's scratch directory; a failure is reported, not fatal. */
static inline void test_rm_rf(const char *dir)
{
  _cleanup_free_ char *cmd = rr_xasprintf("rm -rf '%s'", dir);
  if (system(cmd) != 0)
    printf("# cleanup of %s failed\n", dir);
}

#endif
