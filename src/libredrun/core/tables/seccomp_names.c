/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <linux/seccomp.h>
#include <string.h>

#include "libredrun/core/tables/seccomp_names.h"
#include "libredrun/core/util.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct rr_scmp_action actions[] = {
    {"SCMP_ACT_KILL", SECCOMP_RET_KILL_THREAD, false},
    {"SCMP_ACT_KILL_THREAD", SECCOMP_RET_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SECCOMP_RET_KILL_PROCESS, false},
    {"SCMP_ACT_TRAP", SECCOMP_RET_TRAP, false},
    {"SCMP_ACT_ERRNO", SECCOMP_RET_ERRNO, true},
    {"SCMP_ACT_TRACE", SECCOMP_RET_TRACE, true},
    {"SCMP_ACT_ALLOW", SECCOMP_RET_ALLOW, false},
    {"SCMP_ACT_LOG", SECCOMP_RET_LOG, false},
    {"SCMP_ACT_NOTIFY", SECCOMP_RET_USER_NOTIF, false},
};

static const struct {
  const char *name;
  enum rr_scmp_op op;
} ops[] = {
    {"SCMP_CMP_NE", RR_SCMP_CMP_NE},
    {"SCMP_CMP_LT", RR_SCMP_CMP_LT},
    {"SCMP_CMP_LE", RR_SCMP_CMP_LE},
    {"SCMP_CMP_EQ", RR_SCMP_CMP_EQ},
    {"SCMP_CMP_GE", RR_SCMP_CMP_GE},
    {"SCMP_CMP_GT", RR_SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", RR_SCMP_CMP_MASKED_EQ},
};

/* Every architecture the runtime-spec lists; the libseccomp the runtime is
 * built with may know fewer (those are skipped when compiling). */
static const struct rr_scmp_arch archs[] = {
    {"SCMP_ARCH_X86", "x86"},
    {"SCMP_ARCH_X86_64", "x86_64"},
    {"SCMP_ARCH_X32", "x32"},
    {"SCMP_ARCH_ARM", "arm"},
    {"SCMP_ARCH_AARCH64", "aarch64"},
    {"SCMP_ARCH_MIPS", "mips"},
    {"SCMP_ARCH_MIPS64", "mips64"},
    {"SCMP_ARCH_MIPS64N32", "mips64n32"},
    {"SCMP_ARCH_MIPSEL", "mipsel"},
    {"SCMP_ARCH_MIPSEL64", "mipsel64"},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
    {"SCMP_ARCH_PPC", "ppc"},
    {"SCMP_ARCH_PPC64", "ppc64"},
    {"SCMP_ARCH_PPC64LE", "ppc64le"},
    {"SCMP_ARCH_S390", "s390"},
    {"SCMP_ARCH_S390X", "s390x"},
    {"SCMP_ARCH_PARISC", "parisc"},
    {"SCMP_ARCH_PARISC64", "parisc64"},
    {"SCMP_ARCH_RISCV64", "riscv64"},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64"},
    {"SCMP_ARCH_M68K", "m68k"},
    {"SCMP_ARCH_SH", "sh"},
    {"SCMP_ARCH_SHEB", "sheb"},
};

static const struct {
  const char *name;
  uint32_t flag;
} flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

const struct rr_scmp_action *rr_scmp_action_by_name(const char *name)
{
  if (name != NULL)
    for (size_t i = 0; i < RR_ARRAY_SIZE(actions); i++)
      if (strcmp(actions[i].name, name) == 0)
        return &actions[i];
  return NULL;
}

enum rr_scmp_op rr_scmp_op_by_name(const char *name)
{
  if (name != NULL)
    for (size_t i = 0; i < RR_ARRAY_SIZE(ops); i++)
      if (strcmp(ops[i].name, name) == 0)
        return ops[i].op;
  return 0;
}

const struct rr_scmp_arch *rr_scmp_arch_by_name(const char *name)
{
  if (name != NULL)
    for (size_t i = 0; i < RR_ARRAY_SIZE(archs); i++)
      if (strcmp(archs[i].name, name) == 0)
        return &archs[i];
  return NULL;
}

uint32_t rr_scmp_flag_by_name(const char *name)
{
  if (name != NULL)
    for (size_t i = 0; i < RR_ARRAY_SIZE(flags); i++)
      if (strcmp(flags[i].name, name) == 0)
        return flags[i].flag;
  return 0;
}

const struct rr_scmp_action *rr_scmp_action_at(size_t i)
{
  return i < RR_ARRAY_SIZE(actions) ? &actions[i] : NULL;
}

const char *rr_scmp_op_name_at(size_t i)
{
  return i < RR_ARRAY_SIZE(ops) ? ops[i].name : NULL;
}

const struct rr_scmp_arch *rr_scmp_arch_at(size_t i)
{
  return i < RR_ARRAY_SIZE(archs) ? &archs[i] : NULL;
}

const char *rr_scmp_flag_name_at(size_t i, uint32_t *flag)
{
  if (i >= RR_ARRAY_SIZE(flags))
    return NULL;
  if (flag != NULL)
    *flag = flags[i].flag;
  return flags[i].name;
}

static bool is_notify(const struct rr_scmp_action *a)
{
  return a->ret == SECCOMP_RET_USER_NOTIF;
}

static int validate_rule(const oci_syscall *sc, size_t n, bool *uses_notify, struct rr_error **err)
{
  if (sc->names_len == 0)
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.seccomp.syscalls[%zu].names: must not be empty",
                   n);
  for (size_t i = 0; i < sc->names_len; i++)
    if (sc->names[i] == NULL || sc->names[i][0] == '\0')
      return rr_fail(err, RR_ERR_INVALID, 0, ".linux.seccomp.syscalls[%zu].names[%zu]: empty name",
                     n, i);
  const struct rr_scmp_action *a = rr_scmp_action_by_name(sc->action);
  if (a == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.seccomp.syscalls[%zu].action: unknown action `%s`", n,
                   sc->action ? sc->action : "");
  if (sc->errno_ret_present && !a->takes_data)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.seccomp.syscalls[%zu].errnoRet: only valid with SCMP_ACT_ERRNO or "
                   "SCMP_ACT_TRACE, not `%s`",
                   n, sc->action);
  if (sc->errno_ret_present && sc->errno_ret > RR_SCMP_ERRNO_MAX)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.seccomp.syscalls[%zu].errnoRet: %u is out of range (0-%d)", n,
                   (unsigned)sc->errno_ret, RR_SCMP_ERRNO_MAX);
  if (is_notify(a)) {
    *uses_notify = true;
    /* The notify fd travels to the listener with sendmsg() after the filter is
     * loaded: notifying sendmsg itself would deadlock the container. */
    for (size_t i = 0; i < sc->names_len; i++)
      if (strcmp(sc->names[i], "sendmsg") == 0)
        return rr_fail(err, RR_ERR_INVALID, 0,
                       ".linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for "
                       "`sendmsg` (the runtime needs it to pass the notify fd)",
                       n);
  }
  for (size_t j = 0; j < sc->args_len; j++) {
    const oci_syscall_arg *arg = sc->args[j];
    if (arg->index > 5)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.seccomp.syscalls[%zu].args[%zu].index: %u is out of range (0-5)", n, j,
                     (unsigned)arg->index);
    if (rr_scmp_op_by_name(arg->op) == 0)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator `%s`", n, j,
                     arg->op ? arg->op : "");
  }
  return 0;
}

int rr_seccomp_validate(const oci_seccomp *s, struct rr_error **err)
{
  if (s == NULL)
    return 0;
  const struct rr_scmp_action *def = rr_scmp_action_by_name(s->default_action);
  if (s->default_action == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.seccomp.defaultAction: missing");
  if (def == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.seccomp.defaultAction: unknown action `%s`",
                   s->default_action);
  if (is_notify(def))
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action "
                   "(the runtime's own sendmsg of the notify fd would be notified)");
  if (s->default_errno_ret_present && s->default_errno_ret > RR_SCMP_ERRNO_MAX)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.seccomp.defaultErrnoRet: %u is out of range (0-%d)",
                   (unsigned)s->default_errno_ret, RR_SCMP_ERRNO_MAX);
  for (size_t i = 0; i < s->architectures_len; i++)
    if (rr_scmp_arch_by_name(s->architectures[i]) == NULL)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.seccomp.architectures[%zu]: unknown architecture `%s`", i,
                     s->architectures[i]);
  for (size_t i = 0; i < s->flags_len; i++)
    if (rr_scmp_flag_by_name(s->flags[i]) == 0)
      return rr_fail(err, RR_ERR_INVALID, 0, ".linux.seccomp.flags[%zu]: unknown flag `%s`", i,
                     s->flags[i]);
  bool uses_notify = false;
  for (size_t i = 0; i < s->syscalls_len; i++)
    if (validate_rule(s->syscalls[i], i, &uses_notify, err) < 0)
      return -1;
  if (uses_notify && (s->listener_path == NULL || s->listener_path[0] == '\0'))
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
  if (s->listener_path != NULL && s->listener_path[0] != '\0' && s->listener_path[0] != '/')
    return rr_fail(err, RR_ERR_INVALID, 0, ".linux.seccomp.listenerPath: `%s` must be absolute",
                   s->listener_path);
  return 0;
}
