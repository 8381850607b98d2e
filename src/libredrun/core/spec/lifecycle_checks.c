/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "libredrun/core/log.h"
#include "libredrun/core/spec/lifecycle_checks.h"
#include "libredrun/core/tables/capabilities.h"
#include "libredrun/core/tables/namespaces.h"
#include "libredrun/core/tables/rlimits.h"

bool rr_spec_has_ns(const oci_config *cfg, const char *type)
{
  for (size_t i = 0; cfg->linux != NULL && i < cfg->linux->namespaces_len; i++) {
    const oci_namespace *n = cfg->linux->namespaces[i];
    if (n != NULL && n->type != NULL && strcmp(n->type, type) == 0)
      return true;
  }
  return false;
}

int rr_namespaces_validate(const oci_config *cfg, struct rr_error **err)
{
  const oci_linux *lx = cfg->linux;
  if (lx == NULL)
    return 0;
  for (size_t i = 0; i < lx->namespaces_len; i++) {
    const oci_namespace *ns = lx->namespaces[i];
    if (rr_ns_by_oci_name(ns->type) == NULL)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.namespaces[%zu].type: unknown namespace `%s` (one of user, cgroup, "
                     "ipc, uts, network, pid, time, mount)",
                     i, ns->type);
    for (size_t j = 0; j < i; j++)
      if (strcmp(lx->namespaces[j]->type, ns->type) == 0)
        return rr_fail(err, RR_ERR_INVALID, 0,
                       ".linux.namespaces[%zu].type: duplicate namespace `%s` (also [%zu])", i,
                       ns->type, j);
    if (ns->path != NULL && ns->path[0] != '\0' && ns->path[0] != '/')
      return rr_fail(err, RR_ERR_INVALID, 0, ".linux.namespaces[%zu].path: must be absolute", i);
  }
  bool user = rr_spec_has_ns(cfg, "user");
  if (lx->uid_mappings_len > 0 && !user)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.uidMappings: needs a user namespace in .linux.namespaces");
  if (lx->gid_mappings_len > 0 && !user)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   ".linux.gidMappings: needs a user namespace in .linux.namespaces");
  if (lx->time_offsets != NULL && lx->time_offsets->len > 0) {
    if (!rr_spec_has_ns(cfg, "time"))
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.timeOffsets: needs a time namespace in .linux.namespaces");
    for (size_t i = 0; i < lx->time_offsets->len; i++) {
      const char *k = lx->time_offsets->keys[i];
      if (strcmp(k, "monotonic") != 0 && strcmp(k, "boottime") != 0)
        return rr_fail(err, RR_ERR_INVALID, 0,
                       ".linux.timeOffsets: unknown clock `%s` (monotonic or boottime)", k);
      if (lx->time_offsets->values[i]->nanosecs >= 1000000000u)
        return rr_fail(err, RR_ERR_INVALID, 0,
                       ".linux.timeOffsets.%s.nanosecs: must be below 1000000000", k);
    }
  }
  return 0;
}

int rr_process_limits_validate(const oci_process *p, const char *prefix, struct rr_error **err)
{
  for (size_t i = 0; i < p->rlimits_len; i++) {
    const oci_rlimit *r = p->rlimits[i];
    if (rr_rlimit_from_name(r->type) < 0)
      return rr_fail(err, RR_ERR_INVALID, 0, "%s.rlimits[%zu].type: unknown rlimit `%s`", prefix, i,
                     r->type);
    for (size_t j = 0; j < i; j++)
      if (strcmp(p->rlimits[j]->type, r->type) == 0)
        return rr_fail(err, RR_ERR_INVALID, 0, "%s.rlimits[%zu].type: duplicate rlimit `%s`",
                       prefix, i, r->type);
    if (r->soft > r->hard)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "%s.rlimits[%zu]: soft limit %llu is above the hard limit %llu", prefix, i,
                     (unsigned long long)r->soft, (unsigned long long)r->hard);
  }
  return 0;
}

static void warn_set(char **names, size_t n, const char *source, const char *prefix,
                     const char *set)
{
  for (size_t i = 0; i < n; i++)
    if (rr_cap_from_name(names[i]) < 0)
      rr_warn("%s: %s.capabilities.%s[%zu]: unknown capability `%s`, ignored", source, prefix, set,
              i, names[i]);
}

void rr_process_warn_caps(const oci_process *p, const char *source, const char *prefix)
{
  const oci_capabilities *c = p->capabilities;
  if (c == NULL)
    return;
  warn_set(c->bounding, c->bounding_len, source, prefix, "bounding");
  warn_set(c->effective, c->effective_len, source, prefix, "effective");
  warn_set(c->inheritable, c->inheritable_len, source, prefix, "inheritable");
  warn_set(c->permitted, c->permitted_len, source, prefix, "permitted");
  warn_set(c->ambient, c->ambient_len, source, prefix, "ambient");
}
