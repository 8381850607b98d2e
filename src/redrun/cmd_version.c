/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <seccomp.h>
#include <stdio.h>

#include "redrun/commands.h"

int rr_cmd_version(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  const struct scmp_version *sv = seccomp_version();
  /* runc's shape: engines parse the first line ("<name> version X") */
  printf("redrun version %s\n", PACKAGE_VERSION);
  printf("commit: %s\n", RR_GIT_COMMIT);
  printf("spec: %s\n", RR_OCI_VERSION);
  printf("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
  printf("features: +SECCOMP +CAP +CGROUPV2 +YAJL"
#ifdef RR_STATIC
         " +STATIC"
#endif
         "\n");
  return 0;
}
