/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/security/lsm.h"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

static bool requested(const char *label)
{
  return label != NULL && label[0] != '\0';
}

bool rr_lsm_apparmor_enabled(void)
{
  char c = 0;
  _cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

bool rr_lsm_selinux_enabled(void)
{
  struct statfs sfs;
  return statfs("/sys/fs/selinux", &sfs) == 0 && (unsigned long)sfs.f_type == SELINUX_MAGIC;
}

int rr_lsm_check(const char *apparmor_profile, const char *selinux_label, const char *mount_label,
                 struct rr_error **err)
{
  if (requested(apparmor_profile) && !rr_lsm_apparmor_enabled())
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                   ".process.apparmorProfile: `%s` requested but AppArmor is not enabled on this "
                   "host",
                   apparmor_profile);
  if (requested(selinux_label) && !rr_lsm_selinux_enabled())
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                   ".process.selinuxLabel: `%s` requested but SELinux is not enabled on this host",
                   selinux_label);
  if (requested(mount_label) && !rr_lsm_selinux_enabled())
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                   ".linux.mountLabel: `%s` requested but SELinux is not enabled on this host",
                   mount_label);
  return 0;
}

int rr_lsm_write_attr(const char *path, const char *value, unsigned long fs_magic,
                      const char *fs_name, const char *field, struct rr_error **err)
{
  _cleanup_close_ int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "%s: open `%s`", field, path);
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0)
    return rr_fail_errno(err, "%s: statfs `%s`", field, path);
  if ((unsigned long)sfs.f_type != fs_magic)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "%s: `%s` is not on %s", field, path, fs_name);
  size_t len = strlen(value);
  if (write(fd, value, len) != (ssize_t)len)
    return rr_fail_errno(err, "%s: set `%s`", field, value);
  return 0;
}

static int write_attr(const char *path, const char *value, const char *field, struct rr_error **err)
{
  return rr_lsm_write_attr(path, value, PROC_SUPER_MAGIC, "procfs", field, err);
}

int rr_lsm_set_exec_label(const char *apparmor_profile, const char *selinux_label,
                          struct rr_error **err)
{
  if (requested(apparmor_profile)) {
    if (!rr_lsm_apparmor_enabled())
      return rr_lsm_check(apparmor_profile, NULL, NULL, err);
    _cleanup_free_ char *cmd = rr_xasprintf("exec %s", apparmor_profile);
    /* The AppArmor-specific attr directory exists since Linux 5.8; older
     * kernels only have the shared one. */
    const char *path = access("/proc/thread-self/attr/apparmor/exec", F_OK) == 0
                           ? "/proc/thread-self/attr/apparmor/exec"
                           : "/proc/thread-self/attr/exec";
    if (write_attr(path, cmd, ".process.apparmorProfile", err) < 0)
      return -1;
  }
  if (requested(selinux_label)) {
    if (!rr_lsm_selinux_enabled())
      return rr_lsm_check(NULL, selinux_label, NULL, err);
    if (write_attr("/proc/thread-self/attr/exec", selinux_label, ".process.selinuxLabel", err) < 0)
      return -1;
  }
  return 0;
}

char *rr_lsm_mount_label_option(const char *mount_label)
{
  return requested(mount_label) ? rr_xasprintf("context=\"%s\"", mount_label) : NULL;
}
