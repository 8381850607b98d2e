/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_SECCOMP_H
#define RR_SECCOMP_H

#include <stdbool.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * Seccomp in two steps so that the child does no compiling:
 *  - rr_seccomp_prepare() in the parent, before clone: validates the section and
 *    compiles it to BPF, cached on disk by a hash of the canonical section in
 *    `state_root`/.seccomp-cache (state_root is the runtime's --root; the
 *    directory is created 0700 and used only when private to the user; NULL:
 *    no cache); *out is NULL when the config has no seccomp. A miss compiles
 *    in a forked child, reaped before return, with a 10 s bound (libseccomp
 *    2.5.4 can loop forever on some rules); a hit forks nothing;
 *  - rr_seccomp_install() in the child, the very last step before execve (after
 *    no_new_privs, identity and capabilities). When the filter uses
 *    SCMP_ACT_NOTIFY and listenerPath is set, `listener_sock` is a unix socket
 *    already connected to listenerPath (connected before pivot_root): the
 *    notify fd is sent over it with `state_json` and listenerMetadata.
 * Ordering the caller must keep: the kernel loads a filter only under
 * no_new_privs or with CAP_SYS_ADMIN in the effective set. noNewPrivileges
 * true: prctl(PR_SET_NO_NEW_PRIVS), setgroups/setuid/capabilities, then
 * install, then execve. noNewPrivileges false: install while CAP_SYS_ADMIN is
 * still effective (before the identity and capability drop), so the filter
 * then also governs those last calls (runc and crun do the same).
 * The "pid" sent to the listener is `state_json`'s "pid" (the runtime's view).
 */
struct rr_seccomp;

int rr_seccomp_prepare(const oci_seccomp *s, const char *state_root, struct rr_seccomp **out,
                       struct rr_error **err) RR_WUR;
/*
 * rr_seccomp_prepare() of a section given as the bytes of its JSON object in
 * `source` (config.json, parsed with linux.seccomp left raw): the cache is
 * keyed by those bytes, so a hit parses and validates nothing; a miss parses
 * and validates them (errors name .linux.seccomp...) and compiles.
 */
int rr_seccomp_prepare_raw(const char *raw, size_t len, const char *source, const char *state_root,
                           struct rr_seccomp **out, struct rr_error **err) RR_WUR;
bool rr_seccomp_wants_listener(const struct rr_seccomp *sc);
int rr_seccomp_install(const struct rr_seccomp *sc, int listener_sock, const char *state_json,
                       struct rr_error **err) RR_WUR;
void rr_seccomp_free(struct rr_seccomp *sc);

/* A unix socket connected to listenerPath, for rr_seccomp_install(); call it
 * when rr_seccomp_wants_listener() and the host path is still reachable
 * (in the parent before clone, or in the child before pivot_root). */
int rr_seccomp_listener_connect(const struct rr_seccomp *sc, struct rr_error **err) RR_WUR;

#endif
