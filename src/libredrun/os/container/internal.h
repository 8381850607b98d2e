/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_CONTAINER_INTERNAL_H
#define RR_CONTAINER_INTERNAL_H

#include <signal.h>
#include <sys/types.h>

#include "libredrun/os/container/container.h"
#include "libredrun/os/state/state.h"
#include "oci_types.h"

/* A container just created, still held by the creating process. */
struct rr_created {
  oci_config *cfg;
  struct rr_cdir *d; /* locked LOCK_EX */
  struct rr_state *st;
  pid_t pid;
  int pidfd;
  int pty_master; /* foreground run with a terminal and no console socket; else -1 */
  bool started;   /* no exec fifo (foreground, no hooks): the process runs already */
};

/* create; foreground: the container stays our child (run), otherwise it
 * becomes a child of our caller. On failure nothing is left behind. */
int rr_container_do_create(const struct rr_runtime *rt, const struct rr_create_opts *o,
                           bool foreground, struct rr_created *c, struct rr_error **err) RR_WUR;
void rr_created_release(struct rr_created *c);
/* Release the process from the exec fifo and run the poststart hooks. */
int rr_container_do_start(struct rr_cdir *d, const struct rr_state *st, const oci_config *cfg,
                          struct rr_error **err) RR_WUR;
/* Kill what is left, run poststop hooks, remove the cgroup and the state dir.
 * reaped: the caller has waited for the container's process (run), which
 * then needs no liveness check. */
int rr_container_do_destroy(struct rr_cdir *d, const struct rr_state *st, const oci_config *cfg,
                            bool reaped, struct rr_error **err) RR_WUR;
/* The signals a foreground run/exec relays to the container. */
void rr_relay_sigset(sigset_t *set);
/* Relay signals (blocked in `set` by the caller) and the terminal (pty_master
 * >= 0) to our child pid until it exits; returns its status (128+N for a signal). */
int rr_container_wait_relay(pid_t pid, int pidfd, int pty_master, const sigset_t *set);
/* The hooks' state JSON for a status. */
char *rr_container_state_json(const struct rr_state *st, enum rr_status status);
/* Parse the frozen config.json of a container. */
oci_config *rr_container_frozen_config(const struct rr_cdir *d, struct rr_error **err);

/* Open (and lock: LOCK_EX, LOCK_SH or 0) a container and read its state.
 * A container whose create is in progress, or crashed before writing its
 * state, has *st == NULL (only possible with lock == 0 or after a crash). */
int rr_container_load(const struct rr_runtime *rt, const char *id, int lock, struct rr_cdir **d,
                      struct rr_state **st, struct rr_error **err) RR_WUR;
/* Live status, paused included. */
enum rr_status rr_container_status(const struct rr_cdir *d, const struct rr_state *st);
/* pause, resume, update (lock LOCK_EX), events, ps (lock 0): `id` loaded,
 * created, running or paused as `want` asks, and with a cgroup (`no_cgroup`
 * ends the error "container `ID` has no cgroup: ..."). On failure nothing is
 * kept. */
enum rr_live_want { RR_LIVE_ANY, RR_LIVE_PAUSED, RR_LIVE_NOT_PAUSED };
int rr_container_load_live(const struct rr_runtime *rt, const char *id, int lock,
                           enum rr_live_want want, const char *no_cgroup, struct rr_cdir **d,
                           struct rr_state **st, struct rr_error **err) RR_WUR;
/* The same, unlocked, for readers: only the cgroup path (to free), or NULL. */
char *rr_container_live_cgroup(const struct rr_runtime *rt, const char *id, const char *no_cgroup,
                               struct rr_error **err);
/* Signal the recorded process through a pidfd, after checking it is still the
 * same process (start time). ESRCH when it is gone. */
int rr_container_signal(const struct rr_state *st, int sig, struct rr_error **err) RR_WUR;
/* Wait (bounded) until the recorded process has exited. */
void rr_container_wait_gone(const struct rr_state *st, int timeout_ms);

#endif
