/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "libredrun/core/spec/default.h"
#include "libredrun/core/util.h"

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

/* A NULL-terminated copy of a literal list, as the parser would build it. */
static char **strv(const char *const *src, size_t *len, bool *present)
{
  size_t n = 0;
  while (src[n] != NULL)
    n++;
  char **v = rr_xcalloc(n + 1, sizeof(*v));
  for (size_t i = 0; i < n; i++)
    v[i] = rr_xstrdup(src[i]);
  *len = n;
  *present = true;
  return v;
}

#define SET_LIST(obj, field, ...)                                                                  \
  ((obj)->field = strv(LIST(__VA_ARGS__), &(obj)->field##_len, &(obj)->field##_present))

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                                           NULL};

static void add_mount(oci_config *c, const char *dest, const char *type, const char *src,
                      const char *const *options)
{
  oci_mount *m = rr_xcalloc(1, sizeof(*m));
  m->destination = rr_xstrdup(dest);
  m->type = rr_xstrdup(type);
  m->source = rr_xstrdup(src);
  if (options != NULL)
    m->options = strv(options, &m->options_len, &m->options_present);
  c->mounts = rr_xrealloc(c->mounts, (c->mounts_len + 2) * sizeof(*c->mounts));
  c->mounts[c->mounts_len++] = m;
  c->mounts[c->mounts_len] = NULL;
  c->mounts_present = true;
}

static void add_namespace(oci_linux *l, const char *type)
{
  oci_namespace *ns = rr_xcalloc(1, sizeof(*ns));
  ns->type = rr_xstrdup(type);
  l->namespaces = rr_xrealloc(l->namespaces, (l->namespaces_len + 1) * sizeof(*l->namespaces));
  l->namespaces[l->namespaces_len++] = ns;
  l->namespaces_present = true;
}

static oci_id_mapping **one_mapping(uint32_t host_id, size_t *len, bool *present)
{
  oci_id_mapping **v = rr_xcalloc(1, sizeof(*v));
  v[0] = rr_xcalloc(1, sizeof(**v));
  v[0]->container_id = 0;
  v[0]->host_id = host_id;
  v[0]->size = 1;
  v[0]->container_id_present = v[0]->host_id_present = v[0]->size_present = true;
  *len = 1;
  *present = true;
  return v;
}

static oci_process *default_process(void)
{
  oci_process *p = rr_xcalloc(1, sizeof(*p));
  p->terminal = p->terminal_present = true;
  p->user = rr_xcalloc(1, sizeof(*p->user));
  p->user->uid_present = p->user->gid_present = true;
  SET_LIST(p, args, "sh");
  SET_LIST(p, env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "TERM=xterm");
  p->cwd = rr_xstrdup("/");
  oci_capabilities *caps = rr_xcalloc(1, sizeof(*caps));
  caps->bounding = strv(default_caps, &caps->bounding_len, &caps->bounding_present);
  caps->effective = strv(default_caps, &caps->effective_len, &caps->effective_present);
  caps->permitted = strv(default_caps, &caps->permitted_len, &caps->permitted_present);
  p->capabilities = caps;
  oci_rlimit *nofile = rr_xcalloc(1, sizeof(*nofile));
  nofile->type = rr_xstrdup("RLIMIT_NOFILE");
  nofile->hard = nofile->soft = 1024;
  nofile->hard_present = nofile->soft_present = true;
  p->rlimits = rr_xcalloc(1, sizeof(*p->rlimits));
  p->rlimits[0] = nofile;
  p->rlimits_len = 1;
  p->rlimits_present = true;
  p->no_new_privileges = p->no_new_privileges_present = true;
  return p;
}

static void default_mounts(oci_config *c, bool rootless)
{
  add_mount(c, "/proc", "proc", "proc", NULL);
  add_mount(c, "/dev", "tmpfs", "tmpfs", LIST("nosuid", "strictatime", "mode=755", "size=65536k"));
  /* gid=5 (tty) cannot be set from a user namespace that maps one id */
  if (rootless)
    add_mount(c, "/dev/pts", "devpts", "devpts",
              LIST("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
  else
    add_mount(c, "/dev/pts", "devpts", "devpts",
              LIST("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
  add_mount(c, "/dev/shm", "tmpfs", "shm",
            LIST("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
  add_mount(c, "/dev/mqueue", "mqueue", "mqueue", LIST("nosuid", "noexec", "nodev"));
  /* sysfs needs a network namespace owned by the container's user namespace */
  if (rootless)
    add_mount(c, "/sys", "none", "/sys", LIST("rbind", "nosuid", "noexec", "nodev", "ro"));
  else
    add_mount(c, "/sys", "sysfs", "sysfs", LIST("nosuid", "noexec", "nodev", "ro"));
  add_mount(c, "/sys/fs/cgroup", "cgroup", "cgroup",
            LIST("nosuid", "noexec", "nodev", "relatime", "ro"));
}

static oci_linux *default_linux(bool rootless, uid_t uid, gid_t gid)
{
  oci_linux *l = rr_xcalloc(1, sizeof(*l));
  add_namespace(l, "pid");
  if (!rootless)
    add_namespace(l, "network");
  add_namespace(l, "ipc");
  add_namespace(l, "uts");
  add_namespace(l, "mount");
  add_namespace(l, "cgroup");
  if (rootless) {
    add_namespace(l, "user");
    l->uid_mappings = one_mapping(uid, &l->uid_mappings_len, &l->uid_mappings_present);
    l->gid_mappings = one_mapping(gid, &l->gid_mappings_len, &l->gid_mappings_present);
  } else {
    oci_device_cgroup *deny = rr_xcalloc(1, sizeof(*deny));
    deny->allow = false;
    deny->allow_present = true;
    deny->access = rr_xstrdup("rwm");
    l->resources = rr_xcalloc(1, sizeof(*l->resources));
    l->resources->devices = rr_xcalloc(1, sizeof(*l->resources->devices));
    l->resources->devices[0] = deny;
    l->resources->devices_len = 1;
    l->resources->devices_present = true;
  }
  SET_LIST(l, masked_paths, "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
           "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
           "/sys/firmware", "/proc/scsi");
  SET_LIST(l, readonly_paths, "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
           "/proc/sysrq-trigger");
  return l;
}

oci_config *rr_spec_default(bool rootless, uid_t uid, gid_t gid)
{
  oci_config *c = rr_xcalloc(1, sizeof(*c));
  c->oci_version = rr_xstrdup(RR_OCI_VERSION);
  c->process = default_process();
  c->root = rr_xcalloc(1, sizeof(*c->root));
  c->root->path = rr_xstrdup("rootfs");
  c->root->readonly = c->root->readonly_present = true;
  c->hostname = rr_xstrdup("redrun");
  default_mounts(c, rootless);
  c->linux = default_linux(rootless, uid, gid);
  return c;
}
