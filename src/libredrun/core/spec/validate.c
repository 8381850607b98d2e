/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "libredrun/core/spec/validate.h"
#include "libredrun/core/spec/lifecycle_checks.h"
#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/core/tables/mount_options.h"
#include "libredrun/core/tables/seccomp_names.h"

#define SRC "config.json"

static int invalid(struct rr_error **err, const char *fmt, ...) RR_PRINTF(2, 3);
static int invalid(struct rr_error **err, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int r = rr_vfail(err, RR_ERR_INVALID, 0, fmt, ap);
  va_end(ap);
  return r;
}

/* Any 1.x release: bundles written for 1.0 must keep working, and newer 1.x
 * minors only add optional fields, which are ignored when unknown. */
static bool is_v1(const char *v)
{
  return v[0] == '1' && v[1] == '.' && isdigit((unsigned char)v[2]);
}

static int check_version(const oci_config *cfg, struct rr_error **err)
{
  if (cfg->oci_version[0] == '\0')
    return invalid(err, SRC ": .ociVersion: must not be empty");
  if (!is_v1(cfg->oci_version))
    return invalid(err, SRC ": .ociVersion: unsupported version `%s` (redrun implements 1.x)",
                   cfg->oci_version);
  return 0;
}

static int check_root(const oci_config *cfg, struct rr_error **err)
{
  if (cfg->root == NULL)
    return invalid(err, SRC ": missing required property \"root\"");
  if (cfg->root->path[0] == '\0')
    return invalid(err, SRC ": .root.path: must not be empty");
  return 0;
}

int rr_spec_validate_process(const oci_process *p, const char *source, const char *prefix,
                             struct rr_error **err)
{
  if (p->args_len == 0)
    return invalid(err, "%s: %s.args: must not be empty", source, prefix);
  if (p->args[0][0] == '\0')
    return invalid(err, "%s: %s.args[0]: must not be empty", source, prefix);
  if (p->cwd[0] != '/')
    return invalid(err, "%s: %s.cwd: must be an absolute path", source, prefix);
  for (size_t i = 0; i < p->env_len; i++)
    if (strchr(p->env[i], '=') == NULL)
      return invalid(err, "%s: %s.env[%zu]: `%s` is not of the form NAME=VALUE", source, prefix, i,
                     p->env[i]);
  return 0;
}

static int check_hook_list(const char *kind, oci_hook **hooks, size_t n, struct rr_error **err)
{
  for (size_t i = 0; i < n; i++)
    if (hooks[i]->path[0] != '/')
      return invalid(err, SRC ": .hooks.%s[%zu].path: must be an absolute path", kind, i);
  return 0;
}

static int check_hooks(const oci_hooks *h, struct rr_error **err)
{
  if (h == NULL)
    return 0;
  if (check_hook_list("prestart", h->prestart, h->prestart_len, err) < 0 ||
      check_hook_list("createRuntime", h->create_runtime, h->create_runtime_len, err) < 0 ||
      check_hook_list("createContainer", h->create_container, h->create_container_len, err) < 0 ||
      check_hook_list("startContainer", h->start_container, h->start_container_len, err) < 0 ||
      check_hook_list("poststart", h->poststart, h->poststart_len, err) < 0 ||
      check_hook_list("poststop", h->poststop, h->poststop_len, err) < 0)
    return -1;
  return 0;
}

/* Setting them in the host's UTS namespace would rename the host. */
static int check_uts(const oci_config *cfg, struct rr_error **err)
{
  bool uts = rr_spec_has_ns(cfg, "uts");
  if (cfg->hostname != NULL && cfg->hostname[0] != '\0' && !uts)
    return invalid(err, SRC ": .hostname: needs a uts namespace in .linux.namespaces");
  if (cfg->domainname != NULL && cfg->domainname[0] != '\0' && !uts)
    return invalid(err, SRC ": .domainname: needs a uts namespace in .linux.namespaces");
  return 0;
}

int rr_spec_validate(const oci_config *cfg, struct rr_error **err)
{
  if (check_version(cfg, err) < 0 || check_root(cfg, err) < 0)
    return -1;
  if (cfg->process != NULL && rr_spec_validate_process(cfg->process, SRC, ".process", err) < 0)
    return -1;
  if (check_hooks(cfg->hooks, err) < 0 || check_uts(cfg, err) < 0)
    return -1;

  /*
   * Module validators. Each module checks its own part of the config, names
   * the JSON path in its messages and stays free of system calls. One line per
   * module, in this order:
   *   namespaces, capabilities, mounts, resources, seccomp
   */
  /* -- module validators: begin -- */
  if (rr_namespaces_validate(cfg, err) < 0 ||
      (cfg->process != NULL && rr_process_limits_validate(cfg->process, ".process", err) < 0))
    return rr_wrap(err, SRC);
  if (rr_mounts_validate(cfg, err) < 0)
    return rr_wrap(err, SRC);
  if (cfg->linux != NULL && rr_resources_validate(cfg->linux->resources, err) < 0)
    return rr_wrap(err, SRC);
  if (cfg->linux != NULL && rr_seccomp_validate(cfg->linux->seccomp, err) < 0)
    return rr_wrap(err, SRC);
  /* -- module validators: end -- */
  return 0;
}
