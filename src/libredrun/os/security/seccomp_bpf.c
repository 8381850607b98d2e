/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp_internal.h"

/*
 * Range compaction of libseccomp's syscall-number dispatch.
 *
 * libseccomp compares the syscall number with each listed number, one
 * instruction each, even where consecutive numbers share an action (podman's
 * profile allows ~370 syscalls, mostly in long runs). The kernel's cost of
 * loading a filter (checking, converting and JIT-compiling it, and emulating
 * it per syscall number for its bitmap of always-allowed calls) grows with
 * the instruction count, and every container start pays it.
 *
 * A "region" is the set of compare-with-constant jumps (jeq/jgt/jge #k, ja)
 * reachable from the instruction after a load, entered only through its first
 * instruction. It computes a function of the accumulator to its exits (the
 * first other instructions reached; identical `ret` instructions are one exit,
 * since libseccomp repeats them per branch). Splitting the 32-bit range at every
 * constant gives that function exactly as sorted intervals; adjacent
 * intervals with the same exit merge, and a balanced tree of jge over the
 * interval starts replaces the region (its leaves jump to one ja per distinct
 * exit when the whole fits in 8-bit jumps, else each leaf is its own ja). The accumulator, X and
 * the scratch memory are untouched, every exit is the same instruction as before, so the program's
 * verdict is the same for every input. The new code is checked at both ends of every interval
 * before it is used, and any surprise (a region entered elsewhere, an offset that no longer fits,
 * no gain) keeps libseccomp's program. The `ret` instructions no path reaches any more are
 * dropped: the kernel converts and JIT-compiles dead code too.
 */

#define MAX_STEPS (1u << 20)

struct interval {
  uint32_t lo, hi;
  uint32_t exit; /* old index of the exit instruction */
};

struct region {
  uint32_t entry;
  const uint32_t *exit_of; /* an exit's canonical instruction */
  struct interval *iv;
  size_t n_iv;
  struct sock_filter *code; /* exits as old indexes in k, fixed at layout */
  bool *is_exit;            /* code[i] is a ja to an exit */
  size_t n_code;
};

static bool is_cmp(const struct sock_filter *i)
{
  if (BPF_CLASS(i->code) != BPF_JMP)
    return false;
  uint16_t op = BPF_OP(i->code);
  return op == BPF_JA ||
         (BPF_SRC(i->code) == BPF_K && (op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE));
}

static bool is_jump_or_ret(const struct sock_filter *i)
{
  return BPF_CLASS(i->code) == BPF_JMP || BPF_CLASS(i->code) == BPF_RET;
}

/* Successors of instruction i (0, 1 or 2); false when one is out of range. */
static bool successors(const struct sock_filter *p, size_t n, size_t i, size_t s[2], int *ns)
{
  const struct sock_filter *x = &p[i];
  *ns = 0;
  if (BPF_CLASS(x->code) == BPF_RET)
    return true;
  if (BPF_CLASS(x->code) != BPF_JMP) {
    s[(*ns)++] = i + 1;
  } else if (BPF_OP(x->code) == BPF_JA) {
    s[(*ns)++] = i + 1 + (size_t)x->k;
  } else {
    s[(*ns)++] = i + 1 + x->jt;
    s[(*ns)++] = i + 1 + x->jf;
  }
  for (int j = 0; j < *ns; j++)
    if (s[j] >= n)
      return false;
  return true;
}

struct walk {
  uint32_t node, lo, hi;
};

static void add_interval(struct region *r, size_t *cap, uint32_t lo, uint32_t hi, uint32_t exit)
{
  if (r->n_iv == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    r->iv = rr_xrealloc(r->iv, *cap * sizeof(*r->iv));
  }
  r->iv[r->n_iv++] = (struct interval){lo, hi, exit};
}

static int by_lo(const void *a, const void *b)
{
  uint32_t x = ((const struct interval *)a)->lo, y = ((const struct interval *)b)->lo;
  return (x > y) - (x < y);
}

/* The function of the accumulator computed by the region at r->entry. */
static bool analyse(const struct sock_filter *p, const uint8_t *in_region, struct region *r)
{
  size_t cap = 0, sp = 0, stack_cap = 64;
  _cleanup_free_ struct walk *stack = rr_xmalloc(stack_cap * sizeof(*stack));
  stack[sp++] = (struct walk){r->entry, 0, UINT32_MAX};
  for (uint32_t steps = 0; sp > 0; steps++) {
    if (steps > MAX_STEPS)
      return false;
    struct walk w = stack[--sp];
    if (!in_region[w.node]) {
      add_interval(r, &cap, w.lo, w.hi, r->exit_of[w.node]);
      continue;
    }
    const struct sock_filter *x = &p[w.node];
    uint32_t t = w.node + 1 + x->jt, f = w.node + 1 + x->jf, k = x->k;
    struct walk next[3];
    int nn = 0;
    switch (BPF_OP(x->code)) {
    case BPF_JA:
      next[nn++] = (struct walk){w.node + 1 + k, w.lo, w.hi};
      break;
    case BPF_JEQ:
      if (k < w.lo || k > w.hi) {
        next[nn++] = (struct walk){f, w.lo, w.hi};
        break;
      }
      next[nn++] = (struct walk){t, k, k};
      if (k > w.lo)
        next[nn++] = (struct walk){f, w.lo, k - 1};
      if (k < w.hi)
        next[nn++] = (struct walk){f, k + 1, w.hi};
      break;
    case BPF_JGT:
    case BPF_JGE: {
      /* true for A >= first */
      uint64_t first = BPF_OP(x->code) == BPF_JGT ? (uint64_t)k + 1 : k;
      if (first <= w.lo) {
        next[nn++] = (struct walk){t, w.lo, w.hi};
      } else if (first > w.hi) {
        next[nn++] = (struct walk){f, w.lo, w.hi};
      } else {
        next[nn++] = (struct walk){t, (uint32_t)first, w.hi};
        next[nn++] = (struct walk){f, w.lo, (uint32_t)first - 1};
      }
      break;
    }
    default:
      return false;
    }
    if (sp + (size_t)nn > stack_cap) {
      stack_cap = stack_cap * 2 + (size_t)nn;
      stack = rr_xrealloc(stack, stack_cap * sizeof(*stack));
    }
    for (int j = 0; j < nn; j++)
      stack[sp++] = next[j];
  }
  qsort(r->iv, r->n_iv, sizeof(*r->iv), by_lo);
  /* a partition of the whole range, or we misread the region */
  if (r->n_iv == 0 || r->iv[0].lo != 0 || r->iv[r->n_iv - 1].hi != UINT32_MAX)
    return false;
  size_t m = 0;
  for (size_t i = 1; i < r->n_iv; i++) {
    if ((uint64_t)r->iv[i].lo != (uint64_t)r->iv[m].hi + 1)
      return false;
    if (r->iv[i].exit == r->iv[m].exit)
      r->iv[m].hi = r->iv[i].hi;
    else
      r->iv[++m] = r->iv[i];
  }
  r->n_iv = m + 1;
  return true;
}

/* Size of the tree over intervals [a, b]: a leaf is one ja to its exit; a
 * node is one jge, plus a ja when its left subtree is too long for an 8-bit
 * jump over it. */
static size_t tree_size(size_t a, size_t b)
{
  if (a == b)
    return 1;
  size_t m = a + (b - a + 1) / 2;
  size_t left = tree_size(a, m - 1);
  return 1 + (left > 255 ? 1 : 0) + left + tree_size(m, b);
}

static void emit(struct region *r, size_t a, size_t b)
{
  if (a == b) {
    r->is_exit[r->n_code] = true;
    r->code[r->n_code++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, r->iv[a].exit, 0, 0);
    return;
  }
  size_t m = a + (b - a + 1) / 2;
  size_t left = tree_size(a, m - 1);
  if (left > 255) {
    /* A >= start of m: next instruction, a ja over the left subtree */
    r->code[r->n_code++] =
        (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r->iv[m].lo, 0, 1);
    r->code[r->n_code++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)left, 0, 0);
  } else {
    r->code[r->n_code++] =
        (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r->iv[m].lo, (uint8_t)left, 0);
  }
  emit(r, a, m - 1);
  emit(r, m, b);
}

/* Run the new region code for accumulator value v: the exit it reaches. */
static bool run_code(const struct region *r, uint32_t v, uint32_t *exit)
{
  size_t pc = 0;
  while (pc < r->n_code) {
    const struct sock_filter *x = &r->code[pc];
    if (r->is_exit[pc]) {
      *exit = x->k;
      return true;
    }
    if (BPF_OP(x->code) == BPF_JA)
      pc += 1 + x->k;
    else
      pc += 1 + (v >= x->k ? x->jt : x->jf);
  }
  return false;
}

/* Distinct exits in order of first appearance; their count. */
static size_t pool_of(const struct region *r, uint32_t *pool)
{
  size_t n = 0;
  for (size_t i = 0; i < r->n_iv; i++) {
    size_t j = 0;
    while (j < n && pool[j] != r->iv[i].exit)
      j++;
    if (j == n)
      pool[n++] = r->iv[i].exit;
  }
  return n;
}

static uint32_t pool_pos(const uint32_t *pool, size_t n_pool, size_t base, uint32_t exit)
{
  size_t j = 0;
  while (j < n_pool && pool[j] != exit)
    j++;
  return (uint32_t)(base + j);
}

/*
 * The compact layout, when every jump fits in 8 bits (at most 256
 * instructions): the nodes in pre-order, then one ja per distinct exit, which
 * the nodes jump to directly (a leaf takes no instruction of its own).
 */
static void emit_pooled(struct region *r, const uint32_t *pool, size_t n_pool, size_t a, size_t b,
                        size_t at)
{
  size_t m = a + (b - a + 1) / 2, base = r->n_iv - 1;
  size_t left = a == m - 1 ? pool_pos(pool, n_pool, base, r->iv[a].exit) : at + 1;
  size_t right = m == b ? pool_pos(pool, n_pool, base, r->iv[m].exit) : at + 1 + (m - 1 - a);
  r->code[at] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r->iv[m].lo,
                                             (uint8_t)(right - at - 1), (uint8_t)(left - at - 1));
  if (a < m - 1)
    emit_pooled(r, pool, n_pool, a, m - 1, at + 1);
  if (m < b)
    emit_pooled(r, pool, n_pool, m, b, at + 1 + (m - 1 - a));
}

static size_t code_size(const struct region *r, uint32_t *pool)
{
  size_t n_pool = pool_of(r, pool);
  return r->n_iv - 1 + n_pool <= 256 ? r->n_iv - 1 + n_pool : tree_size(0, r->n_iv - 1);
}

static bool build(struct region *r)
{
  _cleanup_free_ uint32_t *pool = rr_xmalloc(r->n_iv * sizeof(*pool));
  size_t n_pool = pool_of(r, pool);
  size_t expect = code_size(r, pool);
  r->code = rr_xcalloc(expect, sizeof(*r->code));
  r->is_exit = rr_xcalloc(expect, sizeof(*r->is_exit));
  if (r->n_iv - 1 + n_pool <= 256) {
    if (r->n_iv > 1)
      emit_pooled(r, pool, n_pool, 0, r->n_iv - 1, 0);
    for (size_t j = 0; j < n_pool; j++) {
      r->is_exit[r->n_iv - 1 + j] = true;
      r->code[r->n_iv - 1 + j] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, pool[j], 0, 0);
    }
    r->n_code = r->n_iv - 1 + n_pool;
  } else {
    emit(r, 0, r->n_iv - 1);
  }
  if (r->n_code != expect)
    return false;
  for (size_t i = 0; i < r->n_iv; i++) {
    uint32_t e;
    if (!run_code(r, r->iv[i].lo, &e) || e != r->iv[i].exit || !run_code(r, r->iv[i].hi, &e) ||
        e != r->iv[i].exit)
      return false;
  }
  return true;
}

static void region_free(struct region *r)
{
  free(r->iv);
  free(r->code);
  free(r->is_exit);
}

/*
 * exit_of[i] for the instructions after entry e: the first identical `ret`
 * after e (the same verdict, and still a forward jump from the region's code,
 * which takes e's place), else i itself.
 */
static void canonical_exits(const struct sock_filter *p, size_t n, size_t e, uint32_t *exit_of)
{
  uint32_t firsts[64];
  size_t n_firsts = 0;
  for (size_t i = e + 1; i < n; i++) {
    exit_of[i] = (uint32_t)i;
    if (BPF_CLASS(p[i].code) != BPF_RET)
      continue;
    size_t j = 0;
    while (j < n_firsts && (p[firsts[j]].code != p[i].code || p[firsts[j]].k != p[i].k))
      j++;
    if (j < n_firsts)
      exit_of[i] = firsts[j];
    else if (n_firsts < RR_ARRAY_SIZE(firsts))
      firsts[n_firsts++] = (uint32_t)i;
  }
}

/* Remove the instructions no path from the first reaches (jumps only go
 * forward, so one pass finds them); offsets only shrink, so they still fit. */
static size_t drop_unreachable(struct sock_filter *q, size_t len)
{
  _cleanup_free_ uint32_t *newidx = rr_xmalloc(len * sizeof(*newidx));
  _cleanup_free_ uint8_t *live = rr_xcalloc(len, 1);
  live[0] = 1;
  size_t kept = 0;
  for (size_t i = 0; i < len; i++) {
    if (!live[i])
      continue;
    newidx[i] = (uint32_t)kept++;
    size_t s[2];
    int ns;
    successors(q, len, i, s, &ns);
    for (int j = 0; j < ns; j++)
      live[s[j]] = 1;
  }
  for (size_t i = 0; i < len; i++) {
    if (!live[i])
      continue;
    struct sock_filter x = q[i];
    size_t at = newidx[i];
    if (BPF_CLASS(x.code) == BPF_JMP) {
      if (BPF_OP(x.code) == BPF_JA) {
        x.k = newidx[i + 1 + x.k] - (uint32_t)at - 1;
      } else {
        x.jt = (uint8_t)(newidx[i + 1 + x.jt] - at - 1);
        x.jf = (uint8_t)(newidx[i + 1 + x.jf] - at - 1);
      }
    }
    q[at] = x;
  }
  return kept;
}

int rr_seccomp_bpf_compact(const struct sock_filter *p, size_t n, struct sock_filter **out,
                           size_t *n_out)
{
  if (n == 0 || n > BPF_MAXINSNS)
    return -1;
  /* predecessors: how many, and whether any is outside a given region */
  _cleanup_free_ uint32_t *npred = rr_xcalloc(n, sizeof(*npred));
  for (size_t i = 0; i < n; i++) {
    size_t s[2];
    int ns;
    if (!successors(p, n, i, s, &ns))
      return -1;
    for (int j = 0; j < ns; j++)
      npred[s[j]]++;
  }
  _cleanup_free_ uint8_t *in_region = rr_xcalloc(n, 1);
  _cleanup_free_ int32_t *region_of = rr_xmalloc(n * sizeof(*region_of));
  for (size_t i = 0; i < n; i++)
    region_of[i] = -1;
  struct region *regions = NULL;
  size_t n_regions = 0;
  _cleanup_free_ uint32_t *members = rr_xmalloc(n * sizeof(*members));
  _cleanup_free_ uint32_t *exit_of = rr_xmalloc(n * sizeof(*exit_of));
  _cleanup_free_ uint32_t *newpos = NULL;
  _cleanup_free_ struct sock_filter *q = NULL;
  int rc = -1;

  for (size_t i = 0; i + 1 < n; i++) {
    size_t e = i + 1;
    if (BPF_CLASS(p[i].code) != BPF_LD || !is_cmp(&p[e]) || region_of[e] >= 0)
      continue;
    /* the compares reachable from e */
    size_t nm = 0, top = 0;
    members[nm++] = (uint32_t)e;
    in_region[e] = 1;
    while (top < nm) {
      size_t s[2];
      int ns;
      successors(p, n, members[top++], s, &ns);
      for (int j = 0; j < ns; j++)
        if (!in_region[s[j]] && is_cmp(&p[s[j]]) && region_of[s[j]] < 0) {
          in_region[s[j]] = 1;
          members[nm++] = (uint32_t)s[j];
        }
    }
    /* entered only at e: every other member's predecessors are members */
    size_t inner = 0;
    for (size_t j = 0; j < nm; j++) {
      size_t s[2];
      int ns;
      successors(p, n, members[j], s, &ns);
      for (int k = 0; k < ns; k++)
        inner += in_region[s[k]] && s[k] != e;
    }
    size_t preds = 0;
    for (size_t j = 1; j < nm; j++)
      preds += npred[members[j]];
    canonical_exits(p, n, e, exit_of);
    struct region r = {.entry = (uint32_t)e, .exit_of = exit_of};
    bool ok = inner == preds && nm > 8 && analyse(p, in_region, &r);
    if (ok) {
      _cleanup_free_ uint32_t *pool = rr_xmalloc(r.n_iv * sizeof(*pool));
      ok = code_size(&r, pool) < nm && build(&r);
    }
    if (ok) {
      for (size_t j = 0; j < nm; j++)
        region_of[members[j]] = (int32_t)n_regions;
      regions = rr_xrealloc(regions, (n_regions + 1) * sizeof(*regions));
      regions[n_regions++] = r;
    } else {
      region_free(&r);
    }
    for (size_t j = 0; j < nm; j++)
      in_region[members[j]] = 0;
  }
  if (n_regions == 0)
    goto out;

  /* layout: kept instructions in order, each region's code at its entry */
  newpos = rr_xmalloc(n * sizeof(*newpos));
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    int32_t g = region_of[i];
    if (g < 0) {
      newpos[i] = (uint32_t)len++;
    } else if (regions[g].entry == i) {
      newpos[i] = (uint32_t)len;
      len += regions[g].n_code;
    } else {
      newpos[i] = UINT32_MAX; /* never a target: checked above */
    }
  }
  q = rr_xcalloc(len, sizeof(*q));
  for (size_t i = 0; i < n; i++) {
    int32_t g = region_of[i];
    if (g >= 0) {
      if (regions[g].entry != i)
        continue;
      const struct region *r = &regions[g];
      for (size_t j = 0; j < r->n_code; j++) {
        size_t at = newpos[i] + j;
        q[at] = r->code[j];
        if (r->is_exit[j]) {
          uint32_t to = newpos[r->code[j].k];
          if (to == UINT32_MAX || to <= at)
            goto out;
          q[at].k = to - (uint32_t)at - 1;
        }
      }
      continue;
    }
    size_t at = newpos[i];
    q[at] = p[i];
    if (BPF_CLASS(p[i].code) != BPF_JMP)
      continue;
    if (BPF_OP(p[i].code) == BPF_JA) {
      uint32_t to = newpos[i + 1 + p[i].k];
      if (to == UINT32_MAX || to <= at)
        goto out;
      q[at].k = to - (uint32_t)at - 1;
    } else {
      uint32_t t = newpos[i + 1 + p[i].jt], f = newpos[i + 1 + p[i].jf];
      if (t == UINT32_MAX || f == UINT32_MAX || t <= at || f <= at || t - at - 1 > 255 ||
          f - at - 1 > 255)
        goto out;
      q[at].jt = (uint8_t)(t - at - 1);
      q[at].jf = (uint8_t)(f - at - 1);
    }
  }
  if (!is_jump_or_ret(&q[len - 1]))
    goto out;
  len = drop_unreachable(q, len);
  if (!is_jump_or_ret(&q[len - 1]) || len >= n)
    goto out;
  rr_debug("seccomp: %zu BPF instructions compacted to %zu (%zu dispatch regions)", n, len,
           n_regions);
  *out = steal_ptr(q);
  *n_out = len;
  rc = 0;
out:
  for (size_t g = 0; g < n_regions; g++)
    region_free(&regions[g]);
  free(regions);
  return rc;
}
