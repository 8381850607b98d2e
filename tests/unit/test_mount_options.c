/* SPDX-License-Identifier: Apache-2.0 */
/* The mount option table and the .mounts validator. */
#include "config.h"

#include <string.h>
#include <sys/mount.h>

#include "libredrun/core/tables/mount_options.h"
#include "libredrun/core/util.h"
#include "tap.h"

static struct rr_mount_flags parse(const char *csv)
{
  char *copy = rr_xstrdup(csv), *save = NULL;
  char *v[32];
  size_t n = 0;
  for (char *t = strtok_r(copy, ",", &save); t && n < 32; t = strtok_r(NULL, ",", &save))
    v[n++] = t;
  struct rr_mount_flags f;
  rr_mount_flags_parse(v, n, &f);
  free(copy);
  return f;
}

static const char *validate(oci_mount *m)
{
  static char msg[256];
  oci_mount *list[] = {m};
  oci_config cfg = {0};
  cfg.mounts = list;
  cfg.mounts_len = 1;
  struct rr_error *err = NULL;
  if (rr_mounts_validate(&cfg, &err) == 0)
    return NULL;
  snprintf(msg, sizeof(msg), "%s", err->msg);
  rr_error_free(err);
  return msg;
}

int main(void)
{
  struct rr_mount_flags f = parse("ro,nosuid,nodev,noexec,relatime");
  TAP_OK(f.flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME) && !f.data,
         "plain flags");
  rr_mount_flags_release(&f);

  f = parse("ro,rw,suid,nosuid,exec");
  TAP_OK(!(f.flags & MS_RDONLY) && (f.clear & MS_RDONLY) && (f.flags & MS_NOSUID) &&
             (f.clear & MS_NOEXEC),
         "the last of a pair wins, negations are remembered");
  rr_mount_flags_release(&f);

  f = parse("noatime,strictatime");
  TAP_OK(f.flags == MS_STRICTATIME && (f.clear & MS_NOATIME), "atime states exclude each other");
  rr_mount_flags_release(&f);

  f = parse("size=64k,mode=755,rbind,lowerdir=/a:/b");
  TAP_STR_EQ(f.data, "size=64k,mode=755,lowerdir=/a:/b", "unknown options become data, in order");
  TAP_OK(f.bind && f.recursive_bind, "rbind");
  rr_mount_flags_release(&f);

  f = parse("rprivate");
  TAP_OK(f.propagation == (MS_PRIVATE | MS_REC), "rprivate");
  rr_mount_flags_release(&f);
  f = parse("shared,slave");
  TAP_OK(f.propagation == MS_SLAVE, "last propagation wins");
  rr_mount_flags_release(&f);

  f = parse("rro,rnosuid,rnoatime");
  TAP_OK(f.rec_attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME) &&
             (f.rec_attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME,
         "recursive attributes, atime clears its field");
  rr_mount_flags_release(&f);
  f = parse("rro,rrw");
  TAP_OK(f.rec_attr_set == 0 && f.rec_attr_clr == MOUNT_ATTR_RDONLY, "rrw undoes rro");
  rr_mount_flags_release(&f);

  f = parse("idmap,tmpcopyup,nosymfollow");
  TAP_OK(f.idmap && !f.recursive_idmap && f.tmpcopyup && (f.flags & MS_NOSYMFOLLOW),
         "idmap, tmpcopyup, nosymfollow");
  rr_mount_flags_release(&f);
  f = parse("ridmap");
  TAP_OK(f.idmap && f.recursive_idmap, "ridmap");
  rr_mount_flags_release(&f);

  const char *names[] = {"dirsync",       "remount",     "mand",         "nomand",
                         "lazytime",      "diratime",    "nodiratime",   "norelatime",
                         "nostrictatime", "runbindable", "rslave",       "rshared",
                         "rnodev",        "rnoexec",     "rnosymfollow", "rstrictatime",
                         "rrelatime",     "ratime",      "sync",         "async"};
  size_t known = 0;
  for (size_t i = 0; i < RR_ARRAY_SIZE(names); i++)
    known += rr_mount_option_find(names[i]) != NULL;
  TAP_OK(known == RR_ARRAY_SIZE(names), "runc/crun option names are all known");

  char *bind_opts[] = {"rbind"};
  char *idmap_opts[] = {"bind", "idmap"};
  oci_mount m = {.destination = "/x", .type = "tmpfs"};
  TAP_OK(validate(&m) == NULL, "a tmpfs mount is valid");
  m.destination = "x";
  TAP_STR_EQ(validate(&m), ".mounts[0].destination: `x` must be absolute", "relative destination");
  m.destination = "/x";
  m.type = NULL;
  TAP_STR_EQ(validate(&m), ".mounts[0].type: is required unless the mount is a bind mount",
             "no type");
  m.options = bind_opts;
  m.options_len = 1;
  TAP_STR_EQ(validate(&m), ".mounts[0].source: a bind mount needs a source", "bind without source");
  m.source = "/src";
  TAP_OK(validate(&m) == NULL, "type-less rbind with a source is valid");
  m.options = idmap_opts;
  m.options_len = 2;
  TAP_STR_EQ(validate(&m), ".mounts[0].uidMappings: an id-mapped mount needs uid mappings",
             "idmap without mappings");
  oci_id_mapping map = {.container_id = 0, .host_id = 1000, .size = 0};
  oci_id_mapping *maps[] = {&map};
  m.uid_mappings = m.gid_mappings = maps;
  m.uid_mappings_len = m.gid_mappings_len = 1;
  TAP_STR_EQ(validate(&m), ".mounts[0].uidMappings[0].size: must be positive", "empty mapping");
  map.size = 10;
  TAP_OK(validate(&m) == NULL, "idmap with mappings is valid");
  return tap_done();
}
