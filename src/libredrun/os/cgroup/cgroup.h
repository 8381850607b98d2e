/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_CGROUP_H
#define RR_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "libredrun/core/error.h"
#include "libredrun/core/json.h"
#include "oci_types.h"

/*
 * cgroup v2 for one container. On a hybrid host the mounted v2 hierarchy is
 * used (e.g. /sys/fs/cgroup/unified); a limit whose controller is missing
 * there is an error naming the controller.
 *
 * Create flow (parent, before clone):
 *   rr_cgroup_prepare()  computes the path and checks resources: no writes;
 *   rr_cgroup_create()   mkdir (+ parents), enables controllers, writes the
 *                        limits, attaches the device eBPF program;
 *   rr_cgroup_dirfd()    fd for clone3 CLONE_INTO_CGROUP;
 *   rr_cgroup_path()     absolute path to keep in the container state.
 * On a failed create: rr_cgroup_destroy(rr_cgroup_path(cg)).
 * Later commands work from the path kept in the state.
 */
struct rr_cgroup;

struct rr_cgroup_opts {
  const char *manager; /* "cgroupfs" (default), "systemd", "disabled" */
  bool systemd;        /* --systemd-cgroup: cgroupsPath is slice:prefix:name */
};

int rr_cgroup_prepare(const oci_config *cfg, const char *id, const struct rr_cgroup_opts *opts,
                      struct rr_cgroup **out, struct rr_error **err) RR_WUR;
int rr_cgroup_create(struct rr_cgroup *cg, struct rr_error **err) RR_WUR;
int rr_cgroup_dirfd(const struct rr_cgroup *cg);        /* -1 when disabled */
const char *rr_cgroup_path(const struct rr_cgroup *cg); /* NULL when disabled */
/* Fallback when clone3 cannot place the child: write pid to cgroup.procs. */
int rr_cgroup_enter(const struct rr_cgroup *cg, pid_t pid, struct rr_error **err) RR_WUR;
void rr_cgroup_free(struct rr_cgroup *cg);

/* Operations on an existing container cgroup, by absolute path. */
int rr_cgroup_destroy(const char *path, struct rr_error **err) RR_WUR; /* kill, wait empty, rmdir */
int rr_cgroup_kill_all(const char *path, int sig, struct rr_error **err) RR_WUR;
int rr_cgroup_freeze(const char *path, bool freeze, struct rr_error **err) RR_WUR;
int rr_cgroup_is_frozen(const char *path, bool *frozen, struct rr_error **err) RR_WUR;
int rr_cgroup_pids(const char *path, pid_t **pids, size_t *n, struct rr_error **err) RR_WUR;
int rr_cgroup_update(const char *path, const oci_linux_resources *res,
                     struct rr_error **err) RR_WUR;
/* runc-shaped stats object ({"cpu":…,"memory":…,"pids":…,"blkio":…}) for `events`,
 * written to g as member `key` (NULL: an array element or the top value). */
int rr_cgroup_stats(const char *path, struct rr_json *g, const char *key,
                    struct rr_error **err) RR_WUR;

#endif
