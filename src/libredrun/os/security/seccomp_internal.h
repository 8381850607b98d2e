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
 * The shape of the program a section compiles to, with the same verdict for
 * every input (tests/unit/test_seccomp_bpf checks it):
 *  - RR_SECCOMP_LIST: libseccomp's default, one compare per syscall number
 *    and architecture in a linear list;
 *  - RR_SECCOMP_TREE: libseccomp's binary tree sorted by syscall number
 *    (SCMP_FLTATR_CTL_OPTIMIZE 2);
 *  - RR_SECCOMP_RANGES: the tree with its syscall-number dispatch compacted
 *    to range checks (rr_seccomp_bpf_compact): what redrun loads.
 * The kernel's cost of loading a filter grows with its size and, for its
 * cache of always-allowed syscalls, with the length of the walk to each
 * number's verdict. Podman's profile on the project machine: list 1,125
 * instructions, ≈ 0.93 ms of CPU to load; tree 1,408, ≈ 0.40 ms; ranges 327,
 * ≈ 0.13 ms.
 */
enum rr_seccomp_shape { RR_SECCOMP_LIST = 1, RR_SECCOMP_TREE, RR_SECCOMP_RANGES };
int rr_seccomp_compile(const oci_seccomp *s, enum rr_seccomp_shape shape,
                       struct sock_filter **insns, size_t *n, struct rr_error **err) RR_WUR;

/*
 * rr_seccomp_compile() in a forked child that sends the program (or the
 * error, unchanged) back through a pipe, with a deadline: libseccomp 2.5.4's
 * seccomp_rule_add() never returns for some pairs of rules on one syscall that
 * compare two arguments each. On timeout the child is killed and reaped and
 * the call fails naming .linux.seccomp. The bound is 10 s, or
 * $REDRUN_SECCOMP_COMPILE_TIMEOUT_MS (for tests). What rr_seccomp_prepare()
 * uses on a cache miss; a hit never forks.
 */
int rr_seccomp_compile_bounded(const oci_seccomp *s, enum rr_seccomp_shape shape,
                               struct sock_filter **insns, size_t *n, struct rr_error **err) RR_WUR;

/*
 * Replace libseccomp's compare-per-syscall-number dispatch with range checks
 * (see seccomp_bpf.c): same verdict for every input, fewer instructions for
 * the kernel to load. 0 and a new program in *out, or -1: keep `p`.
 */
int rr_seccomp_bpf_compact(const struct sock_filter *p, size_t n, struct sock_filter **out,
                           size_t *n_out);

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
/* An entry also carries `meta`, bytes its maker needs back at a hit (the
 * load settings of a raw-keyed section; NULL: none kept or wanted). */
bool rr_seccomp_cache_load(const char *dir, const struct rr_buf *key, struct sock_filter **insns,
                           size_t *n, struct rr_buf *meta);
void rr_seccomp_cache_store(const char *dir, const struct rr_buf *key,
                            const struct sock_filter *insns, size_t n, const struct rr_buf *meta);

/* Send the notify fd with the container process state to the listener
 * (runtime-spec "Container process state"). */
int rr_seccomp_notify_send(int sock, int notify_fd, const char *state_json, const char *metadata,
                           struct rr_error **err) RR_WUR;

#endif
