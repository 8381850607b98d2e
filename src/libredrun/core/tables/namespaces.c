/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <sched.h>
#include <string.h>

#include "libredrun/core/tables/namespaces.h"
#include "libredrun/core/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Order matters to the runtime: the user namespace is joined first so that the
 * other joins are done with the capabilities it grants; mount comes last of the
 * joins because joining it changes how later /proc paths resolve. */
const struct rr_ns_info rr_ns_table[] = {
    {"user", "user", CLONE_NEWUSER},  {"cgroup", "cgroup", CLONE_NEWCGROUP},
    {"ipc", "ipc", CLONE_NEWIPC},     {"uts", "uts", CLONE_NEWUTS},
    {"network", "net", CLONE_NEWNET}, {"pid", "pid", CLONE_NEWPID},
    {"time", "time", CLONE_NEWTIME},  {"mount", "mnt", CLONE_NEWNS},
};
const size_t rr_ns_table_len = RR_ARRAY_SIZE(rr_ns_table);

const struct rr_ns_info *rr_ns_by_oci_name(const char *name)
{
  for (size_t i = 0; name && i < rr_ns_table_len; i++)
    if (strcmp(rr_ns_table[i].oci_name, name) == 0)
      return &rr_ns_table[i];
  return NULL;
}

const struct rr_ns_info *rr_ns_by_flag(int clone_flag)
{
  for (size_t i = 0; i < rr_ns_table_len; i++)
    if (rr_ns_table[i].clone_flag == clone_flag)
      return &rr_ns_table[i];
  return NULL;
}
