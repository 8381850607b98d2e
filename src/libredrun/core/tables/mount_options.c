/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>
#include <sys/mount.h>

#include "libredrun/core/tables/mount_options.h"
#include "libredrun/core/util.h"

#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif

#define FLAG(n, f)                                                                                 \
  {                                                                                                \
    n, RR_MOPT_FLAG, false, false, f, 0, 0                                                         \
  }
#define UNFLAG(n, f)                                                                               \
  {                                                                                                \
    n, RR_MOPT_FLAG, true, false, f, 0, 0                                                          \
  }
#define PROP(n, f)                                                                                 \
  {                                                                                                \
    n, RR_MOPT_PROPAGATION, false, false, f, 0, 0                                                  \
  }
#define RPROP(n, f)                                                                                \
  {                                                                                                \
    n, RR_MOPT_PROPAGATION, false, true, (f) | MS_REC, 0, 0                                        \
  }
#define RATTR(n, a)                                                                                \
  {                                                                                                \
    n, RR_MOPT_RECURSIVE, false, true, 0, a, a                                                     \
  }
#define RUNATTR(n, a)                                                                              \
  {                                                                                                \
    n, RR_MOPT_RECURSIVE, true, true, 0, a, a                                                      \
  }
#define RATIME(n, a)                                                                               \
  {                                                                                                \
    n, RR_MOPT_RECURSIVE, false, true, 0, a, MOUNT_ATTR__ATIME                                     \
  }

/* The accepted set is the union of what runc and crun take, so that a config
 * written for either runs here. "atime" family: each option names one of the
 * mutually exclusive MS_NOATIME/MS_RELATIME/MS_STRICTATIME states. */
static const struct rr_mount_option options[] = {
    FLAG("defaults", 0),
    FLAG("ro", MS_RDONLY),
    UNFLAG("rw", MS_RDONLY),
    FLAG("nosuid", MS_NOSUID),
    UNFLAG("suid", MS_NOSUID),
    FLAG("nodev", MS_NODEV),
    UNFLAG("dev", MS_NODEV),
    FLAG("noexec", MS_NOEXEC),
    UNFLAG("exec", MS_NOEXEC),
    FLAG("sync", MS_SYNCHRONOUS),
    UNFLAG("async", MS_SYNCHRONOUS),
    FLAG("dirsync", MS_DIRSYNC),
    FLAG("remount", MS_REMOUNT),
    FLAG("mand", MS_MANDLOCK),
    UNFLAG("nomand", MS_MANDLOCK),
    FLAG("noatime", MS_NOATIME),
    UNFLAG("atime", MS_NOATIME),
    FLAG("nodiratime", MS_NODIRATIME),
    UNFLAG("diratime", MS_NODIRATIME),
    FLAG("relatime", MS_RELATIME),
    UNFLAG("norelatime", MS_RELATIME),
    FLAG("strictatime", MS_STRICTATIME),
    UNFLAG("nostrictatime", MS_STRICTATIME),
    FLAG("lazytime", MS_LAZYTIME),
    UNFLAG("nolazytime", MS_LAZYTIME),
    FLAG("iversion", MS_I_VERSION),
    UNFLAG("noiversion", MS_I_VERSION),
    FLAG("silent", MS_SILENT),
    UNFLAG("loud", MS_SILENT),
    FLAG("nosymfollow", MS_NOSYMFOLLOW),
    UNFLAG("symfollow", MS_NOSYMFOLLOW),
    {"bind", RR_MOPT_BIND, false, false, 0, 0, 0},
    {"rbind", RR_MOPT_BIND, false, true, 0, 0, 0},
    PROP("shared", MS_SHARED),
    RPROP("rshared", MS_SHARED),
    PROP("slave", MS_SLAVE),
    RPROP("rslave", MS_SLAVE),
    PROP("private", MS_PRIVATE),
    RPROP("rprivate", MS_PRIVATE),
    PROP("unbindable", MS_UNBINDABLE),
    RPROP("runbindable", MS_UNBINDABLE),
    RATTR("rro", MOUNT_ATTR_RDONLY),
    RUNATTR("rrw", MOUNT_ATTR_RDONLY),
    RATTR("rnosuid", MOUNT_ATTR_NOSUID),
    RUNATTR("rsuid", MOUNT_ATTR_NOSUID),
    RATTR("rnodev", MOUNT_ATTR_NODEV),
    RUNATTR("rdev", MOUNT_ATTR_NODEV),
    RATTR("rnoexec", MOUNT_ATTR_NOEXEC),
    RUNATTR("rexec", MOUNT_ATTR_NOEXEC),
    RATTR("rnodiratime", MOUNT_ATTR_NODIRATIME),
    RUNATTR("rdiratime", MOUNT_ATTR_NODIRATIME),
    RATIME("rrelatime", MOUNT_ATTR_RELATIME),
    RATIME("rnorelatime", MOUNT_ATTR_STRICTATIME),
    RATIME("rnoatime", MOUNT_ATTR_NOATIME),
    RATIME("ratime", MOUNT_ATTR_RELATIME),
    RATIME("rstrictatime", MOUNT_ATTR_STRICTATIME),
    RATIME("rnostrictatime", MOUNT_ATTR_RELATIME),
    RATTR("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW),
    RUNATTR("rsymfollow", MOUNT_ATTR_NOSYMFOLLOW),
    {"idmap", RR_MOPT_IDMAP, false, false, 0, 0, 0},
    {"ridmap", RR_MOPT_IDMAP, false, true, 0, 0, 0},
    {"tmpcopyup", RR_MOPT_TMPCOPYUP, false, false, 0, 0, 0},
};

const struct rr_mount_option *rr_mount_option_find(const char *name)
{
  for (size_t i = 0; name && i < RR_ARRAY_SIZE(options); i++)
    if (strcmp(options[i].name, name) == 0)
      return &options[i];
  return NULL;
}

const struct rr_mount_option *rr_mount_option_at(size_t i)
{
  return i < RR_ARRAY_SIZE(options) ? &options[i] : NULL;
}

#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

static void apply_flag(struct rr_mount_flags *f, const struct rr_mount_option *o)
{
  if (o->clear) {
    f->flags &= ~o->ms_flag;
    f->clear |= o->ms_flag;
    return;
  }
  /* The atime states exclude each other: the last one given wins. */
  if (o->ms_flag & ATIME_FLAGS) {
    f->flags &= ~ATIME_FLAGS;
    f->clear |= ATIME_FLAGS & ~o->ms_flag;
  }
  f->flags |= o->ms_flag;
  f->clear &= ~o->ms_flag;
}

static void append_data(struct rr_mount_flags *f, const char *opt)
{
  if (f->data == NULL) {
    f->data = rr_xstrdup(opt);
    return;
  }
  char *joined = rr_xasprintf("%s,%s", f->data, opt);
  free(f->data);
  f->data = joined;
}

void rr_mount_flags_parse(char *const *opts, size_t n, struct rr_mount_flags *out)
{
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < n; i++) {
    const struct rr_mount_option *o = rr_mount_option_find(opts[i]);
    if (o == NULL) {
      if (opts[i] && opts[i][0])
        append_data(out, opts[i]);
      continue;
    }
    switch (o->kind) {
    case RR_MOPT_FLAG:
      apply_flag(out, o);
      break;
    case RR_MOPT_PROPAGATION:
      out->propagation = o->ms_flag;
      break;
    case RR_MOPT_RECURSIVE:
      if (o->attr_mask == MOUNT_ATTR__ATIME)
        out->rec_atime_set = true;
      out->rec_attr_set &= ~o->attr_mask;
      out->rec_attr_clr &= ~o->attr_mask;
      if (o->clear) {
        out->rec_attr_clr |= o->attr;
      } else {
        out->rec_attr_set |= o->attr;
        /* mount_setattr changes the atime state only when all its bits are cleared */
        if (o->attr_mask == MOUNT_ATTR__ATIME)
          out->rec_attr_clr |= MOUNT_ATTR__ATIME;
      }
      break;
    case RR_MOPT_BIND:
      out->bind = true;
      out->recursive_bind |= o->recursive;
      break;
    case RR_MOPT_IDMAP:
      out->idmap = true;
      out->recursive_idmap |= o->recursive;
      break;
    case RR_MOPT_TMPCOPYUP:
      out->tmpcopyup = true;
      break;
    }
  }
}

void rr_mount_flags_release(struct rr_mount_flags *f)
{
  free(f->data);
  f->data = NULL;
}

bool rr_mount_is_bind(const oci_mount *m)
{
  if (m->type && strcmp(m->type, "bind") == 0)
    return true;
  for (size_t i = 0; i < m->options_len; i++)
    if (m->options[i] &&
        (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0))
      return true;
  return false;
}
