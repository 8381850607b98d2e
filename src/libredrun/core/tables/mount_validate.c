/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "libredrun/core/tables/mount_options.h"
#include "libredrun/core/util.h"

static int validate_mappings(oci_id_mapping **maps, size_t n, size_t idx, const char *field,
                             struct rr_error **err)
{
  for (size_t j = 0; j < n; j++)
    if (maps[j] == NULL || maps[j]->size == 0)
      return rr_fail(err, RR_ERR_INVALID, 0, ".mounts[%zu].%s[%zu].size: must be positive", idx,
                     field, j);
  return 0;
}

static int validate_one(const oci_mount *m, size_t i, struct rr_error **err)
{
  if (m->destination == NULL || m->destination[0] == '\0')
    return rr_fail(err, RR_ERR_INVALID, 0, ".mounts[%zu].destination: is required", i);
  if (m->destination[0] != '/')
    return rr_fail(err, RR_ERR_INVALID, 0, ".mounts[%zu].destination: `%s` must be absolute", i,
                   m->destination);

  bool bind = rr_mount_is_bind(m);
  if (!bind && (m->type == NULL || m->type[0] == '\0'))
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".mounts[%zu].type: is required unless the mount is a bind mount", i);
  if (bind && (m->source == NULL || m->source[0] == '\0'))
    return rr_fail(err, RR_ERR_INVALID, 0, ".mounts[%zu].source: a bind mount needs a source", i);

  struct rr_mount_flags f;
  rr_mount_flags_parse(m->options, m->options_len, &f);
  bool idmap = f.idmap;
  bool tmpcopyup = f.tmpcopyup;
  rr_mount_flags_release(&f);

  if (tmpcopyup && (m->type == NULL || strcmp(m->type, "tmpfs") != 0))
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".mounts[%zu].options: `tmpcopyup` is only valid for a tmpfs mount", i);

  bool has_maps = m->uid_mappings_len > 0 || m->gid_mappings_len > 0;
  if (idmap || has_maps) {
    if (!bind)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".mounts[%zu].options: id-mapped mounts must be bind mounts", i);
    if (m->uid_mappings_len == 0)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".mounts[%zu].uidMappings: an id-mapped mount needs uid mappings", i);
    if (m->gid_mappings_len == 0)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".mounts[%zu].gidMappings: an id-mapped mount needs gid mappings", i);
    if (validate_mappings(m->uid_mappings, m->uid_mappings_len, i, "uidMappings", err) < 0 ||
        validate_mappings(m->gid_mappings, m->gid_mappings_len, i, "gidMappings", err) < 0)
      return -1;
  }
  return 0;
}

int rr_mounts_validate(const oci_config *cfg, struct rr_error **err)
{
  for (size_t i = 0; cfg && i < cfg->mounts_len; i++) {
    if (cfg->mounts[i] == NULL)
      return rr_fail(err, RR_ERR_INVALID, 0, ".mounts[%zu]: must be an object", i);
    if (validate_one(cfg->mounts[i], i, err) < 0)
      return -1;
  }
  return 0;
}
