/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/file.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/container/hooks.h"
#include "libredrun/os/container/internal.h"

int rr_container_do_destroy(struct rr_cdir *d, const struct rr_state *st, const oci_config *cfg,
                            bool reaped, struct rr_error **err)
{
  if (st != NULL) {
    if (!reaped && rr_state_pid_alive(st)) {
      _cleanup_error_ struct rr_error *e = NULL;
      if (rr_container_signal(st, SIGKILL, &e) == 0)
        rr_container_wait_gone(st, 10000);
    }
    if (cfg != NULL && rr_hooks_count(cfg->hooks, RR_HOOK_POSTSTOP) > 0) {
      _cleanup_free_ char *sj = rr_container_state_json(st, RR_STATUS_STOPPED);
      rr_hooks_run_warn(cfg->hooks, RR_HOOK_POSTSTOP, sj);
    }
    /* destroy kills what is left in the cgroup (processes of a container
     * without its own pid namespace), waits for it to empty and removes it */
    if (st->cgroup_path != NULL && rr_cgroup_destroy(st->cgroup_path, err) < 0 &&
        (*err)->errnum != ENOENT)
      return rr_wrap(err, "delete `%s`", d->id);
    rr_error_clear(err);
  }
  return rr_state_remove(d, err);
}

int rr_container_delete(const struct rr_runtime *rt, const char *id, bool force,
                        struct rr_error **err)
{
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  if (rr_container_load(rt, id, LOCK_EX, &d, &st, err) < 0) {
    /* engines delete twice (containerd: delete, then delete --force) */
    if (force && (*err)->kind == RR_ERR_NOT_FOUND) {
      rr_error_clear(err);
      return 0;
    }
    /* a corrupted state.json must not wedge an engine forever: --force
     * removes the directory, saying what could not be cleaned */
    if (force && (*err)->kind == RR_ERR_INVALID &&
        rr_state_open(rt->root, id, LOCK_EX, &d, NULL) == 0) {
      rr_warn("delete `%s`: %s: removing the state; its processes and cgroup are unknown", id,
              (*err)->msg);
      rr_error_clear(err);
      int r = rr_state_remove(d, err);
      rr_cdir_free(d);
      return r;
    }
    return -1;
  }
  int r = -1;
  enum rr_status s = st ? rr_container_status(d, st) : RR_STATUS_STOPPED;
  if (!force && (s == RR_STATUS_RUNNING || s == RR_STATUS_PAUSED)) {
    rr_fail(err, RR_ERR_STATE, 0, "cannot delete container `%s` that is not stopped: %s", id,
            rr_status_name(s));
  } else {
    _cleanup_error_ struct rr_error *cerr = NULL;
    /* the frozen config is parsed only for its poststop hooks */
    oci_config *cfg = st == NULL || st->late_hooks ? rr_container_frozen_config(d, &cerr) : NULL;
    if (cfg == NULL && st != NULL && st->late_hooks)
      rr_warn("delete `%s`: poststop hooks not run: %s", id, cerr->msg);
    r = rr_container_do_destroy(d, st, cfg, false, err);
    oci_config_free(cfg);
  }
  rr_state_free(st);
  rr_cdir_free(d);
  return r;
}
