/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "libredrun/core/spec/lifecycle_checks.h"
#include "libredrun/core/tables/namespaces.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/fs/resolve.h"

/* The sysctls that live in a namespace, and which one. Any other key is
 * host-wide: writing it from a container would change the host. */
static const struct {
  const char *key;
  bool prefix;
  const char *ns;
} namespaced[] = {
    {"kernel.msgmax", false, "ipc"},   {"kernel.msgmnb", false, "ipc"},
    {"kernel.msgmni", false, "ipc"},   {"kernel.sem", false, "ipc"},
    {"kernel.shmall", false, "ipc"},   {"kernel.shmmax", false, "ipc"},
    {"kernel.shmmni", false, "ipc"},   {"kernel.shm_rmid_forced", false, "ipc"},
    {"fs.mqueue.", true, "ipc"},       {"net.", true, "network"},
    {"kernel.hostname", false, "uts"}, {"kernel.domainname", false, "uts"},
};

/* "net/ipv4/ip_forward" is accepted too; the table is written with dots. */
static char *dotted(const char *key)
{
  char *d = rr_xstrdup(key);
  for (char *p = d; *p; p++)
    if (*p == '/')
      *p = '.';
  return d;
}

int rr_fs_plan_sysctl(const oci_config *cfg, struct rr_fs_plan *plan, struct rr_error **err)
{
  const oci_string_map *m = cfg->linux ? cfg->linux->sysctl : NULL;
  for (size_t i = 0; m && i < m->len; i++) {
    _cleanup_free_ char *key = dotted(m->keys[i]);
    const char *ns = NULL;
    if (key[0] == '\0' || strstr(key, "..") || key[0] == '.')
      return rr_fail(err, RR_ERR_INVALID, 0, ".linux.sysctl: `%s` is not a valid key", m->keys[i]);
    for (size_t j = 0; !ns && j < RR_ARRAY_SIZE(namespaced); j++) {
      size_t n = strlen(namespaced[j].key);
      if (namespaced[j].prefix ? strncmp(key, namespaced[j].key, n) == 0
                               : strcmp(key, namespaced[j].key) == 0)
        ns = namespaced[j].ns;
    }
    if (ns == NULL)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.sysctl: `%s` is not in a separate kernel namespace", m->keys[i]);
    if (!rr_spec_has_ns(cfg, ns))
      return rr_fail(err, RR_ERR_INVALID, 0,
                     ".linux.sysctl: `%s` needs a %s namespace, the container has none", m->keys[i],
                     ns);
    plan->sysctl = rr_xrealloc(plan->sysctl, (plan->n_sysctl + 1) * sizeof(*plan->sysctl));
    plan->sysctl[plan->n_sysctl].key = steal_ptr(key);
    plan->sysctl[plan->n_sysctl].value = rr_xstrdup(m->values[i] ? m->values[i] : "");
    plan->n_sysctl++;
  }
  return 0;
}

static int write_one(int procsys, const struct rr_fs_sysctl *s, struct rr_error **err)
{
  _cleanup_free_ char *path = rr_xstrdup(s->key);
  for (char *p = path; *p; p++)
    if (*p == '.')
      *p = '/';
  _cleanup_close_ int fd = rr_fs_open_in_root(procsys, path, O_WRONLY | O_TRUNC, 0, err);
  if (fd < 0)
    return rr_wrap(err, "sysctl `%s`", s->key);
  /* the file itself, too: nothing mounted over a /proc/sys entry receives the write */
  struct statfs sf;
  if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
    return rr_fail(err, RR_ERR_INVALID, 0, "sysctl `%s`: not a procfs file", s->key);
  size_t len = strlen(s->value);
  if (write(fd, s->value, len) != (ssize_t)len)
    return rr_fail_errno(err, "sysctl `%s`: write", s->key);
  return 0;
}

int rr_fs_write_sysctl(const struct rr_fs_plan *plan, struct rr_error **err)
{
  if (plan->n_sysctl == 0)
    return 0;
  _cleanup_close_ int procsys = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (procsys < 0)
    return rr_fail_errno(err, "sysctl: open `/proc/sys`");
  /* The container's own procfs, not something the image put at /proc. */
  struct statfs sf;
  if (fstatfs(procsys, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
    return rr_fail(err, RR_ERR_INVALID, 0, "sysctl: `/proc/sys` is not procfs");
  for (size_t i = 0; i < plan->n_sysctl; i++)
    if (write_one(procsys, &plan->sysctl[i], err) < 0)
      return -1;
  return 0;
}
