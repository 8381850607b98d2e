/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_SECCOMP_INTERNAL_H
#define RR_SECCOMP_INTERNAL_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/* What rr_seccomp_prepare() hands to the child: a ready BPF program and the
 * load-time flags; no libseccomp state crosses clone. */
struct rr_seccomp {
  struct sock_filter *insns;
  size_t n_insns;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* from .flags */
  bool notify;        /* some rule uses SCMP_ACT_NOTIFY */
  bool cache_hit;     /* the program came from the on-disk cache */
  char *listener_path;
  char *listener_metadata;
};

/* Growable byte string: the canonical form of a seccomp section. */
struct rr_buf {
  unsigned char *data;
  size_t len, cap;
};

/*
 * The shape of the program libseccomp generates (SCMP_FLTATR_CTL_OPTIMIZE):
 * 2 is a binary tree sorted by syscall number, 1 its default linear list of
 * compares, with the same verdict for every input. The tree halves the
 * kernel's cost of loading podman's profile (≈ 1.0 → 0.45 ms of CPU on the
 * project machine): to build its cache of always-allowed syscalls the kernel
 * emulates the filter once per syscall number and architecture, and in the
 * list the walk to a number's compare is hundreds of instructions long.
 */
#define RR_SECCOMP_OPTIMIZE 2
int rr_seccomp_compile(const oci_seccomp *s, int optimize, struct sock_filter **insns, size_t *n,
                       struct rr_error **err) RR_WUR;

/*
 * On-disk cache of compiled programs, keyed by the canonical section (which
 * also names the libseccomp version and the redrun build), in
 * <state root>/RR_SECCOMP_CACHE_NAME (a name no container id can take). The
 * hash only picks the file name: a hit requires the stored key to match byte
 * for byte, so a hash collision is a miss, never a wrong filter. Every failure
 * is a miss. A hit costs an open and one read; a store (after a miss) keeps at
 * most RR_SECCOMP_CACHE_MAX entries, evicting the least recently used.
 */
#define RR_SECCOMP_CACHE_NAME ".seccomp-cache"
#define RR_SECCOMP_CACHE_MAX 64
char *rr_seccomp_cache_dir(const char *state_root);
bool rr_seccomp_cache_load(const char *dir, const struct rr_buf *key, struct sock_filter **insns,
                           size_t *n);
void rr_seccomp_cache_store(const char *dir, const struct rr_buf *key,
                            const struct sock_filter *insns, size_t n);

/* Send the notify fd with the container process state to the listener
 * (runtime-spec "Container process state"). */
int rr_seccomp_notify_send(int sock, int notify_fd, const char *state_json, const char *metadata,
                           struct rr_error **err) RR_WUR;

#endif
