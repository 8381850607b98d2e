/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>

#include "libredrun/core/error.h"
#include "libredrun/core/ids.h"
#include "tests/unit/tap.h"

static void test_error_wrap(void)
{
  struct rr_error *err = NULL;
  errno = EACCES;
  int r = rr_fail_errno(&err, "mount `%s`", "/proc");
  TAP_OK(r == -1 && err != NULL, "rr_fail_errno returns -1 and sets the error");
  rr_wrap(&err, "create `%s`", "c1");
  TAP_STR_EQ(err->msg, "create `c1`: mount `/proc`: Permission denied", "wrap reads outer to inner");
  TAP_OK(err->kind == RR_ERR_SYSTEM && err->errnum == EACCES, "kind and errno kept");
  rr_error_free(err);
}

static void test_ids(void)
{
  struct rr_error *err = NULL;
  const char *good[] = {"a", "c1", "my.container_1+x-y", "0123456789abcdef"};
  for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
    TAP_OK(rr_id_validate(good[i], NULL) == 0, "id `%s` is valid", good[i]);
  const char *bad[] = {"", ".", "..", ".hidden", "a/b", "../x", "a b", "a\nb", "é"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    TAP_OK(rr_id_validate(bad[i], &err) < 0 && err && err->kind == RR_ERR_INVALID,
           "id `%s` is rejected", bad[i]);
    rr_error_clear(&err);
  }
  char longid[RR_ID_MAX + 2];
  memset(longid, 'a', sizeof(longid) - 1);
  longid[sizeof(longid) - 1] = '\0';
  TAP_OK(rr_id_validate(longid, NULL) < 0, "overlong id rejected");
}

int main(void)
{
  test_error_wrap();
  test_ids();
  return tap_done();
}
