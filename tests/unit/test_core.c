/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>

#include "libredrun/core/error.h"
#include "libredrun/core/ids.h"
#include "libredrun/core/tables/capabilities.h"
#include "libredrun/core/tables/namespaces.h"
#include "libredrun/core/tables/signals.h"
#include <sched.h>
#include <signal.h>
#include "tests/unit/tap.h"

static void test_error_wrap(void)
{
  struct rr_error *err = NULL;
  errno = EACCES;
  int r = rr_fail_errno(&err, "mount `%s`", "/proc");
  TAP_OK(r == -1 && err != NULL, "rr_fail_errno returns -1 and sets the error");
  rr_wrap(&err, "create `%s`", "c1");
  TAP_STR_EQ(err->msg, "create `c1`: mount `/proc`: Permission denied",
             "wrap reads outer to inner");
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

static void test_tables(void)
{
  TAP_OK(rr_signal_parse("KILL") == SIGKILL, "KILL");
  TAP_OK(rr_signal_parse("SIGTERM") == SIGTERM, "SIGTERM");
  TAP_OK(rr_signal_parse("sigusr1") == SIGUSR1, "lower case sigusr1");
  TAP_OK(rr_signal_parse("9") == 9, "numeric 9");
  TAP_OK(rr_signal_parse("RTMIN+2") == SIGRTMIN + 2, "RTMIN+2");
  TAP_OK(rr_signal_parse("FOO") == -1 && rr_signal_parse("0") == -1 && rr_signal_parse("9x") == -1,
         "bad signals rejected");
  TAP_STR_EQ(rr_signal_name(SIGHUP), "SIGHUP", "name of SIGHUP");
  TAP_OK(rr_cap_from_name("CAP_SYS_ADMIN") == 21, "CAP_SYS_ADMIN is 21");
  TAP_OK(rr_cap_from_name("sys_admin") == 21, "red-pak spelling sys_admin");
  TAP_OK(rr_cap_from_name("CAP_NOPE") == -1, "unknown capability");
  TAP_STR_EQ(rr_cap_name(RR_CAP_LAST), "CAP_CHECKPOINT_RESTORE", "last capability");
  TAP_OK(rr_ns_by_oci_name("network")->clone_flag == CLONE_NEWNET, "network namespace flag");
  TAP_OK(rr_ns_by_oci_name("net") == NULL, "proc name is not an OCI name");
  TAP_STR_EQ(rr_ns_by_flag(CLONE_NEWNS)->proc_name, "mnt", "mount namespace proc name");
}

int main(void)
{
  test_tables();
  test_error_wrap();
  test_ids();
  return tap_done();
}
