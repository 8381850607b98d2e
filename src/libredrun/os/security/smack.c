/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/security/smack.h"

#ifndef SMACK_MAGIC
#define SMACK_MAGIC 0x43415d53
#endif

#define SMACKFS "/sys/fs/smackfs"
/* SMK_LONGLABEL - 1: the longest label Smack accepts */
#define SMACK_LABEL_MAX 255

static const char *label_of(const oci_config *cfg)
{
  return cfg ? oci_string_map_get(cfg->annotations, RR_REDPAK_SMACK) : NULL;
}

bool rr_smack_enabled(void)
{
  struct statfs sfs;
  return statfs(SMACKFS, &sfs) == 0 && (unsigned long)sfs.f_type == SMACK_MAGIC;
}

/* Smack's label syntax: printable, no blank, none of / " \ ', not starting with - */
static bool label_ok(const char *l)
{
  size_t n = strlen(l);
  if (n == 0 || n > SMACK_LABEL_MAX || l[0] == '-')
    return false;
  for (const char *p = l; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c <= ' ' || c >= 0x7f || c == '/' || c == '"' || c == '\\' || c == '\'')
      return false;
  }
  return true;
}

static int write_file(const char *path, const char *value, bool need_proc, const char *label,
                      struct rr_error **err)
{
  _cleanup_close_ int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "annotation `%s`: open `%s`", RR_REDPAK_SMACK, path);
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0)
    return rr_fail_errno(err, "annotation `%s`: statfs `%s`", RR_REDPAK_SMACK, path);
  unsigned long want = need_proc ? PROC_SUPER_MAGIC : SMACK_MAGIC;
  if ((unsigned long)sfs.f_type != want)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "annotation `%s`: `%s` is not on %s", RR_REDPAK_SMACK,
                   path, need_proc ? "procfs" : "smackfs");
  size_t len = strlen(value);
  if (write(fd, value, len) != (ssize_t)len)
    return rr_fail_errno(err, "annotation `%s`: set label `%s`", RR_REDPAK_SMACK, label);
  return 0;
}

int rr_smack_prepare(const oci_config *cfg, struct rr_error **err)
{
  const char *l = label_of(cfg);
  if (l == NULL)
    return 0;
  if (!label_ok(l))
    return rr_fail(err, RR_ERR_INVALID, 0, "annotation `%s`: invalid Smack label `%s`",
                   RR_REDPAK_SMACK, l);
  if (!rr_smack_enabled())
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                   "annotation `%s`: label `%s` requested but SMACK is not enabled on this host",
                   RR_REDPAK_SMACK, l);
  return write_file(SMACKFS "/relabel-self", l, false, l, err);
}

int rr_smack_apply(const oci_config *cfg, struct rr_error **err)
{
  const char *l = label_of(cfg);
  if (l == NULL)
    return 0;
  /* the Smack-specific attr directory exists since Linux 5.1 */
  const char *path = access("/proc/thread-self/attr/smack/current", F_OK) == 0
                         ? "/proc/thread-self/attr/smack/current"
                         : "/proc/thread-self/attr/current";
  return write_file(path, l, true, l, err);
}
