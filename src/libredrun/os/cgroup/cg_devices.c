/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup_internal.h"

/*
 * cgroup v2 has no devices.allow/deny files: access is decided by
 * BPF_CGROUP_DEVICE programs. OCI rules are evaluated in order with the last
 * match winning; the program checks them from the last to the first and
 * returns the first match, or 0 (deny) when none matches.
 */

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

/* Always allowed, as runc and crun do: what every program expects in /dev. */
static const struct rr_cg_dev_rule default_allow[] = {
    {'c', 1, 3, ACC_ALL, true},    /* /dev/null */
    {'c', 1, 5, ACC_ALL, true},    /* /dev/zero */
    {'c', 1, 7, ACC_ALL, true},    /* /dev/full */
    {'c', 1, 8, ACC_ALL, true},    /* /dev/random */
    {'c', 1, 9, ACC_ALL, true},    /* /dev/urandom */
    {'c', 5, 0, ACC_ALL, true},    /* /dev/tty */
    {'c', 5, 1, ACC_ALL, true},    /* /dev/console */
    {'c', 5, 2, ACC_ALL, true},    /* /dev/ptmx */
    {'c', 136, -1, ACC_ALL, true}, /* /dev/pts/N */
    /* mknod itself stays allowed: the runtime creates linux.devices after
     * the program is attached; opening them is what the rules decide */
    {'c', -1, -1, BPF_DEVCG_ACC_MKNOD, true},
    {'b', -1, -1, BPF_DEVCG_ACC_MKNOD, true},
};

static int parse_access(const char *s, unsigned *out)
{
  unsigned a = 0;
  if (s == NULL) {
    *out = ACC_ALL;
    return 0;
  }
  for (; *s; s++) {
    switch (*s) {
    case 'r':
      a |= BPF_DEVCG_ACC_READ;
      break;
    case 'w':
      a |= BPF_DEVCG_ACC_WRITE;
      break;
    case 'm':
      a |= BPF_DEVCG_ACC_MKNOD;
      break;
    default:
      return -1;
    }
  }
  *out = a;
  return 0;
}

static void push(struct rr_cg_dev_rule **v, size_t *n, struct rr_cg_dev_rule r)
{
  *v = rr_xrealloc(*v, (*n + 1) * sizeof(**v));
  (*v)[(*n)++] = r;
}

int rr_cg_devices_rules(const oci_linux_resources *res, struct rr_cg_dev_rule **out, size_t *n,
                        struct rr_error **err)
{
  _cleanup_free_ struct rr_cg_dev_rule *v = NULL;
  size_t count = 0;
  for (size_t i = 0; res && i < res->devices_len; i++) {
    const oci_device_cgroup *d = res->devices[i];
    struct rr_cg_dev_rule r = {'a', -1, -1, ACC_ALL, d->allow};
    if (d->type != NULL) {
      if (strlen(d->type) != 1 || strchr("abc", d->type[0]) == NULL)
        return rr_fail(err, RR_ERR_INVALID, 0,
                       ".linux.resources.devices[%zu].type: invalid type `%s`", i, d->type);
      r.type = d->type[0];
    }
    if (d->major_present)
      r.major = d->major;
    if (d->minor_present)
      r.minor = d->minor;
    if (r.major < -1 || r.minor < -1 || r.major > UINT32_MAX || r.minor > UINT32_MAX)
      return rr_fail(err, RR_ERR_INVALID, 0, ".linux.resources.devices[%zu]: invalid device number",
                     i);
    if (parse_access(d->access, &r.access) < 0)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.resources.devices[%zu].access: invalid access `%s`", i, d->access);
    push(&v, &count, r);
  }
  for (size_t i = 0; i < RR_ARRAY_SIZE(default_allow); i++)
    push(&v, &count, default_allow[i]);
  *out = steal_ptr(v);
  *n = count;
  return 0;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
  return i;
}

/* The checks every rule of a block starts with: its type and its access.
 * Each rule loads the fields it compares itself, so r2-r5 are dead where a
 * block starts: every path reaching it is one state to the verifier, which
 * then walks each block once (fields loaded once up front made it walk the
 * later rules again for each value the earlier comparisons had pinned). The
 * verifier costs about 1 us per instruction it walks here. */
static size_t emit_head(struct bpf_insn *b, const struct rr_cg_dev_rule *r)
{
  size_t k = 0;
  if (r->type != 'a') {
    b[k++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_6, 0, 0);
    b[k++] = insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
    b[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
                  r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  }
  if ((r->access & ACC_ALL) != ACC_ALL) {
    /* the rule matches only when every requested access is in its set */
    b[k++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_6, 0, 0);
    b[k++] = insn(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
    b[k++] = insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_3, 0, 0, (int32_t)(~r->access & ACC_ALL));
    b[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_3, 0, 0, 0);
  }
  return k;
}

/* One rule: each failed check jumps past the block. */
static size_t emit_rule(struct bpf_insn *b, const struct rr_cg_dev_rule *r)
{
  size_t k = emit_head(b, r);
  if (r->major >= 0) {
    b[k++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_6, 4, 0);
    b[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major);
  }
  if (r->minor >= 0) {
    b[k++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_6, 8, 0);
    b[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor);
  }
  b[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
  b[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  for (size_t j = 0; j < k; j++)
    if (b[j].code == (BPF_JMP | BPF_JNE | BPF_K))
      b[j].off = (int16_t)(k - j - 1);
  return k;
}

static bool same_verdict(const struct rr_cg_dev_rule *a, const struct rr_cg_dev_rule *b)
{
  return a->type == b->type && a->access == b->access && a->allow == b->allow && a->major >= 0 &&
         b->major >= 0;
}

/* Rules g[0..n) with one type, access and verdict and a major each (the
 * default allow list): their order does not matter, so one head, then a
 * dispatch on the major and, per major, on the minor, all jumping to one
 * verdict. */
static size_t emit_group(struct bpf_insn *b, const struct rr_cg_dev_rule *const *g, size_t n)
{
  size_t head = emit_head(b, g[0]);
  size_t k = head;
  b[k++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_6, 4, 0);
  int64_t majors[n];
  bool any_minor[n];
  size_t nm = 0;
  for (size_t i = 0; i < n; i++) {
    size_t m = 0;
    while (m < nm && majors[m] != g[i]->major)
      m++;
    if (m == nm) {
      majors[nm] = g[i]->major;
      any_minor[nm++] = false;
    }
    any_minor[m] |= g[i]->minor < 0;
  }
  /* layout: dispatch (nm JEQ + JA end), one block per major with minors
   * (LDX, a JEQ per distinct minor, JA end), the verdict (2) */
  size_t disp = k, blocks = disp + nm + 1, at = blocks;
  size_t start[n];
  for (size_t m = 0; m < nm; m++) {
    start[m] = at;
    if (any_minor[m])
      continue;
    size_t nmin = 0;
    for (size_t i = 0; i < n; i++) {
      bool dup = false;
      for (size_t e = 0; e < i && !dup; e++)
        dup = g[e]->major == g[i]->major && g[e]->minor == g[i]->minor;
      nmin += g[i]->major == majors[m] && !dup;
    }
    at += 1 + nmin + 1;
  }
  size_t verdict = at, end = verdict + 2;
  for (size_t m = 0; m < nm; m++, k++)
    b[k] = insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_4, 0,
                (int16_t)((any_minor[m] ? verdict : start[m]) - k - 1), (int32_t)majors[m]);
  b[k] = insn(BPF_JMP | BPF_JA, 0, 0, (int16_t)(end - k - 1), 0);
  k++;
  for (size_t m = 0; m < nm; m++) {
    if (any_minor[m])
      continue;
    b[k++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_6, 8, 0);
    for (size_t i = 0; i < n; i++) {
      bool dup = false;
      for (size_t e = 0; e < i && !dup; e++)
        dup = g[e]->major == g[i]->major && g[e]->minor == g[i]->minor;
      if (g[i]->major != majors[m] || dup)
        continue;
      b[k] = insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_5, 0, (int16_t)(verdict - k - 1),
                  (int32_t)g[i]->minor);
      k++;
    }
    b[k] = insn(BPF_JMP | BPF_JA, 0, 0, (int16_t)(end - k - 1), 0);
    k++;
  }
  b[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, g[0]->allow ? 1 : 0);
  b[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  /* the head's failed checks skip the whole group */
  for (size_t j = 0; j < head; j++)
    if (b[j].code == (BPF_JMP | BPF_JNE | BPF_K))
      b[j].off = (int16_t)(end - j - 1);
  return k;
}

void *rr_cg_devices_program(const struct rr_cg_dev_rule *rules, size_t n, size_t *count)
{
  /* a rule costs at most 13 instructions alone, 4 in a group, plus 13 per
   * group; 1 of prologue, 2 of epilogue */
  struct bpf_insn *p = rr_xcalloc(1 + 26 * n + 2, sizeof(*p));
  size_t k = 0;
  bool open_end = true;
  /* r6 = ctx (struct bpf_cgroup_dev_ctx: access_type, major, minor) */
  p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0);
  /* OCI's last match wins: rules are checked from the last one back */
  for (size_t i = n; i-- > 0;) {
    size_t first = i;
    while (first > 0 && same_verdict(&rules[first - 1], &rules[i]))
      first--;
    if (first < i) {
      const struct rr_cg_dev_rule *g[i - first + 1];
      for (size_t e = 0; e <= i - first; e++)
        g[e] = &rules[i - e];
      k += emit_group(p + k, g, i - first + 1);
      i = first;
      continue;
    }
    size_t b = emit_rule(p + k, &rules[i]);
    k += b;
    /* a rule matching everything ends the program: the verifier refuses
     * unreachable instructions after it */
    if (b == 2) {
      open_end = false;
      break;
    }
  }
  if (open_end) {
    p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
    p[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  }
  *count = k;
  return p;
}

static int bpf_call(int cmd, union bpf_attr *attr)
{
  return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* Ids of the device programs attached to the cgroup now. */
static size_t query_attached(int cgfd, uint32_t *ids, size_t max)
{
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.query.target_fd = (uint32_t)cgfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t)(uintptr_t)ids;
  a.query.prog_cnt = (uint32_t)max;
  if (bpf_call(BPF_PROG_QUERY, &a) < 0)
    return 0;
  return a.query.prog_cnt < max ? a.query.prog_cnt : max;
}

/* The verifier's log walks the program and ends with why it stopped, then a
 * "processed N insns" line: the reason is the last other line. Cut in place. */
static const char *verifier_reason(char *log)
{
  char *reason = log;
  for (char *line = log; *line;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    if (*line && strncmp(line, "processed ", 10) != 0)
      reason = line;
    line = nl ? nl + 1 : line + strlen(line);
  }
  return reason;
}

int rr_cg_devices_load(const void *prog, size_t count, struct rr_error **err)
{
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)prog;
  a.insn_cnt = (uint32_t)count;
  a.license = (uint64_t)(uintptr_t) "Apache-2.0";
  strncpy(a.prog_name, "redrun_dev", sizeof(a.prog_name) - 1);
  /* no verifier log on the normal path: asking for one makes the verifier
   * format every instruction it walks (about three times the cost of the
   * load); the log is only fetched to explain a refusal */
  int pfd = bpf_call(BPF_PROG_LOAD, &a);
  if (pfd >= 0)
    return pfd;
  int saved = errno;
  char log[4096] = "";
  if (saved == EINVAL || saved == EACCES) {
    a.log_buf = (uint64_t)(uintptr_t)log;
    a.log_size = sizeof(log);
    a.log_level = 1;
    int again = bpf_call(BPF_PROG_LOAD, &a);
    if (again >= 0) { /* refused once, accepted now: no reason to give */
      close(again);
      log[0] = '\0';
    }
  }
  return rr_fail_errnum(err, saved, "load the device cgroup program (%zu instructions)%s%s", count,
                        *log ? ": " : "", verifier_reason(log));
}

int rr_cg_devices_attach(int cgfd, const struct rr_cg_dev_rule *rules, size_t n,
                         struct rr_error **err)
{
  size_t count;
  _cleanup_free_ struct bpf_insn *prog = rr_cg_devices_program(rules, n, &count);
  _cleanup_close_ int pfd = rr_cg_devices_load(prog, count, err);
  if (pfd < 0)
    return -1;
  uint32_t old[64];
  size_t nold = query_attached(cgfd, old, RR_ARRAY_SIZE(old));
  union bpf_attr a;
  memset(&a, 0, sizeof(a));
  a.target_fd = (uint32_t)cgfd;
  a.attach_bpf_fd = (uint32_t)pfd;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf_call(BPF_PROG_ATTACH, &a) < 0)
    return rr_fail_errno(err, "attach the device cgroup program");
  /* replace: the previous programs (update) go once the new one is in place,
   * so there is no window without a device policy */
  for (size_t i = 0; i < nold; i++) {
    union bpf_attr g;
    memset(&g, 0, sizeof(g));
    g.prog_id = old[i];
    _cleanup_close_ int ofd = bpf_call(BPF_PROG_GET_FD_BY_ID, &g);
    if (ofd < 0)
      continue;
    memset(&g, 0, sizeof(g));
    g.target_fd = (uint32_t)cgfd;
    g.attach_bpf_fd = (uint32_t)ofd;
    g.attach_type = BPF_CGROUP_DEVICE;
    if (bpf_call(BPF_PROG_DETACH, &g) < 0)
      return rr_fail_errno(err, "detach the previous device cgroup program");
  }
  return 0;
}
