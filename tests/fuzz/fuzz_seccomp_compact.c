/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the range compaction of seccomp programs
 * (rr_seccomp_bpf_compact): each input is read as the recipe of a valid
 * seccomp section (default action, 1-3 architectures, up to 60 rules naming
 * syscalls from libseccomp's tables or up to 400 naming consecutive ones,
 * actions, errno values, argument conditions). The section is compiled as libseccomp's list, its
 * tree and redrun's ranges, and a classic BPF interpreter runs the three programs on every syscall
 * number the section names (±2), the x32 boundary, the extremes and numbers taken from the input,
 * for every architecture it lists and one it does not, with argument vectors around every compared
 * value. The ranges giving another verdict than the tree, a program that does not run to a return
 * or that the kernel's checker would refuse, or a valid section that does not compile: abort(),
 * after printing the section as config.json. The list differing from the tree is libseccomp's own
 * bug: reported, not fatal. tests/fuzz/run-fuzz-seccomp.sh runs it; RR_FUZZ_PRINT=1 prints each
 * section.
 */
#include "config.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libredrun/core/error.h"
#include "libredrun/core/tables/seccomp_names.h"
#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp_internal.h"
#include "oci_types.h"
#include "tests/helpers/bpf_interp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RULES 60
/* "dense" sections: up to 400 rules naming consecutive syscalls, so that the
 * dispatch has hundreds of ranges (the layout for more than 256 instructions) */
#define MAX_DENSE_RULES 400
#define MAX_NAMES 8
#define MAX_CONDS 3
#define X32_BIT 0x40000000u

/* The architectures a section may list; x32 shares x86_64's audit value and
 * sets bit 30 in its syscall numbers. */
static const struct arch {
  const char *oci;
  uint32_t token, audit, first, count;
} archs[] = {
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, 0, 0x1d0},
    {"SCMP_ARCH_X86", SCMP_ARCH_X86, AUDIT_ARCH_I386, 0, 0x1d0},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64, X32_BIT, 0x230},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, 0, 0x1d0},
};
#define N_ARCHS RR_ARRAY_SIZE(archs)

/* Audit values a program is run with: the four above, and one no section lists. */
static const uint32_t audits[] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64,
                                  AUDIT_ARCH_ARM};

static const char *const actions[] = {
    "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",        "SCMP_ACT_KILL",  "SCMP_ACT_TRAP",
    "SCMP_ACT_LOG",   "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRACE", "SCMP_ACT_NOTIFY",
};
#define N_DEFAULT_ACTIONS 6 /* NOTIFY cannot be the default; TRACE rarely is */

static const char *const ops[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

/* Every syscall name of the four tables, with its number on each (-1: none). */
struct sysname {
  char *name;
  int32_t nr[N_ARCHS];
};
static struct sysname *names;
static size_t n_names;
static uint32_t *by_arch[N_ARCHS]; /* indexes into names, by number */
static size_t n_by_arch[N_ARCHS];
static int check_sock = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  for (size_t a = 0; a < N_ARCHS; a++) {
    by_arch[a] = rr_xmalloc(archs[a].count * sizeof(*by_arch[a]));
    for (uint32_t i = 0; i < archs[a].count; i++) {
      int nr = (int)(archs[a].first + i);
      char *name = seccomp_syscall_resolve_num_arch(archs[a].token, nr);
      if (name == NULL)
        continue;
      size_t j = 0;
      while (j < n_names && strcmp(names[j].name, name) != 0)
        j++;
      if (j == n_names) {
        names = rr_xrealloc(names, (n_names + 1) * sizeof(*names));
        names[n_names].name = name;
        for (size_t b = 0; b < N_ARCHS; b++)
          names[n_names].nr[b] = -1;
        n_names++;
      } else {
        free(name);
      }
      names[j].nr[a] = nr;
      by_arch[a][n_by_arch[a]++] = (uint32_t)j;
    }
    if (n_by_arch[a] == 0) {
      fprintf(stderr, "fuzz_seccomp_compact: libseccomp knows no syscall of %s\n", archs[a].oci);
      abort();
    }
  }
  /* the kernel's own classic BPF checker, through a socket filter */
  check_sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  return 0;
}

enum { LIST, TREE, RANGES, N_SHAPES };
static const char *const shape_names[] = {"list", "tree", "ranges"};

struct check {
  oci_seccomp *s;
  int32_t name_of[MAX_DENSE_RULES][MAX_NAMES]; /* index into names, -1: unknown name */
  size_t cursor;                               /* next name of a dense section */
  uint32_t *used_with; /* by name: 1 + the action of its first rule, | USED_WITH_CONDS */
  struct sock_filter *prog[N_SHAPES];
  size_t n[N_SHAPES];
  long list_differs;
};

struct input {
  const uint8_t *p;
  size_t n;
};

/* The next `bytes` bytes, big-endian; zeros once the input is used up. */
static uint64_t take(struct input *in, int bytes)
{
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) {
    v <<= 8;
    if (in->n > 0) {
      v |= *in->p++;
      in->n--;
    }
  }
  return v;
}

/* A 64-bit value worth comparing with: small, 32-bit, 64-bit, or a boundary. */
static uint64_t take_value(struct input *in)
{
  static const uint64_t edges[] = {0,
                                   1,
                                   0x7fffffff,
                                   0x80000000,
                                   0xffffffff,
                                   0x100000000,
                                   0x8000000000000000ULL,
                                   UINT64_MAX,
                                   0xffffffff00000000ULL};
  uint8_t kind = (uint8_t)take(in, 1);
  switch (kind % 5) {
  case 0:
    return take(in, 1);
  case 1:
    return take(in, 4);
  case 2:
    return take(in, 8);
  case 3:
    return edges[take(in, 1) % RR_ARRAY_SIZE(edges)];
  default:
    return take(in, 4) << 32 | take(in, 1);
  }
}

/*
 * libseccomp 2.5.4 refuses some second rules for a syscall (EEXIST) and
 * never returns from seccomp_rule_add() on others, e.g. two rules on getpid
 * (a1 < 57 && a4 == 0), (a1 < 57 && a4 == 0x100000000), or getpid ERRNO if
 * (a2 == 0x4e26000000000000 && a0 != 0) then getpid ALLOW if (a4 <= 8 &&
 * a0 != 0). So a name is named again only by rules of the same action, and
 * never by two rules with conditions when one of them compares two
 * arguments; several rules of one condition each on one syscall (libseccomp
 * then chains the compares of that argument) stay.
 */
enum { CONDS_NONE, CONDS_ONE_ARG, CONDS_MANY_ARGS };
#define USED_ONE_ARG 0x40000000u
#define USED_MANY_ARGS 0x80000000u

static bool may_name(const struct check *c, int32_t index, uint32_t action, int conds)
{
  uint32_t u = c->used_with[index];
  if (u == 0)
    return true;
  if ((u & ~(USED_ONE_ARG | USED_MANY_ARGS)) != action + 1)
    return false;
  if (conds == CONDS_MANY_ARGS)
    return !(u & (USED_ONE_ARG | USED_MANY_ARGS));
  return conds == CONDS_NONE || !(u & USED_MANY_ARGS);
}

static char *use_name(struct check *c, int32_t index, uint32_t action, int conds)
{
  if (c->used_with[index] == 0)
    c->used_with[index] = action + 1;
  c->used_with[index] |= conds == CONDS_ONE_ARG     ? USED_ONE_ARG
                         : conds == CONDS_MANY_ARGS ? USED_MANY_ARGS
                                                    : 0;
  return rr_xstrdup(names[index].name);
}

static char *take_name(struct input *in, struct check *c, const uint8_t *listed, size_t n_listed,
                       uint32_t action, int conds, bool dense, int32_t *index)
{
  if (dense) {
    size_t a = listed[0];
    for (size_t tries = 0; tries < n_by_arch[a]; tries++, c->cursor++)
      if (may_name(c, (int32_t)by_arch[a][c->cursor % n_by_arch[a]], action, conds))
        break;
    *index = (int32_t)by_arch[a][c->cursor++ % n_by_arch[a]];
    return use_name(c, *index, action, conds);
  }
  uint8_t how = (uint8_t)take(in, 1);
  if (how == 0xff) {
    *index = -1;
    return rr_xstrdup("rr_no_such_syscall"); /* skipped when compiling */
  }
  /* mostly a listed architecture's table; sometimes any of the four */
  size_t a = how < 0xe0 ? listed[how % n_listed] : how % N_ARCHS;
  size_t i = (size_t)take(in, 2) % n_by_arch[a];
  for (size_t tries = 0; tries < n_by_arch[a]; tries++) {
    if (may_name(c, (int32_t)by_arch[a][i], action, conds))
      break;
    i = (i + 1) % n_by_arch[a];
  }
  *index = (int32_t)by_arch[a][i];
  return use_name(c, *index, action, conds);
}

static size_t take_action(struct input *in, bool *takes_errno)
{
  uint8_t b = (uint8_t)take(in, 1);
  /* allow and errno most often: their runs make the dispatch ranges */
  size_t a = b < 100 ? 0 : b < 200 ? 1 : 2 + (b - 200) % (RR_ARRAY_SIZE(actions) - 2);
  *takes_errno =
      strcmp(actions[a], "SCMP_ACT_ERRNO") == 0 || strcmp(actions[a], "SCMP_ACT_TRACE") == 0;
  return a;
}

static uint32_t take_errno(struct input *in)
{
  uint8_t b = (uint8_t)take(in, 1);
  /* up to one past the largest valid value: the validator must refuse it */
  return b < 0xf0 ? 1 + b % 6 : (uint32_t)(take(in, 2) % (RR_SCMP_ERRNO_MAX + 2));
}

static oci_seccomp *make_section(struct input *in, struct check *c)
{
  oci_seccomp *s = rr_xcalloc(1, sizeof(*s));
  /* required by SCMP_ACT_NOTIFY, harmless otherwise */
  s->listener_path = rr_xstrdup("/run/rr-fuzz-listener.sock");
  bool takes_errno;
  uint8_t b = (uint8_t)take(in, 1);
  s->default_action = rr_xstrdup(b < 0xf0 ? actions[b % N_DEFAULT_ACTIONS] : "SCMP_ACT_TRACE");
  takes_errno = strcmp(s->default_action, "SCMP_ACT_ERRNO") == 0 ||
                strcmp(s->default_action, "SCMP_ACT_TRACE") == 0;
  if (takes_errno && take(in, 1) & 1) {
    s->default_errno_ret_present = true;
    s->default_errno_ret = take_errno(in);
  }

  uint8_t listed[3];
  size_t n_listed = 1 + (size_t)take(in, 1) % 3;
  s->architectures = rr_xcalloc(n_listed, sizeof(char *));
  s->architectures_present = true;
  for (size_t i = 0; i < n_listed; i++) {
    size_t a = (size_t)take(in, 1) % N_ARCHS;
    for (bool again = true; again;) { /* each once */
      again = false;
      for (size_t j = 0; j < i; j++)
        again |= listed[j] == a;
      if (again)
        a = (a + 1) % N_ARCHS;
    }
    listed[i] = (uint8_t)a;
    s->architectures[s->architectures_len++] = rr_xstrdup(archs[a].oci);
  }

  uint8_t shape = (uint8_t)take(in, 1);
  bool dense = shape < 0x30;
  size_t n_rules = dense ? (size_t)take(in, 2) % (MAX_DENSE_RULES + 1) : shape % (MAX_RULES + 1);
  s->syscalls = rr_xcalloc(n_rules ? n_rules : 1, sizeof(*s->syscalls));
  s->syscalls_present = true;
  for (size_t i = 0; i < n_rules; i++) {
    oci_syscall *r = rr_xcalloc(1, sizeof(*r));
    s->syscalls[s->syscalls_len++] = r;
    size_t act = take_action(in, &takes_errno);
    r->action = rr_xstrdup(actions[act]);
    if (takes_errno && take(in, 1) % 4 != 0) {
      r->errno_ret_present = true;
      r->errno_ret = take_errno(in);
    }
    /* the action as libseccomp sees it: errnoRet defaults to EPERM */
    uint32_t action =
        (uint32_t)act << 16 | (takes_errno ? r->errno_ret_present ? r->errno_ret : 1 : 0);
    uint8_t c_byte = (uint8_t)take(in, 1);
    size_t nc = c_byte < 0xc0 ? 0 : 1 + c_byte % MAX_CONDS;
    bool indexes[6] = {false}, repeated = false;
    if (nc > 0) {
      r->args = rr_xcalloc(nc, sizeof(*r->args));
      r->args_present = true;
    }
    for (size_t j = 0; j < nc; j++) {
      oci_syscall_arg *arg = rr_xcalloc(1, sizeof(*arg));
      r->args[r->args_len++] = arg;
      uint8_t x = (uint8_t)take(in, 1);
      arg->index = x % 6;
      arg->index_present = arg->value_present = true;
      arg->op = rr_xstrdup(ops[(x >> 3) % RR_ARRAY_SIZE(ops)]);
      arg->value = take_value(in);
      if (strcmp(arg->op, "SCMP_CMP_MASKED_EQ") == 0 || x & 0x80) {
        arg->value_two_present = true;
        arg->value_two = take_value(in);
      }
      repeated |= indexes[arg->index];
      indexes[arg->index] = true;
    }
    /* conditions on one argument become one rule each (OR) */
    int conds = nc == 0 ? CONDS_NONE : nc == 1 || repeated ? CONDS_ONE_ARG : CONDS_MANY_ARGS;
    size_t nn = 1 + (size_t)take(in, 1) % (dense ? 3 : MAX_NAMES);
    /* sometimes the names of the rule before, so that one syscall gets
     * several rules comparing one argument */
    bool again = i > 0 && take(in, 1) < 0x40;
    if (again)
      nn = s->syscalls[i - 1]->names_len;
    r->names = rr_xcalloc(nn, sizeof(char *));
    r->names_present = true;
    for (size_t j = 0; j < nn; j++) {
      int32_t prev = again ? c->name_of[i - 1][j] : -1;
      if (prev >= 0 && may_name(c, prev, action, conds)) {
        c->name_of[i][j] = prev;
        r->names[r->names_len++] = use_name(c, prev, action, conds);
      } else {
        r->names[r->names_len++] =
            take_name(in, c, listed, n_listed, action, conds, dense, &c->name_of[i][j]);
      }
    }
  }
  return s;
}

/* The section as config.json, to reproduce a finding in a unit test. */
static void print_section(oci_seccomp *s)
{
  oci_linux l = {.seccomp = s};
  oci_root root = {.path = (char *)"rootfs"};
  oci_config c = {.oci_version = (char *)"1.3.0", .root = &root, .linux = &l};
  struct rr_error *err = NULL;
  char *json = oci_config_generate(&c, true, &err);
  fprintf(stderr, "%s\n", json ? json : err ? err->msg : "(cannot print the section)");
  free(json);
  rr_error_free(err);
}

static void print_verdicts(const struct check *c, const struct seccomp_data *d,
                           const struct bpf_verdict *v)
{
  fprintf(stderr, "  arch 0x%x nr %d (0x%x) args", d->arch, d->nr, (unsigned)d->nr);
  for (int i = 0; i < 6; i++)
    fprintf(stderr, " 0x%llx", (unsigned long long)d->args[i]);
  fprintf(stderr, "\n");
  for (int k = 0; k < N_SHAPES; k++)
    fprintf(stderr, "  %-6s %4zu instructions: %s 0x%08x\n", shape_names[k], c->n[k],
            v[k].ok ? "returns" : "DOES NOT RETURN", v[k].ret);
}

static _Noreturn void finding(struct check *c, const char *what, const struct seccomp_data *d,
                              const struct bpf_verdict *v)
{
  fprintf(stderr, "fuzz_seccomp_compact: %s\n", what);
  if (d != NULL)
    print_verdicts(c, d, v);
  print_section(c->s);
  abort();
}

/*
 * libseccomp 2.5.4's linear list (its default, which redrun does not load)
 * is itself wrong for some sections: e.g. on an x86_64 host, an aarch64 rule
 * with an argument condition is compared with the architecture value instead
 * of the syscall number when an x86_64 rule precedes it, so it never matches.
 * Not a compaction bug: the first such input is printed, all are counted
 * (RR_FUZZ_STRICT_LIST=1 aborts on them instead).
 */
static long list_differences;

static void print_list_differences(void)
{
  if (list_differences > 0)
    fprintf(stderr, "fuzz_seccomp_compact: %ld inputs where libseccomp's list and tree differ\n",
            list_differences);
}

static void list_differs(struct check *c, const struct seccomp_data *d, const struct bpf_verdict *v)
{
  if (getenv("RR_FUZZ_STRICT_LIST") != NULL)
    finding(c, "libseccomp's list and tree differ", d, v);
  if (c->list_differs++ > 0)
    return;
  if (list_differences++ > 0)
    return;
  atexit(print_list_differences);
  fprintf(stderr, "fuzz_seccomp_compact: libseccomp's list and tree differ (not fatal)\n");
  print_verdicts(c, d, v);
  print_section(c->s);
}

static bool compare(struct check *c, const struct seccomp_data *d)
{
  struct bpf_verdict v[N_SHAPES];
  bool read_args = false;
  for (int k = 0; k < N_SHAPES; k++) {
    v[k] = bpf_interp_run(c->prog[k], c->n[k], d);
    read_args |= v[k].read_args;
  }
  for (int k = 0; k < N_SHAPES; k++)
    if (!v[k].ok)
      finding(c, "a program does not run to a return", d, v);
  if (v[RANGES].ret != v[TREE].ret)
    finding(c, "the compaction changed a verdict (ranges and tree differ)", d, v);
  if (v[TREE].ret != v[LIST].ret)
    list_differs(c, d, v);
  return read_args;
}

static void compare_vector(struct check *c, uint32_t audit, uint32_t nr, const uint64_t args[6])
{
  struct seccomp_data d = {.nr = (int)nr, .arch = audit};
  memcpy(d.args, args, sizeof(d.args));
  compare(c, &d);
}

/* Does rule i name syscall number nr of the architecture with audit value audit? */
static bool rule_names(const struct check *c, size_t i, uint32_t audit, uint32_t nr)
{
  for (size_t j = 0; j < c->s->syscalls[i]->names_len; j++) {
    int32_t k = c->name_of[i][j];
    for (size_t a = 0; k >= 0 && a < N_ARCHS; a++)
      if (archs[a].audit == audit && names[k].nr[a] == (int32_t)nr)
        return true;
  }
  return false;
}

/* Argument vectors around the values the rules naming (audit, nr) compare
 * with: each condition's value and valueTwo ±1 alone in its argument, and all
 * conditions of a rule at their value -1/0/+1 together. */
static void compare_args(struct check *c, uint32_t audit, uint32_t nr, const uint64_t random[6])
{
  static const uint64_t edges[] = {1, 0xffffffff, 0x100000000, UINT64_MAX, 0x8000000000000000ULL};
  uint64_t args[6] = {0};
  compare_vector(c, audit, nr, random);
  for (size_t e = 0; e < RR_ARRAY_SIZE(edges); e++)
    for (int i = 0; i < 6; i++) {
      memset(args, 0, sizeof(args));
      args[i] = edges[e];
      compare_vector(c, audit, nr, args);
    }
  for (size_t i = 0; i < c->s->syscalls_len; i++) {
    const oci_syscall *r = c->s->syscalls[i];
    if (r->args_len == 0 || !rule_names(c, i, audit, nr))
      continue;
    for (size_t j = 0; j < r->args_len; j++) {
      const oci_syscall_arg *a = r->args[j];
      const uint64_t base[] = {a->value, a->value_two, a->value & a->value_two,
                               a->value_two | ~a->value};
      for (size_t b = 0; b < RR_ARRAY_SIZE(base); b++)
        for (int delta = -1; delta <= 1; delta++) {
          memset(args, 0, sizeof(args));
          args[a->index] = base[b] + (uint64_t)(int64_t)delta;
          compare_vector(c, audit, nr, args);
        }
    }
    int combos = 1;
    for (size_t j = 0; j < r->args_len; j++)
      combos *= 3;
    for (int m = 0; m < combos; m++) {
      memset(args, 0, sizeof(args));
      for (size_t j = 0, q = (size_t)m; j < r->args_len; j++, q /= 3) {
        const oci_syscall_arg *a = r->args[j];
        uint64_t at = strcmp(a->op, "SCMP_CMP_MASKED_EQ") == 0 ? a->value_two : a->value;
        args[a->index] = at + (uint64_t)((int64_t)(q % 3) - 1);
      }
      compare_vector(c, audit, nr, args);
    }
  }
}

static void compare_nr(struct check *c, uint32_t audit, uint32_t nr, const uint64_t random[6])
{
  struct seccomp_data d = {.nr = (int)nr, .arch = audit};
  if (compare(c, &d))
    compare_args(c, audit, nr, random);
}

static int by_value(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static void compare_all(struct check *c, struct input *in)
{
  uint32_t extra[8];
  for (size_t i = 0; i < RR_ARRAY_SIZE(extra); i++)
    extra[i] = (uint32_t)take(in, i < 4 ? 2 : 4);
  uint64_t random[6];
  for (int i = 0; i < 6; i++)
    random[i] = take_value(in);

  for (size_t t = 0; t < RR_ARRAY_SIZE(audits); t++) {
    uint32_t audit = audits[t];
    /* the numbers this architecture's dispatch can compare with: every
     * name's number here (x86_64 also x32's) */
    size_t cap = 64, n = 0;
    _cleanup_free_ uint32_t *nrs = rr_xmalloc(cap * sizeof(*nrs));
    for (size_t i = 0; i < c->s->syscalls_len; i++) {
      const oci_syscall *r = c->s->syscalls[i];
      for (size_t j = 0; j < r->names_len; j++) {
        int32_t k = c->name_of[i][j];
        for (size_t a = 0; k >= 0 && a < N_ARCHS; a++)
          if (archs[a].audit == audit && names[k].nr[a] >= 0) {
            if (n == cap)
              nrs = rr_xrealloc(nrs, (cap *= 2) * sizeof(*nrs));
            nrs[n++] = (uint32_t)names[k].nr[a];
          }
      }
    }
    const uint32_t fixed[] = {0,           1,         X32_BIT - 1,         X32_BIT,
                              X32_BIT + 1, INT32_MAX, (uint32_t)INT32_MIN, UINT32_MAX};
    if (n + RR_ARRAY_SIZE(fixed) + RR_ARRAY_SIZE(extra) > cap)
      nrs =
          rr_xrealloc(nrs, (cap = n + RR_ARRAY_SIZE(fixed) + RR_ARRAY_SIZE(extra)) * sizeof(*nrs));
    memcpy(nrs + n, fixed, sizeof(fixed));
    n += RR_ARRAY_SIZE(fixed);
    memcpy(nrs + n, extra, sizeof(extra));
    n += RR_ARRAY_SIZE(extra);
    qsort(nrs, n, sizeof(*nrs), by_value);
    /* each number ±2, once */
    uint64_t next = 0;
    for (size_t i = 0; i < n; i++) {
      uint64_t lo = nrs[i] >= 2 ? nrs[i] - 2 : 0, hi = (uint64_t)nrs[i] + 2;
      if (hi > UINT32_MAX)
        hi = UINT32_MAX;
      for (uint64_t v = lo > next ? lo : next; v <= hi; v++)
        compare_nr(c, audit, (uint32_t)v, random);
      if (hi + 1 > next)
        next = hi + 1;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct input in = {data, size};
  struct check c = {0};
  c.used_with = rr_xcalloc(n_names, sizeof(*c.used_with));
  c.s = make_section(&in, &c);
  free(c.used_with);
  struct rr_error *err = NULL;
  /* a generated section can still be invalid (SCMP_ACT_NOTIFY on sendmsg):
   * redrun refuses it before compiling */
  if (rr_seccomp_validate(c.s, &err) < 0) {
    rr_error_free(err);
    oci_seccomp_free(c.s);
    return 0;
  }
  /* to see what a slow input (libFuzzer's timeout-...) compiles */
  if (getenv("RR_FUZZ_PRINT") != NULL)
    print_section(c.s);
  static const enum rr_seccomp_shape shapes[] = {RR_SECCOMP_LIST, RR_SECCOMP_TREE,
                                                 RR_SECCOMP_RANGES};
  for (int k = 0; k < N_SHAPES; k++) {
    if (rr_seccomp_compile(c.s, shapes[k], &c.prog[k], &c.n[k], &err) == 0)
      continue;
    /* two rules with different actions for one syscall: libseccomp says
     * EEXIST and redrun refuses the section with that message */
    if (k == LIST && err != NULL && err->errnum == EEXIST) {
      rr_error_free(err);
      oci_seccomp_free(c.s);
      return 0;
    }
    char what[512];
    snprintf(what, sizeof(what), "a valid section does not compile as %s: %s", shape_names[k],
             err && err->msg ? err->msg : "(no message)");
    finding(&c, what, NULL, NULL);
  }
  for (int k = 0; k < N_SHAPES; k++) {
    const char *why = bpf_interp_check(c.prog[k], c.n[k]);
    if (why != NULL) {
      char what[256];
      snprintf(what, sizeof(what), "the %s program fails the kernel's static checks: %s",
               shape_names[k], why);
      finding(&c, what, NULL, NULL);
    }
  }
  if (c.n[RANGES] > c.n[TREE])
    finding(&c, "the compaction made the program longer", NULL, NULL);
  struct sock_fprog fp = {.len = (unsigned short)c.n[RANGES], .filter = c.prog[RANGES]};
  if (check_sock >= 0 &&
      setsockopt(check_sock, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0 && errno != ENOMEM)
    finding(&c, "the kernel refuses the ranges program as a socket filter", NULL, NULL);
  compare_all(&c, &in);
  for (int k = 0; k < N_SHAPES; k++)
    free(c.prog[k]);
  oci_seccomp_free(c.s);
  return 0;
}
