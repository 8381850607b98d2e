/* SPDX-License-Identifier: Apache-2.0 */
/* seccomp: the program redrun loads (libseccomp's binary tree with its
 * syscall-number dispatch compacted to ranges) and the plain tree give the
 * same verdict as libseccomp's plain list for every input that matters, checked
 * with a classic BPF interpreter over all syscall numbers of the native, the
 * compat and an unknown architecture, and over argument values around every
 * value the rules compare with. Needs no root and loads nothing. */
#include "config.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/tables/seccomp_names.h"
#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp_internal.h"
#include "oci_types.h"
#include "tests/helpers/bpf_interp.h"
#include "tests/unit/tap.h"
#include "tests/unit/files.h"

struct progs {
  struct sock_filter *list, *tree, *ranges;
  size_t n_list, n_tree, n_ranges;
  uint64_t *vals;
  size_t n_vals;
  long runs, mismatches, broken;
};

static void add_val(struct progs *p, uint64_t v)
{
  for (size_t i = 0; i < p->n_vals; i++)
    if (p->vals[i] == v)
      return;
  p->vals = rr_xrealloc(p->vals, (p->n_vals + 1) * sizeof(*p->vals));
  p->vals[p->n_vals++] = v;
}

/* Argument values worth trying: those the rules compare with, their
 * neighbours, their halves and a few extremes. */
static void collect_vals(struct progs *p, const oci_seccomp *s)
{
  const uint64_t fixed[] = {0, 1, 0xffffffffULL, 0x100000000ULL, UINT64_MAX, 0x8000000000000000ULL};
  for (size_t i = 0; i < RR_ARRAY_SIZE(fixed); i++)
    add_val(p, fixed[i]);
  for (size_t i = 0; i < s->syscalls_len; i++)
    for (size_t j = 0; j < s->syscalls[i]->args_len; j++) {
      const oci_syscall_arg *a = s->syscalls[i]->args[j];
      const uint64_t base[] = {a->value, a->value_two, a->value | a->value_two};
      for (size_t k = 0; k < RR_ARRAY_SIZE(base); k++) {
        add_val(p, base[k]);
        add_val(p, base[k] + 1);
        add_val(p, base[k] - 1);
        add_val(p, base[k] ^ 0x100000000ULL);
        add_val(p, base[k] & 0xffffffffULL);
        add_val(p, ~base[k]);
      }
    }
}

static void compare_one(struct progs *p, const struct seccomp_data *d, bool *args_matter)
{
  struct bpf_verdict l = bpf_interp_run(p->list, p->n_list, d),
                     t = bpf_interp_run(p->tree, p->n_tree, d),
                     r = bpf_interp_run(p->ranges, p->n_ranges, d);
  p->runs++;
  if (!t.ok || !l.ok || !r.ok) {
    if (p->broken++ == 0)
      printf("# program did not return: arch 0x%x nr %d\n", d->arch, d->nr);
    return;
  }
  if ((t.ret != l.ret || r.ret != l.ret) && p->mismatches++ < 5)
    printf("# arch 0x%x nr %d args %llx %llx %llx: list 0x%x tree 0x%x ranges 0x%x\n", d->arch,
           d->nr, (unsigned long long)d->args[0], (unsigned long long)d->args[1],
           (unsigned long long)d->args[2], l.ret, t.ret, r.ret);
  if (args_matter != NULL)
    *args_matter = t.read_args || l.read_args || r.read_args;
}

/* A run whose path read no argument takes that path for any arguments, so
 * argument patterns are tried only where a program looked at them. */
static void compare_nr(struct progs *p, uint32_t arch, int nr)
{
  struct seccomp_data d = {.nr = nr, .arch = arch};
  bool args_matter = false;
  compare_one(p, &d, &args_matter);
  if (!args_matter)
    return;
  for (size_t v = 0; v < p->n_vals; v++) {
    for (int i = 0; i < 6; i++) {
      memset(d.args, 0, sizeof(d.args));
      d.args[i] = p->vals[v];
      compare_one(p, &d, NULL);
      for (size_t w = 0; w < p->n_vals; w++)
        for (int j = i + 1; j < 6; j++) {
          d.args[j] = p->vals[w];
          compare_one(p, &d, NULL);
          d.args[j] = 0;
        }
    }
  }
}

static void check_same_verdicts(const char *json, const char *what)
{
  struct rr_error *err = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &err);
  struct progs p = {0};
  const oci_seccomp *sc = c != NULL && c->linux != NULL ? c->linux->seccomp : NULL;
  bool compiled = sc != NULL &&
                  rr_seccomp_compile(sc, RR_SECCOMP_LIST, &p.list, &p.n_list, &err) == 0 &&
                  rr_seccomp_compile(sc, RR_SECCOMP_TREE, &p.tree, &p.n_tree, &err) == 0 &&
                  rr_seccomp_compile(sc, RR_SECCOMP_RANGES, &p.ranges, &p.n_ranges, &err) == 0;
  TAP_OK(compiled, "%s: compiles as a list, a tree and ranges", what);
  if (!compiled) {
    printf("# %s\n", err ? err->msg : "no seccomp section");
    rr_error_free(err);
    oci_config_free(c);
    return;
  }
  printf("# %s: %zu instructions as a list, %zu as a tree, %zu as ranges\n", what, p.n_list,
         p.n_tree, p.n_ranges);
  const char *why = bpf_interp_check(p.ranges, p.n_ranges);
  TAP_OK(why == NULL, "%s: the ranges program passes the kernel's static checks%s%s", what,
         why ? ": " : "", why ? why : "");
  collect_vals(&p, c->linux->seccomp);
  const uint32_t archs[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0};
  for (size_t a = 0; a < RR_ARRAY_SIZE(archs); a++) {
    for (int nr = -2; nr < 1100; nr++)
      compare_nr(&p, archs[a], nr);
    /* x32 numbers, and the top of the range */
    for (int nr = 0x40000000 - 2; nr < 0x40000000 + 1100; nr++)
      compare_nr(&p, archs[a], nr);
    compare_nr(&p, archs[a], INT32_MAX);
    compare_nr(&p, archs[a], INT32_MIN);
  }
  printf("# %ld inputs compared\n", p.runs);
  TAP_OK(p.broken == 0 && p.mismatches == 0 && p.runs > 0, "%s: same verdict for every input",
         what);
  free(p.tree);
  free(p.list);
  free(p.ranges);
  free(p.vals);
  oci_config_free(c);
}

/* Same verdicts from a program and its compaction, over small inputs. */
static bool same_small(const struct sock_filter *a, size_t na, const struct sock_filter *b,
                       size_t nb)
{
  for (uint32_t arch = 0; arch < 24; arch++)
    for (int nr = -1; nr < 24; nr++) {
      struct seccomp_data d = {.nr = nr, .arch = arch};
      struct bpf_verdict x = bpf_interp_run(a, na, &d), y = bpf_interp_run(b, nb, &d);
      if (!x.ok || !y.ok || x.ret != y.ret)
        return false;
    }
  return true;
}

/* Hand-made programs: a chain the compaction may replace, and the same chain
 * also entered in its middle (with another value in the accumulator), which
 * it must leave alone or keep exact. */
static void test_compact_shapes(void)
{
  enum { ALLOW = SECCOMP_RET_ALLOW, DENY = SECCOMP_RET_ERRNO | 1 };
  struct sock_filter chain[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),        /* 0: arch */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 1, 0), /* 1: arch 3 -> 3 */
      BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),          /* 2: else into the chain at 8 */
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),        /* 3: nr */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 12, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 11, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 10, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 4, 9, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 8, 0), /* 8 */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 7, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 7, 6, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 8, 5, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 9, 4, 0),
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 20, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 15, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 12, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, DENY), /* 16 */
      BPF_STMT(BPF_RET | BPF_K, ALLOW),
  };
  struct sock_filter *out = NULL;
  size_t n_out = 0;
  int r = rr_seccomp_bpf_compact(chain, RR_ARRAY_SIZE(chain), &out, &n_out);
  TAP_OK(r < 0 || same_small(chain, RR_ARRAY_SIZE(chain), out, n_out),
         "a chain entered in its middle is left alone or kept exact (%s)",
         r < 0 ? "left alone" : "compacted");
  free(out);
  out = NULL;

  /* the same without the side entry: compacted, same verdicts */
  chain[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  r = rr_seccomp_bpf_compact(chain, RR_ARRAY_SIZE(chain), &out, &n_out);
  TAP_OK(r == 0 && n_out < RR_ARRAY_SIZE(chain) &&
             same_small(chain, RR_ARRAY_SIZE(chain), out, n_out),
         "a chain entered at its start is compacted (%zu -> %zu), same verdicts",
         RR_ARRAY_SIZE(chain), r == 0 ? n_out : 0);
  free(out);
}

static char *runs_section(int count, int run, int kinds);

/* Many ranges and exits: x86_64 syscalls 0-329 by number, in runs of
 * allowed, two errno values, a rule with arguments and unlisted ones. */
static char *mixed_section(void)
{
  return runs_section(330, 3, 6);
}

/* x86_64 syscalls 0-(count-1) by number in runs of `run`, cycling through
 * `kinds` of: allowed twice, errno 5, errno 6, allowed with an argument
 * condition, unlisted. */
static char *runs_section(int count, int run, int kinds)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  fputs("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":{"
        "\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":[\"SCMP_ARCH_X86_64\","
        "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":[",
        m);
  for (int nr = 0; nr < count; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
    int kind = (nr / run) % kinds;
    if (kinds == 2)
      kind += 1;
    if (name != NULL && kind < 5)
      fprintf(m, "%s{\"names\":[\"%s\"],\"action\":%s}", nr ? "," : "", name,
              kind < 2    ? "\"SCMP_ACT_ALLOW\""
              : kind == 2 ? "\"SCMP_ACT_ERRNO\",\"errnoRet\":5"
              : kind == 3 ? "\"SCMP_ACT_ERRNO\",\"errnoRet\":6"
                          : "\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":7,"
                            "\"op\":\"SCMP_CMP_LE\"}]");
    free(name);
  }
  fputs("]}}}", m);
  fclose(m);
  return buf;
}

/* errnoRet 4094 compiles; 4095, which libseccomp refuses (found by
 * tests/fuzz/fuzz_seccomp_compact), is refused by the validator first. */
static void test_errno_max(void)
{
  for (uint32_t e = RR_SCMP_ERRNO_MAX; e <= RR_SCMP_ERRNO_MAX + 1; e++)
    for (int def = 0; def <= 1; def++) {
      const char *field = def ? "defaultErrnoRet" : "errnoRet";
      char def_errno[48] = "", rule_errno[48] = "";
      snprintf(def ? def_errno : rule_errno, sizeof(def_errno),
               def ? "\"defaultErrnoRet\":%u," : ",\"errnoRet\":%u", e);
      _cleanup_free_ char *json = rr_xasprintf(
          "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":{"
          "\"defaultAction\":\"SCMP_ACT_%s\",%s\"syscalls\":[{\"names\":[\"getpid\"],"
          "\"action\":\"SCMP_ACT_%s\"%s}]}}}",
          def ? "ERRNO" : "ALLOW", def_errno, def ? "ALLOW" : "ERRNO", rule_errno);
      struct rr_error *err = NULL;
      oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &err);
      const oci_seccomp *sc = c ? c->linux->seccomp : NULL;
      struct sock_filter *p = NULL;
      size_t n = 0;
      bool valid = sc != NULL && rr_seccomp_validate(sc, &err) == 0;
      bool compiled = valid && rr_seccomp_compile(sc, RR_SECCOMP_RANGES, &p, &n, &err) == 0;
      TAP_OK(e <= RR_SCMP_ERRNO_MAX ? compiled : !valid, "%s %u: %s", field, e,
             e <= RR_SCMP_ERRNO_MAX ? "valid and compiles" : "refused by the validator");
      if (e <= RR_SCMP_ERRNO_MAX && !compiled)
        printf("# %s\n", err ? err->msg : "no seccomp section");
      free(p);
      rr_error_free(err);
      oci_config_free(c);
    }
}

int main(void)
{
  test_compact_shapes();
  test_errno_max();
  /* every comparison operator, AND of two arguments, OR on one argument,
   * errno and kill actions, three architectures */
  check_same_verdicts(
      "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},\"linux\":{\"seccomp\":{"
      "\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
      "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
      "\"syscalls\":["
      "{\"names\":[\"read\",\"write\",\"close\",\"exit\",\"exit_group\",\"getpid\",\"futex\"],"
      "\"action\":\"SCMP_ACT_ALLOW\"},"
      "{\"names\":[\"uname\",\"kexec_load\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
      "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
      "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
      "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":0,\"value\":131072,\"op\":\"SCMP_CMP_EQ\"}]},"
      "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
      "{\"index\":0,\"value\":2114060288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
      "{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":5,\"args\":["
      "{\"index\":1,\"value\":100,\"op\":\"SCMP_CMP_GT\"},"
      "{\"index\":2,\"value\":1,\"op\":\"SCMP_CMP_NE\"}]},"
      "{\"names\":[\"mmap\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,\"args\":["
      "{\"index\":1,\"value\":4096,\"op\":\"SCMP_CMP_LT\"}]},"
      "{\"names\":[\"pread64\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":9,\"args\":["
      "{\"index\":3,\"value\":4294967296,\"op\":\"SCMP_CMP_GE\"}]},"
      "{\"names\":[\"pwrite64\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":10,\"args\":["
      "{\"index\":3,\"value\":10,\"op\":\"SCMP_CMP_LE\"}]}"
      "]}}}",
      "rules with arguments");

  _cleanup_free_ char *mixed = mixed_section();
  check_same_verdicts(mixed, "runs of actions, arguments, kill by default");
  /* allowed and errno 5 in pairs: ~450 ranges in the x86_64/x32 dispatch, too
   * many for 8-bit jumps to shared exits */
  _cleanup_free_ char *pairs = runs_section(440, 2, 2);
  check_same_verdicts(pairs, "pairs of actions, a large dispatch");

  const char *srcdir = getenv("TESTS_SRCDIR");
  _cleanup_free_ char *path =
      rr_xasprintf("%s/data/configs/good/podman-4.3-run-d.json", srcdir ? srcdir : "tests");
  _cleanup_free_ char *podman = test_slurp(path, NULL);
  if (podman == NULL)
    printf("ok %d - # SKIP podman sample config `%s` not found\n", ++tap_n, path);
  else
    check_same_verdicts(podman, "podman's default profile");
  return tap_done();
}
