/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "tests/helpers/bpf_interp.h"

/* The classic BPF subset the kernel accepts for seccomp. */
struct bpf_verdict bpf_interp_run(const struct sock_filter *f, size_t n,
                                  const struct seccomp_data *d)
{
  struct bpf_verdict v = {0};
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
  for (size_t pc = 0; pc < n; pc++) {
    const struct sock_filter *i = &f[pc];
    uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
    switch (BPF_CLASS(i->code)) {
    case BPF_LD:
    case BPF_LDX: {
      uint32_t val;
      if (BPF_MODE(i->code) == BPF_IMM) {
        val = i->k;
      } else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS) {
        val = mem[i->k];
      } else if (BPF_CLASS(i->code) == BPF_LD && BPF_MODE(i->code) == BPF_ABS &&
                 BPF_SIZE(i->code) == BPF_W && i->k % 4 == 0 && i->k <= sizeof(*d) - 4) {
        memcpy(&val, (const unsigned char *)d + i->k, 4);
        v.read_args |= i->k >= offsetof(struct seccomp_data, instruction_pointer);
      } else {
        return v;
      }
      if (BPF_CLASS(i->code) == BPF_LD)
        a = val;
      else
        x = val;
      break;
    }
    case BPF_ST:
    case BPF_STX:
      if (i->k >= BPF_MEMWORDS)
        return v;
      mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
      break;
    case BPF_ALU:
      switch (BPF_OP(i->code)) {
      case BPF_ADD:
        a += src;
        break;
      case BPF_SUB:
        a -= src;
        break;
      case BPF_MUL:
        a *= src;
        break;
      case BPF_OR:
        a |= src;
        break;
      case BPF_AND:
        a &= src;
        break;
      case BPF_XOR:
        a ^= src;
        break;
      case BPF_NEG:
        a = -a;
        break;
      case BPF_DIV:
      case BPF_MOD:
        if (src == 0)
          return v;
        a = BPF_OP(i->code) == BPF_DIV ? a / src : a % src;
        break;
      case BPF_LSH:
      case BPF_RSH:
        if (src >= 32)
          return v;
        a = BPF_OP(i->code) == BPF_LSH ? a << src : a >> src;
        break;
      default:
        return v;
      }
      break;
    case BPF_JMP: {
      bool t;
      switch (BPF_OP(i->code)) {
      case BPF_JA:
        pc += i->k;
        continue;
      case BPF_JEQ:
        t = a == src;
        break;
      case BPF_JGT:
        t = a > src;
        break;
      case BPF_JGE:
        t = a >= src;
        break;
      case BPF_JSET:
        t = (a & src) != 0;
        break;
      default:
        return v;
      }
      pc += t ? i->jt : i->jf;
      break;
    }
    case BPF_RET:
      v.ret = BPF_RVAL(i->code) == BPF_A ? a : i->k;
      v.ok = true;
      return v;
    case BPF_MISC:
      if (BPF_MISCOP(i->code) == BPF_TAX)
        x = a;
      else
        a = x;
      break;
    default:
      return v;
    }
  }
  return v; /* fell off the end: the kernel's checker refuses such a program */
}

/* Opcodes the kernel's seccomp filter accepts (seccomp_check_filter). */
static bool known_opcode(uint16_t code)
{
  switch (code) {
  case BPF_LD | BPF_W | BPF_ABS:
  case BPF_LD | BPF_IMM:
  case BPF_LDX | BPF_IMM:
  case BPF_LD | BPF_MEM:
  case BPF_LDX | BPF_MEM:
  case BPF_ST:
  case BPF_STX:
  case BPF_RET | BPF_K:
  case BPF_RET | BPF_A:
  case BPF_MISC | BPF_TAX:
  case BPF_MISC | BPF_TXA:
  case BPF_JMP | BPF_JA:
    return true;
  }
  switch (BPF_CLASS(code)) {
  case BPF_ALU:
    return BPF_OP(code) == BPF_NEG ? code == (BPF_ALU | BPF_NEG)
                                   : BPF_OP(code) <= BPF_XOR && BPF_OP(code) != 0x80 &&
                                         (code & ~(BPF_OP(0xff) | BPF_SRC(0xff))) == BPF_ALU;
  case BPF_JMP:
    return (BPF_OP(code) == BPF_JEQ || BPF_OP(code) == BPF_JGT || BPF_OP(code) == BPF_JGE ||
            BPF_OP(code) == BPF_JSET) &&
           (code & ~(BPF_OP(0xff) | BPF_SRC(0xff))) == BPF_JMP;
  }
  return false;
}

const char *bpf_interp_check(const struct sock_filter *f, size_t n)
{
  if (n == 0 || n > BPF_MAXINSNS)
    return "empty or longer than BPF_MAXINSNS";
  if (BPF_CLASS(f[n - 1].code) != BPF_RET)
    return "last instruction is not a return";
  uint16_t masks[BPF_MAXINSNS];
  memset(masks, 0xff, n * sizeof(*masks));
  uint16_t valid = 0;
  for (size_t pc = 0; pc < n; pc++) {
    const struct sock_filter *i = &f[pc];
    if (!known_opcode(i->code))
      return "unknown opcode";
    valid &= masks[pc];
    switch (BPF_CLASS(i->code)) {
    case BPF_LD:
    case BPF_LDX:
      if (BPF_MODE(i->code) == BPF_ABS && (i->k % 4 != 0 || i->k > sizeof(struct seccomp_data) - 4))
        return "load outside struct seccomp_data";
      if (BPF_MODE(i->code) == BPF_MEM && (i->k >= BPF_MEMWORDS || !(valid & (1u << i->k))))
        return "scratch memory read before it is written";
      break;
    case BPF_ST:
    case BPF_STX:
      if (i->k >= BPF_MEMWORDS)
        return "scratch memory index out of range";
      valid |= (uint16_t)(1u << i->k);
      break;
    case BPF_ALU:
      if ((BPF_OP(i->code) == BPF_DIV || BPF_OP(i->code) == BPF_MOD) && BPF_SRC(i->code) == BPF_K &&
          i->k == 0)
        return "division by a constant 0";
      if ((BPF_OP(i->code) == BPF_LSH || BPF_OP(i->code) == BPF_RSH) && BPF_SRC(i->code) == BPF_K &&
          i->k >= 32)
        return "shift by 32 or more";
      break;
    case BPF_JMP:
      if (BPF_OP(i->code) == BPF_JA) {
        if (i->k >= n - pc - 1)
          return "jump past the end";
        masks[pc + 1 + i->k] &= valid;
      } else {
        if ((size_t)i->jt >= n - pc - 1 || (size_t)i->jf >= n - pc - 1)
          return "conditional jump past the end";
        masks[pc + 1 + i->jt] &= valid;
        masks[pc + 1 + i->jf] &= valid;
      }
      valid = 0xffff;
      break;
    }
  }
  return NULL;
}
