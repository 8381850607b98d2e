/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup v2 device program: run through a small eBPF interpreter against
 * OCI's rule semantics (last match wins, no match denies) for many rule sets,
 * and loaded into the kernel when we may (the verifier must accept it). */
#include "config.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup_internal.h"
#include "tests/unit/tap.h"

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

/* -1 when the program does something this interpreter does not know (or
 * runs away): the generator must only use this subset. */
static int64_t run(const struct bpf_insn *p, size_t n, const uint32_t ctx[3])
{
  uint64_t r[11] = {0};
  r[1] = (uint64_t)(uintptr_t)ctx;
  size_t pc = 0;
  for (int steps = 0; steps < 10000 && pc < n; steps++) {
    const struct bpf_insn *i = &p[pc++];
    uint64_t *d = &r[i->dst_reg];
    uint64_t src = BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
    switch (i->code) {
    case BPF_LDX | BPF_W | BPF_MEM:
      if (r[i->src_reg] != (uint64_t)(uintptr_t)ctx)
        return -1;
      if (i->off < 0 || i->off > 8 || i->off % 4)
        return -1;
      *d = ctx[i->off / 4];
      break;
    case BPF_ALU | BPF_AND | BPF_K:
      *d = (uint32_t)(*d & src);
      break;
    case BPF_ALU | BPF_RSH | BPF_K:
      *d = (uint32_t)*d >> (src & 31);
      break;
    case BPF_ALU | BPF_MOV | BPF_X:
      *d = (uint32_t)src;
      break;
    case BPF_ALU64 | BPF_MOV | BPF_X:
    case BPF_ALU64 | BPF_MOV | BPF_K:
      *d = src;
      break;
    case BPF_JMP | BPF_JNE | BPF_K:
      if (*d != src)
        pc += (size_t)(int64_t)i->off;
      break;
    case BPF_JMP | BPF_JEQ | BPF_K:
      if (*d == src)
        pc += (size_t)(int64_t)i->off;
      break;
    case BPF_JMP | BPF_JA:
      pc += (size_t)(int64_t)i->off;
      break;
    case BPF_JMP | BPF_EXIT:
      return (int64_t)r[0];
    default:
      return -1;
    }
  }
  return -1;
}

static bool reference(const struct rr_cg_dev_rule *rules, size_t n, char type, uint32_t major,
                      uint32_t minor, unsigned access)
{
  bool allow = false;
  for (size_t i = 0; i < n; i++) {
    const struct rr_cg_dev_rule *r = &rules[i];
    if ((r->type == 'a' || r->type == type) && (r->major < 0 || r->major == major) &&
        (r->minor < 0 || r->minor == minor) && (access & ~r->access) == 0)
      allow = r->allow;
  }
  return allow;
}

/* 0, or -errno of the load */
static int kernel_load(const struct bpf_insn *p, size_t n)
{
  struct rr_error *err = NULL;
  int fd = rr_cg_devices_load(p, n, &err);
  if (fd >= 0) {
    close(fd);
    return 0;
  }
  int e = err->errnum;
  if (e != EPERM && e != ENOSYS)
    printf("# %s\n", err->msg);
  rr_error_free(err);
  return -e;
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t next(uint32_t below)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % below);
}

/* device numbers Linux can have: majors 12 bits, minors 20 */
static const uint32_t majors[] = {0, 1, 5, 10, 136, 4095};
static const uint32_t minors[] = {0, 1, 2, 3, 5, 7, 8, 9, 229, 1048575};

/* Every request the sets below can tell apart; *mismatch names the first
 * one the program answers differently from the reference. */
static bool agrees(const struct rr_cg_dev_rule *rules, size_t n, const char **why)
{
  size_t count;
  struct bpf_insn *p = rr_cg_devices_program(rules, n, &count);
  bool ok = true;
  for (int t = 0; t < 2 && ok; t++)
    for (size_t ma = 0; ma < RR_ARRAY_SIZE(majors) && ok; ma++)
      for (size_t mi = 0; mi < RR_ARRAY_SIZE(minors) && ok; mi++)
        for (unsigned acc = 1; acc <= ACC_ALL && ok; acc++) {
          char type = t ? 'b' : 'c';
          uint32_t ctx[3] = {(acc << 16) | (t ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                             majors[ma], minors[mi]};
          int64_t got = run(p, count, ctx);
          bool want = reference(rules, n, type, majors[ma], minors[mi], acc);
          if (got != (want ? 1 : 0)) {
            *why = got < 0 ? "instruction outside the interpreter's subset" : "verdict differs";
            ok = false;
          }
        }
  free(p);
  return ok;
}

static void test_default_rules(void)
{
  struct rr_cg_dev_rule *rules = NULL;
  size_t n = 0;
  struct rr_error *err = NULL;
  oci_linux_resources res = {0};
  oci_device_cgroup deny = {.allow = false, .access = (char *)"rwm"};
  oci_device_cgroup fuse = {.allow = true,
                            .type = (char *)"c",
                            .major = 10,
                            .major_present = true,
                            .minor = 229,
                            .minor_present = true,
                            .access = (char *)"rw"};
  oci_device_cgroup *list[] = {&deny, &fuse};
  res.devices = list;
  res.devices_len = 2;
  TAP_OK(rr_cg_devices_rules(&res, &rules, &n, &err) == 0, "rules of the default spec + fuse");
  const char *why = "";
  TAP_OK(agrees(rules, n, &why), "default spec rules: program agrees with the rules (%s)", why);
  size_t count;
  struct bpf_insn *p = rr_cg_devices_program(rules, n, &count);
  /* the default allow list shares one head: well under a block per rule */
  TAP_OK(count < 60, "default rules in %zu instructions", count);
  int r = kernel_load(p, count);
  if (r == -EPERM || r == -ENOSYS)
    printf("ok %d - # SKIP the kernel refuses BPF here (%s)\n", ++tap_n, strerror(-r));
  else
    TAP_OK(r == 0, "the kernel accepts the default program (%s)", r ? strerror(-r) : "ok");
  free(p);
  free(rules);
}

static void test_random_rules(void)
{
  int bad = 0, refused = 0, loaded = 0;
  const char *why = "";
  for (int round = 0; round < 400; round++) {
    struct rr_cg_dev_rule rules[14];
    size_t n = 1 + next(14);
    for (size_t i = 0; i < n; i++) {
      struct rr_cg_dev_rule *r = &rules[i];
      r->type = "abcc"[next(4)];
      r->major = next(4) ? (int64_t)majors[next(RR_ARRAY_SIZE(majors))] : -1;
      r->minor = next(3) ? (int64_t)minors[next(RR_ARRAY_SIZE(minors))] : -1;
      r->access = next(2) ? ACC_ALL : 1 + next(ACC_ALL);
      r->allow = next(3) != 0;
      /* runs of one verdict, as the default allow list is */
      if (i > 0 && next(2)) {
        r->type = rules[i - 1].type;
        r->access = rules[i - 1].access;
        r->allow = rules[i - 1].allow;
      }
    }
    if (!agrees(rules, n, &why))
      bad++;
    size_t count;
    struct bpf_insn *p = rr_cg_devices_program(rules, n, &count);
    int r = kernel_load(p, count);
    if (r == 0)
      loaded++;
    else if (r != -EPERM && r != -ENOSYS)
      refused++;
    free(p);
  }
  TAP_OK(bad == 0, "400 random rule sets: the program agrees with the rules (%d differ: %s)", bad,
         why);
  if (loaded == 0 && refused == 0)
    printf("ok %d - # SKIP the kernel refuses BPF here\n", ++tap_n);
  else
    TAP_OK(refused == 0, "the kernel accepts every program (%d refused)", refused);
}

/* A refused program names the verifier's reason. */
static void test_refusal(void)
{
  struct bpf_insn bad[1] = {{.code = BPF_JMP | BPF_EXIT}}; /* r0 never set */
  struct rr_error *err = NULL;
  int fd = rr_cg_devices_load(bad, 1, &err);
  if (fd < 0 && (err->errnum == EPERM || err->errnum == ENOSYS)) {
    printf("ok %d - # SKIP the kernel refuses BPF here\n", ++tap_n);
  } else {
    TAP_OK(fd < 0 && strstr(err->msg, "load the device cgroup program (1 instructions): ") &&
               strstr(err->msg, "R0 !read_ok"),
           "a refused program: the verifier's reason in the error (%s)",
           fd < 0 ? err->msg : "loaded");
    if (fd >= 0)
      close(fd);
  }
  rr_error_free(err);
}

int main(void)
{
  test_refusal();
  test_default_rules();
  test_random_rules();
  return tap_done();
}
