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

static void add_string(json_object *arr, const char *s)
{
  json_object_array_add(arr, json_object_new_string(s));
}

static json_object *enabled(bool on)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "enabled", json_object_new_boolean(on));
  return o;
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

static json_object *seccomp_features(void)
{
  json_object *o = json_object_new_object();
  json_object *actions = json_object_new_array();
  json_object *ops = json_object_new_array();
  json_object *archs = json_object_new_array();
  json_object *known = json_object_new_array();
  json_object *supported = json_object_new_array();
  const struct rr_scmp_action *a;
  const struct rr_scmp_arch *arch;
  const char *name;
  uint32_t flag;

  for (size_t i = 0; (a = rr_scmp_action_at(i)) != NULL; i++)
    if (kernel_has_action(a->ret))
      add_string(actions, a->name);
  for (size_t i = 0; (name = rr_scmp_op_name_at(i)) != NULL; i++)
    add_string(ops, name);
  /* the table lists every spec architecture; libseccomp decides which compile */
  for (size_t i = 0; (arch = rr_scmp_arch_at(i)) != NULL; i++)
    if (seccomp_arch_resolve_name(arch->scmp_name) != 0)
      add_string(archs, arch->name);
  for (size_t i = 0; (name = rr_scmp_flag_name_at(i, &flag)) != NULL; i++) {
    add_string(known, name);
    if (kernel_has_filter_flag(flag))
      add_string(supported, name);
  }
  json_object_object_add(o, "enabled", json_object_new_boolean(true));
  json_object_object_add(o, "actions", actions);
  json_object_object_add(o, "operators", ops);
  json_object_object_add(o, "archs", archs);
  json_object_object_add(o, "knownFlags", known);
  json_object_object_add(o, "supportedFlags", supported);
  return o;
}

static json_object *linux_features(void)
{
  json_object *o = json_object_new_object();
  json_object *ns = json_object_new_array();
  json_object *caps = json_object_new_array();
  json_object *cg = json_object_new_object();

  for (size_t i = 0; i < rr_ns_table_len; i++)
    add_string(ns, rr_ns_table[i].oci_name);
  for (int c = 0; c <= RR_CAP_LAST; c++)
    add_string(caps, rr_cap_name(c));
  /* cgroup v2 only (DESIGN.md); the systemd form of cgroupsPath is mapped onto
   * the cgroupfs layout, without transient units, so the systemd driver is not
   * claimed */
  json_object_object_add(cg, "v1", json_object_new_boolean(false));
  json_object_object_add(cg, "v2", json_object_new_boolean(true));
  json_object_object_add(cg, "systemd", json_object_new_boolean(false));
  json_object_object_add(cg, "systemdUser", json_object_new_boolean(false));
  json_object_object_add(cg, "rdma", json_object_new_boolean(true));

  json_object_object_add(o, "namespaces", ns);
  json_object_object_add(o, "capabilities", caps);
  json_object_object_add(o, "cgroup", cg);
  json_object_object_add(o, "seccomp", seccomp_features());
  /* compiled in; whether the host has the LSM enabled is checked per container */
  json_object_object_add(o, "apparmor", enabled(true));
  json_object_object_add(o, "selinux", enabled(true));
  json_object_object_add(o, "intelRdt", enabled(false));
  /* idmapped bind mounts (mount_setattr MOUNT_ATTR_IDMAP) */
  json_object *ext = json_object_new_object();
  json_object_object_add(ext, "idmap", enabled(true));
  json_object_object_add(o, "mountExtensions", ext);
  return o;
}

int rr_features_build(json_object **out, struct rr_error **err)
{
  const struct scmp_version *sv = seccomp_version();
  json_object *doc = json_object_new_object();
  json_object *ann = json_object_new_object();
  (void)err;

  json_object_object_add(doc, "ociVersionMin", json_object_new_string("1.0.0"));
  json_object_object_add(doc, "ociVersionMax", json_object_new_string(RR_OCI_VERSION));
  json_object *hooks = json_object_new_array();
  for (int k = 0; k < RR_HOOK_KINDS; k++)
    add_string(hooks, rr_hook_kind_name(k));
  json_object_object_add(doc, "hooks", hooks);

  json_object *mopts = json_object_new_array();
  const struct rr_mount_option *mo;
  for (size_t i = 0; (mo = rr_mount_option_at(i)) != NULL; i++)
    add_string(mopts, mo->name);
  json_object_object_add(doc, "mountOptions", mopts);
  json_object_object_add(doc, "linux", linux_features());

  _cleanup_free_ char *scmp = rr_xasprintf("%u.%u.%u", sv->major, sv->minor, sv->micro);
  json_object_object_add(ann, "io.github.seccomp.libseccomp.version", json_object_new_string(scmp));
  json_object_object_add(ann, "org.redrun.version", json_object_new_string(PACKAGE_VERSION));
  json_object_object_add(ann, "org.redrun.commit", json_object_new_string(RR_GIT_COMMIT));
  json_object_object_add(doc, "annotations", ann);
  *out = doc;
  return 0;
}
