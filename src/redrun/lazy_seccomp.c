/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libseccomp, loaded when first used (default dynamic build only).
 *
 * Most program starts never compile a filter: a container without
 * linux.seccomp, start, state, kill, delete. Linked normally, libseccomp is
 * mapped and relocated at every start all the same; here the few functions
 * redrun calls are defined in the program and open the library with dlopen on
 * first use, in the parent (never in the container's process, where the
 * library is out of reach after pivot_root).
 *
 * Every libseccomp function redrun calls must be listed here: one missing is
 * an undefined reference when redrun links (the build tells, nothing fails
 * at run time). Static builds (--enable-static-deps, --enable-static-binaries)
 * link the library and do not compile this file.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>

#define RR_STR_(x) #x
#define RR_STR(x) RR_STR_(x)
#define SONAME "libseccomp.so." RR_STR(SCMP_VER_MAJOR)

static void *lookup(const char *name)
{
  static void *lib;
  static bool failed;
  if (lib == NULL && !failed) {
    lib = dlopen(SONAME, RTLD_NOW | RTLD_LOCAL);
    failed = lib == NULL;
  }
  return lib != NULL ? dlsym(lib, name) : NULL;
}

/* The real function of the same name, looked up once. */
#define REAL(fn)                                                                                   \
  static __typeof__(&fn) real;                                                                     \
  if (real == NULL)                                                                                \
  real = (__typeof__(&fn))lookup(#fn)

const struct scmp_version *seccomp_version(void)
{
  static const struct scmp_version none = {0, 0, 0};
  REAL(seccomp_version);
  return real != NULL ? real() : &none;
}

uint32_t seccomp_arch_native(void)
{
  REAL(seccomp_arch_native);
  return real != NULL ? real() : 0;
}

uint32_t seccomp_arch_resolve_name(const char *arch_name)
{
  REAL(seccomp_arch_resolve_name);
  return real != NULL ? real(arch_name) : 0;
}

int seccomp_syscall_resolve_name(const char *name)
{
  REAL(seccomp_syscall_resolve_name);
  return real != NULL ? real(name) : __NR_SCMP_ERROR;
}

scmp_filter_ctx seccomp_init(uint32_t def_action)
{
  REAL(seccomp_init);
  if (real == NULL) {
    errno = ELIBACC;
    return NULL;
  }
  return real(def_action);
}

void seccomp_release(scmp_filter_ctx ctx)
{
  REAL(seccomp_release);
  if (real != NULL)
    real(ctx);
}

int seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value)
{
  REAL(seccomp_attr_set);
  return real != NULL ? real(ctx, attr, value) : -ELIBACC;
}

int seccomp_arch_add(scmp_filter_ctx ctx, uint32_t arch_token)
{
  REAL(seccomp_arch_add);
  return real != NULL ? real(ctx, arch_token) : -ELIBACC;
}

int seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int syscall, unsigned int arg_cnt,
                           const struct scmp_arg_cmp *arg_array)
{
  REAL(seccomp_rule_add_array);
  return real != NULL ? real(ctx, action, syscall, arg_cnt, arg_array) : -ELIBACC;
}

int seccomp_export_bpf(const scmp_filter_ctx ctx, int fd)
{
  REAL(seccomp_export_bpf);
  return real != NULL ? real(ctx, fd) : -ELIBACC;
}
