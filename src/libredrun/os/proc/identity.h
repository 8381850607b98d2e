/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_PROC_IDENTITY_H
#define RR_PROC_IDENTITY_H

#include <stdbool.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/* Container process setup steps, in the order the child calls them. */

/* process.rlimits: a hard limit above the host's without CAP_SYS_RESOURCE is
 * an error naming the limit. */
int rr_proc_set_rlimits(const oci_process *p, struct rr_error **err) RR_WUR;
/* process.oomScoreAdj, written to /proc/self: before rr_proc_set_undumpable
 * and the switch to a user namespace's root, which give that file to the
 * host's root. */
int rr_proc_set_oom_score_adj(const oci_process *p, struct rr_error **err) RR_WUR;
/* PR_SET_DUMPABLE 0: from here to execve (which resets it) no process with
 * our uid and capabilities, a container process included, may ptrace us or
 * open our /proc/<pid>/exe, environ, mem or fds; our /proc/<pid> files then
 * belong to root. */
int rr_proc_set_undumpable(struct rr_error **err) RR_WUR;
/* Drop from the bounding set what process.capabilities.bounding lacks (needs
 * CAP_SETPCAP, so before the identity change). */
int rr_proc_drop_bounding(const oci_process *p, struct rr_error **err) RR_WUR;
/* setgroups(additionalGids), setresgid, setresuid, umask, keeping the
 * permitted capabilities across the uid change. in_userns: setgroups may be denied. */
int rr_proc_set_user(const oci_process *p, bool in_userns, struct rr_error **err) RR_WUR;
/* effective, permitted, inheritable, then ambient. */
int rr_proc_set_caps(const oci_process *p, struct rr_error **err) RR_WUR;
int rr_proc_set_no_new_privs(const oci_process *p, struct rr_error **err) RR_WUR;

#endif
