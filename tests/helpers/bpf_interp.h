/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TESTS_BPF_INTERP_H
#define RR_TESTS_BPF_INTERP_H

/* A classic BPF interpreter for seccomp programs, shared by
 * tests/unit/test_seccomp_bpf and tests/fuzz/fuzz_seccomp_compact: they
 * compare the verdicts of the programs redrun and libseccomp build without
 * loading them. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_verdict {
  uint32_t ret;
  bool read_args; /* the run loaded .args[] or .instruction_pointer */
  bool ok;        /* the program ran to a return */
};

/* Run the program on `d`; !ok on anything the kernel would refuse on the way
 * (a jump or a fall past the end, a bad load, a division by zero). */
struct bpf_verdict bpf_interp_run(const struct sock_filter *f, size_t n,
                                  const struct seccomp_data *d);

/* The static checks of the kernel's classic BPF checker that a rewrite can
 * break: size, known opcodes, jumps inside the program, a return last,
 * loads within struct seccomp_data, scratch memory written before it is
 * read on every path. NULL when they pass, else what failed. */
const char *bpf_interp_check(const struct sock_filter *f, size_t n);

#endif
