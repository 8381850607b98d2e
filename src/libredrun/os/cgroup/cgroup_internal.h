/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_CGROUP_INTERNAL_H
#define RR_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * linux.resources are first turned into a plan (a list of file writes),
 * with no system access, then the plan is applied. The per-controller files
 * (cg_<controller>.c) each turn their part of the OCI resources into writes.
 */
struct rr_cg_write {
  const char *controller; /* needed in the cgroup; NULL for core cgroup.* files */
  char *file;
  char *value;
  /* Written instead when `file` does not exist (io.bfq.weight -> io.weight). */
  char *alt_file;
  char *alt_value;
  bool optional; /* skipped when the file does not exist (hugetlb rsvd) */
};

struct rr_cg_plan {
  struct rr_cg_write *w;
  size_t n, cap;
  /* The memory limit the plan sets, for the swap conversion on update:
   * set_limit false when the resources do not touch memory.max. */
  bool set_limit;
  int64_t limit;
};

void rr_cg_plan_add(struct rr_cg_plan *p, const char *controller, const char *file, const char *fmt,
                    ...) RR_PRINTF(4, 5);
/* Same with a fallback file/value used when `file` is absent. */
void rr_cg_plan_add_alt(struct rr_cg_plan *p, const char *controller, const char *file,
                        const char *value, const char *alt_file, const char *alt_value);
void rr_cg_plan_clear(struct rr_cg_plan *p);

/* Build the plan for RES. current_limit: memory.max now in place (-1 for
 * "max"), used to convert a swap total given without a memory limit (update). */
int rr_cg_plan_build(const oci_linux_resources *res, int64_t current_limit, struct rr_cg_plan *p,
                     struct rr_error **err) RR_WUR;

int rr_cg_plan_memory(const oci_memory *m, int64_t current_limit, struct rr_cg_plan *p,
                      struct rr_error **err) RR_WUR;
int rr_cg_plan_cpu(const oci_cpu *c, struct rr_cg_plan *p, struct rr_error **err) RR_WUR;
int rr_cg_plan_cpuset(const oci_cpu *c, struct rr_cg_plan *p, struct rr_error **err) RR_WUR;
int rr_cg_plan_io(const oci_block_io *b, struct rr_cg_plan *p, struct rr_error **err) RR_WUR;
int rr_cg_plan_pids(const oci_pids *pids, struct rr_cg_plan *p, struct rr_error **err) RR_WUR;
int rr_cg_plan_hugetlb(oci_hugepage_limit *const *h, size_t n, struct rr_cg_plan *p,
                       struct rr_error **err) RR_WUR;
int rr_cg_plan_rdma(const oci_rdma_map *r, struct rr_cg_plan *p, struct rr_error **err) RR_WUR;
int rr_cg_plan_unified(const oci_string_map *u, struct rr_cg_plan *p, struct rr_error **err) RR_WUR;

/* Conversions engines expect (runc / crun, cgroup v2). */
uint64_t rr_cg_shares_to_weight(uint64_t shares);   /* cpu.shares 2..262144 -> 1..10000 */
uint64_t rr_cg_blkio_to_io_weight(uint64_t weight); /* blkio 10..1000 -> io.weight 1..10000 */
/* OCI memory.swap is memory+swap; v2 memory.swap.max is swap alone. -1 = max. */
int rr_cg_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, struct rr_error **err) RR_WUR;

/* Device access: a BPF_CGROUP_DEVICE program from linux.resources.devices
 * followed by the default allow list (/dev/null, zero, full, random, urandom,
 * tty, console, ptmx, pts); anything else is denied. linux.devices entries
 * are not allowed implicitly: engines add rules for the devices they pass. */
struct rr_cg_dev_rule {
  char type;            /* 'a', 'b', 'c' */
  int64_t major, minor; /* -1 = any */
  unsigned access;      /* BPF_DEVCG_ACC_* bits */
  bool allow;
};
int rr_cg_devices_rules(const oci_linux_resources *res, struct rr_cg_dev_rule **out, size_t *n,
                        struct rr_error **err) RR_WUR;
/* The program's instructions (struct bpf_insn), malloc'd; *count instructions. */
void *rr_cg_devices_program(const struct rr_cg_dev_rule *rules, size_t n, size_t *count);
/* The program loaded into the kernel: its fd, or -1 with *err (the
 * verifier's reason when it refuses). */
int rr_cg_devices_load(const void *prog, size_t count, struct rr_error **err) RR_WUR;
/* Load the program and attach it to the cgroup (BPF_F_ALLOW_MULTI); programs
 * of ours attached before (update) are detached afterwards. */
int rr_cg_devices_attach(int cgfd, const struct rr_cg_dev_rule *rules, size_t n,
                         struct rr_error **err) RR_WUR;

/* Small file helpers relative to a cgroup directory fd. */
int rr_cg_write_file(int dirfd, const char *file, const char *value, struct rr_error **err) RR_WUR;
/* Read a whole (small) file, NUL-terminated; NULL with errno set on failure. */
/* Value of `key` in a flat keyed file ("key value" lines: cgroup.events, cpu.stat...). */
bool rr_cg_keyed_value(const char *text, const char *key, uint64_t *out);
char *rr_cg_read_file(int dirfd, const char *file);

/* The cgroup2 mount redrun uses ("/sys/fs/cgroup" or "/sys/fs/cgroup/unified"),
 * and the host mode ("unified", "hybrid"); NULL when there is no cgroup v2. */
const char *rr_cg_mountpoint(const char **mode);

#endif
