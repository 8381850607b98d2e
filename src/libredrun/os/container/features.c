/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libredrun/core/tables/capabilities.h"
#include "libredrun/core/tables/mount_options.h"
#include "libredrun/core/tables/namespaces.h"
#include "libredrun/core/json.h"
#include "libredrun/core/tables/seccomp_names.h"
#include "libredrun/core/util.h"
#include "libredrun/os/container/features.h"
#include "libredrun/os/container/hooks.h"

#ifndef SECCOMP_GET_ACTION_AVAIL
#define SECCOMP_GET_ACTION_AVAIL 2
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static void enabled(struct rr_json *g, const char *key, bool on)
{
  rr_json_open_object(g, key);
  rr_json_add_bool(g, "enabled", on);
  rr_json_close(g);
}

/* The kernel answers for actions without installing anything. */
static bool kernel_has_action(uint32_t ret)
{
  return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &ret) == 0;
}

/* A flag the kernel does not know fails with EINVAL before the (NULL) program
 * is even read, which then fails with EFAULT: a probe that changes nothing. */
static bool kernel_has_filter_flag(uint32_t flag)
{
  /* WAIT_KILLABLE_RECV is only valid together with a notify listener */
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static void seccomp_features(struct rr_json *g)
{
  const struct rr_scmp_action *a;
  const struct rr_scmp_arch *arch;
  const char *name;
  uint32_t flag;

  rr_json_open_object(g, "seccomp");
  rr_json_add_bool(g, "enabled", true);
  rr_json_open_array(g, "actions");
  for (size_t i = 0; (a = rr_scmp_action_at(i)) != NULL; i++)
    if (kernel_has_action(a->ret))
      rr_json_add_string(g, NULL, a->name);
  rr_json_close(g);
  rr_json_open_array(g, "operators");
  for (size_t i = 0; (name = rr_scmp_op_name_at(i)) != NULL; i++)
    rr_json_add_string(g, NULL, name);
  rr_json_close(g);
  /* the table lists every spec architecture; libseccomp decides which compile */
  rr_json_open_array(g, "archs");
  for (size_t i = 0; (arch = rr_scmp_arch_at(i)) != NULL; i++)
    if (seccomp_arch_resolve_name(arch->scmp_name) != 0)
      rr_json_add_string(g, NULL, arch->name);
  rr_json_close(g);
  rr_json_open_array(g, "knownFlags");
  for (size_t i = 0; (name = rr_scmp_flag_name_at(i, &flag)) != NULL; i++)
    rr_json_add_string(g, NULL, name);
  rr_json_close(g);
  rr_json_open_array(g, "supportedFlags");
  for (size_t i = 0; (name = rr_scmp_flag_name_at(i, &flag)) != NULL; i++)
    if (kernel_has_filter_flag(flag))
      rr_json_add_string(g, NULL, name);
  rr_json_close(g);
  rr_json_close(g);
}

static void linux_features(struct rr_json *g)
{
  rr_json_open_object(g, "linux");
  rr_json_open_array(g, "namespaces");
  for (size_t i = 0; i < rr_ns_table_len; i++)
    rr_json_add_string(g, NULL, rr_ns_table[i].oci_name);
  rr_json_close(g);
  rr_json_open_array(g, "capabilities");
  for (int c = 0; c <= RR_CAP_LAST; c++)
    rr_json_add_string(g, NULL, rr_cap_name(c));
  rr_json_close(g);
  /* cgroup v2 only (DESIGN.md); the systemd form of cgroupsPath is mapped onto
   * the cgroupfs layout, without transient units, so the systemd driver is not
   * claimed */
  rr_json_open_object(g, "cgroup");
  rr_json_add_bool(g, "v1", false);
  rr_json_add_bool(g, "v2", true);
  rr_json_add_bool(g, "systemd", false);
  rr_json_add_bool(g, "systemdUser", false);
  rr_json_add_bool(g, "rdma", true);
  rr_json_close(g);
  seccomp_features(g);
  /* compiled in; whether the host has the LSM enabled is checked per container */
  enabled(g, "apparmor", true);
  enabled(g, "selinux", true);
  enabled(g, "intelRdt", false);
  /* idmapped bind mounts (mount_setattr MOUNT_ATTR_IDMAP) */
  rr_json_open_object(g, "mountExtensions");
  enabled(g, "idmap", true);
  rr_json_close(g);
  rr_json_close(g);
}

char *rr_features_build(void)
{
  const struct scmp_version *sv = seccomp_version();
  struct rr_json g;
  rr_json_init(&g, true);
  rr_json_open_object(&g, NULL);
  rr_json_add_string(&g, "ociVersionMin", "1.0.0");
  rr_json_add_string(&g, "ociVersionMax", RR_OCI_VERSION);
  rr_json_open_array(&g, "hooks");
  for (int k = 0; k < RR_HOOK_KINDS; k++)
    rr_json_add_string(&g, NULL, rr_hook_kind_name(k));
  rr_json_close(&g);
  rr_json_open_array(&g, "mountOptions");
  const struct rr_mount_option *mo;
  for (size_t i = 0; (mo = rr_mount_option_at(i)) != NULL; i++)
    rr_json_add_string(&g, NULL, mo->name);
  rr_json_close(&g);
  linux_features(&g);

  _cleanup_free_ char *scmp = rr_xasprintf("%u.%u.%u", sv->major, sv->minor, sv->micro);
  rr_json_open_object(&g, "annotations");
  rr_json_add_string(&g, "io.github.seccomp.libseccomp.version", scmp);
  rr_json_add_string(&g, "org.redrun.version", PACKAGE_VERSION);
  rr_json_add_string(&g, "org.redrun.commit", RR_GIT_COMMIT);
  rr_json_close(&g);
  rr_json_close(&g);
  return rr_json_finish(&g);
}
