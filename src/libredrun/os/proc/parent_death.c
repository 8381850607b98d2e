/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "libredrun/os/proc/parent_death.h"

#define RR_REDPAK_DIE_WITH_PARENT "bzh.redpesk.redpak.die-with-parent"

bool rr_proc_wants_parent_death(const oci_config *cfg)
{
  const char *v = cfg ? oci_string_map_get(cfg->annotations, RR_REDPAK_DIE_WITH_PARENT) : NULL;
  return v != NULL && strcmp(v, "true") == 0;
}

int rr_proc_arm_parent_death(struct rr_error **err)
{
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    return rr_fail_errno(err, "annotation `%s`: prctl(PR_SET_PDEATHSIG)",
                         RR_REDPAK_DIE_WITH_PARENT);
  return 0;
}
