/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/security/lsm.h"
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
  return rr_lsm_write_attr(SMACKFS "/relabel-self", l, SMACK_MAGIC, "smackfs",
                           "annotation `" RR_REDPAK_SMACK "`", err);
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
  return rr_lsm_write_attr(path, l, PROC_SUPER_MAGIC, "procfs", "annotation `" RR_REDPAK_SMACK "`",
                           err);
}
