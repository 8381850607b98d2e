/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_TABLES_SECCOMP_NAMES_H
#define RR_TABLES_SECCOMP_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libredrun/core/error.h"
#include "oci_types.h"

/*
 * The OCI seccomp vocabulary as pure data, so rp2oci and redrun agree on it.
 * Values are the kernel's (linux/seccomp.h) and libseccomp's comparison
 * numbering; nothing here links libseccomp.
 */

struct rr_scmp_action {
  const char *name; /* "SCMP_ACT_ERRNO" */
  uint32_t ret;     /* SECCOMP_RET_* without data */
  bool takes_data;  /* ERRNO and TRACE carry errnoRet in the low 16 bits */
};

/* Comparison operators, numbered as libseccomp's enum scmp_compare. */
enum rr_scmp_op {
  RR_SCMP_CMP_NE = 1,
  RR_SCMP_CMP_LT,
  RR_SCMP_CMP_LE,
  RR_SCMP_CMP_EQ,
  RR_SCMP_CMP_GE,
  RR_SCMP_CMP_GT,
  RR_SCMP_CMP_MASKED_EQ,
};

struct rr_scmp_arch {
  const char *name;      /* "SCMP_ARCH_X86_64" */
  const char *scmp_name; /* libseccomp's seccomp_arch_resolve_name() spelling */
};

/* Action by OCI name, NULL when unknown. */
const struct rr_scmp_action *rr_scmp_action_by_name(const char *name);
/* Operator by OCI name, 0 when unknown. */
enum rr_scmp_op rr_scmp_op_by_name(const char *name);
/* Architecture by OCI name, NULL when unknown. */
const struct rr_scmp_arch *rr_scmp_arch_by_name(const char *name);
/* SECCOMP_FILTER_FLAG_* bit by OCI name, 0 when unknown. */
uint32_t rr_scmp_flag_by_name(const char *name);

/* The whole vocabulary in table order, for the features document; NULL past
 * the end (rr_scmp_flag_name_at also gives the flag's bit). */
const struct rr_scmp_action *rr_scmp_action_at(size_t i);
const char *rr_scmp_op_name_at(size_t i);
const struct rr_scmp_arch *rr_scmp_arch_at(size_t i);
const char *rr_scmp_flag_name_at(size_t i, uint32_t *flag);

/* Largest errno the ERRNO action can carry: the kernel clamps to MAX_ERRNO
 * (4095), libseccomp 2.5 refuses 4095 itself (seccomp_init and rule_add say
 * EINVAL), so a section the validator passes also compiles. */
#define RR_SCMP_ERRNO_MAX 4094

/*
 * Pure checks of `.linux.seccomp` (names, ranges, consistency); errors name the
 * JSON path. Syscall names are not checked: a name this libseccomp does not
 * know is skipped when compiling, as runc and crun do, so that one profile
 * serves several kernels.
 */
int rr_seccomp_validate(const oci_seccomp *s, struct rr_error **err) RR_WUR;

#endif
