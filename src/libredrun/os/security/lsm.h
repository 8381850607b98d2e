/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_LSM_H
#define RR_LSM_H

#include <stdbool.h>

#include "libredrun/core/error.h"

/*
 * AppArmor and SELinux labels of the container process (.process.apparmorProfile,
 * .process.selinuxLabel) and of its mounts (.linux.mountLabel). A label the
 * host cannot apply is an error, never silently dropped.
 */
bool rr_lsm_apparmor_enabled(void);
bool rr_lsm_selinux_enabled(void);

/* In the parent before clone: fail when a requested LSM is absent. NULL or ""
 * means not requested. */
int rr_lsm_check(const char *apparmor_profile, const char *selinux_label, const char *mount_label,
                 struct rr_error **err) RR_WUR;

/* In the child, after /proc is mounted and before execve: label the next exec.
 * The attr file is checked to be on a real procfs (a container-made /proc must
 * not swallow the write, CVE-2019-16884). No-op for NULL labels. */
int rr_lsm_set_exec_label(const char *apparmor_profile, const char *selinux_label,
                          struct rr_error **err) RR_WUR;

/* Write `value` to the attribute file `path` after checking that it lives on
 * the file system with magic `fs_magic` (named `fs_name` in the error);
 * errors are prefixed with `field`. Also used for Smack's files. */
int rr_lsm_write_attr(const char *path, const char *value, unsigned long fs_magic,
                      const char *fs_name, const char *field, struct rr_error **err) RR_WUR;

/* Mount data option carrying mountLabel ("context=\"LABEL\""), malloc'd, or
 * NULL when no label is requested. Only meaningful after rr_lsm_check(). */
char *rr_lsm_mount_label_option(const char *mount_label);

#endif
