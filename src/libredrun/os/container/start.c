/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/container/hooks.h"
#include "libredrun/os/container/internal.h"

oci_config *rr_container_frozen_config(const struct rr_cdir *d, struct rr_error **err)
{
  _cleanup_free_ char *path = rr_xasprintf("%s/%s", d->path, RR_STATE_CONFIG);
  return oci_config_parse_file(path, err);
}

int rr_container_do_start(struct rr_cdir *d, const struct rr_state *st, const oci_config *cfg,
                          struct rr_error **err)
{
  _cleanup_close_ int fd = openat(d->fd, RR_STATE_FIFO, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    /* ENXIO: nobody holds the read side any more, the process is gone */
    if (errno == ENXIO || errno == ENOENT)
      return rr_fail(err, RR_ERR_STATE, errno, "cannot start a container that has stopped");
    return rr_fail_errno(err, "open `%s/%s`", d->path, RR_STATE_FIFO);
  }
  char one = '1';
  if (write(fd, &one, 1) != 1)
    return rr_fail_errno(err, "release the container process");
  unlinkat(d->fd, RR_STATE_FIFO, 0);
  if (cfg != NULL && rr_hooks_count(cfg->hooks, RR_HOOK_POSTSTART) > 0) {
    _cleanup_free_ char *sj = rr_container_state_json(st, RR_STATUS_RUNNING);
    rr_hooks_run_warn(cfg->hooks, RR_HOOK_POSTSTART, sj);
  }
  return 0;
}

int rr_container_start(const struct rr_runtime *rt, const char *id, struct rr_error **err)
{
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  if (rr_container_load(rt, id, LOCK_EX, &d, &st, err) < 0)
    return -1;
  int r = -1;
  enum rr_status s = rr_container_status(d, st);
  if (st == NULL)
    rr_fail(err, RR_ERR_STATE, 0, "container `%s` has no state (a create failed midway)", id);
  else if (s == RR_STATUS_STOPPED)
    rr_fail(err, RR_ERR_STATE, 0, "cannot start a container that has stopped");
  else if (s != RR_STATUS_CREATED)
    rr_fail(err, RR_ERR_STATE, 0, "cannot start an already running container");
  else {
    /* the frozen config is parsed only for its poststart hooks */
    oci_config *cfg = st->late_hooks ? rr_container_frozen_config(d, err) : NULL;
    if (cfg != NULL || !st->late_hooks) {
      r = rr_container_do_start(d, st, cfg, err);
      oci_config_free(cfg);
    }
  }
  rr_state_free(st);
  rr_cdir_free(d);
  return r;
}
