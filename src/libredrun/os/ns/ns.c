/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/tables/namespaces.h"
#include "libredrun/core/util.h"
#include "libredrun/os/ns/ns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Namespaces the parent joins itself before clone (see ns.h). */
#define PARENT_JOINS                                                                               \
  (CLONE_NEWPID | CLONE_NEWTIME | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

static size_t ns_index(int flag)
{
  for (size_t i = 0; i < rr_ns_table_len; i++)
    if (rr_ns_table[i].clone_flag == flag)
      return i;
  return 0;
}

void rr_ns_plan_free(struct rr_ns_plan *p)
{
  if (p == NULL)
    return;
  for (size_t i = 0; i < RR_ARRAY_SIZE(p->join_fd); i++)
    if (p->join_fd[i] >= 0)
      close(p->join_fd[i]);
  free(p);
}

int rr_ns_plan_new(const oci_config *cfg, struct rr_ns_plan **out, struct rr_error **err)
{
  struct rr_ns_plan *p = rr_xcalloc(1, sizeof(*p));
  for (size_t i = 0; i < RR_ARRAY_SIZE(p->join_fd); i++)
    p->join_fd[i] = -1;
  uint64_t create = 0;
  const oci_linux *lx = cfg->linux;
  for (size_t i = 0; lx != NULL && i < lx->namespaces_len; i++) {
    const oci_namespace *ns = lx->namespaces[i];
    const struct rr_ns_info *info = rr_ns_by_oci_name(ns->type);
    if (info == NULL) {
      rr_ns_plan_free(p);
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "config.json: .linux.namespaces[%zu].type: unknown namespace `%s`", i,
                     ns->type ? ns->type : "");
    }
    if (ns->path == NULL || ns->path[0] == '\0') {
      create |= (uint64_t)info->clone_flag;
      continue;
    }
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      rr_ns_plan_free(p);
      return rr_fail_errno(err, "config.json: .linux.namespaces[%zu].path `%s`", i, ns->path);
    }
    int t = ioctl(fd, NS_GET_NSTYPE);
    if (t >= 0 && t != info->clone_flag) {
      close(fd);
      rr_ns_plan_free(p);
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "config.json: .linux.namespaces[%zu].path: `%s` is not a %s namespace", i,
                     ns->path, info->oci_name);
    }
    if (t < 0 && errno != ENOTTY) {
      int e = errno;
      close(fd);
      rr_ns_plan_free(p);
      return rr_fail_errnum(err, e, "config.json: .linux.namespaces[%zu].path `%s`", i, ns->path);
    }
    if (t < 0) {
      close(fd);
      rr_ns_plan_free(p);
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "config.json: .linux.namespaces[%zu].path: `%s` is not a namespace file", i,
                     ns->path);
    }
    p->join_fd[ns_index(info->clone_flag)] = fd;
  }
  p->new_user = create & CLONE_NEWUSER;
  p->new_pid = create & CLONE_NEWPID;
  p->new_cgroup = create & CLONE_NEWCGROUP;
  p->new_time = create & CLONE_NEWTIME;
  p->new_uts = create & CLONE_NEWUTS;
  uint64_t by_clone = create & ~(uint64_t)(CLONE_NEWCGROUP | CLONE_NEWTIME);
  if (p->join_fd[ns_index(CLONE_NEWUSER)] >= 0) {
    /* everything but pid must be created after joining the user namespace */
    p->clone_flags = by_clone & CLONE_NEWPID;
    p->unshare_flags = by_clone & ~(uint64_t)CLONE_NEWPID;
  } else {
    p->clone_flags = by_clone;
  }
  if (lx != NULL && lx->time_offsets != NULL && lx->time_offsets->len > 0 && !p->new_time) {
    rr_ns_plan_free(p);
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "config.json: .linux.timeOffsets: needs a new time namespace");
  }
  if (lx != NULL && (lx->uid_mappings_len > 0 || lx->gid_mappings_len > 0) && !p->new_user) {
    rr_ns_plan_free(p);
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "config.json: .linux.uidMappings: needs a new user namespace");
  }
  if (p->new_user && (lx->uid_mappings_len == 0 || lx->gid_mappings_len == 0)) {
    rr_ns_plan_free(p);
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "config.json: .linux.%s: a new user namespace needs mappings",
                   lx->uid_mappings_len == 0 ? "uidMappings" : "gidMappings");
  }
  *out = p;
  return 0;
}

int rr_ns_parent_join(const struct rr_ns_plan *p, struct rr_error **err)
{
  for (size_t i = 0; i < rr_ns_table_len; i++) {
    int flag = rr_ns_table[i].clone_flag;
    if (p->join_fd[i] < 0 || !(flag & PARENT_JOINS))
      continue;
    if (setns(p->join_fd[i], flag) < 0)
      return rr_fail_errno(err, "join %s namespace", rr_ns_table[i].oci_name);
  }
  return 0;
}

int rr_ns_new_net(struct rr_error **err)
{
  _cleanup_close_ int ours = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (ours < 0)
    return rr_fail_errno(err, "open `/proc/self/ns/net`");
  if (unshare(CLONE_NEWNET) < 0)
    return rr_fail_errno(err, "create the network namespace");
  int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int saved = errno;
  /* Failing this leaves the runtime in the new namespace: the create then
   * fails, and its undo (signals, rmdir, unlink) does not depend on it. */
  if (setns(ours, CLONE_NEWNET) < 0) {
    rr_fail_errno(err, "return to the runtime's network namespace");
    if (fd >= 0)
      close(fd);
    return -1;
  }
  if (fd < 0) {
    errno = saved;
    return rr_fail_errno(err, "open the new network namespace");
  }
  return fd;
}

static int write_proc_file(pid_t pid, const char *name, const char *data, struct rr_error **err)
{
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "open `%s`", path);
  size_t len = strlen(data);
  if (write(fd, data, len) != (ssize_t)len)
    return rr_fail_errno(err, "write `%s`", path);
  return 0;
}

static char *format_map(oci_id_mapping **m, size_t n)
{
  char *s = rr_xstrdup("");
  for (size_t i = 0; i < n; i++) {
    char *t = rr_xasprintf("%s%u %u %u\n", s, m[i]->container_id, m[i]->host_id, m[i]->size);
    free(s);
    s = t;
  }
  return s;
}

int rr_ns_write_idmap(pid_t pid, const char *file, oci_id_mapping **m, size_t n,
                      struct rr_error **err)
{
  _cleanup_free_ char *text = format_map(m, n);
  return write_proc_file(pid, file, text, err);
}

int rr_ns_write_idmaps(pid_t pid, const oci_config *cfg, struct rr_error **err)
{
  const oci_linux *lx = cfg->linux;
  if (rr_ns_write_idmap(pid, "uid_map", lx->uid_mappings, lx->uid_mappings_len, err) < 0)
    return rr_wrap(err, "config.json: .linux.uidMappings");
  /* without CAP_SETGID in the parent user namespace the kernel requires setgroups deny */
  if (geteuid() != 0 && write_proc_file(pid, "setgroups", "deny", err) < 0)
    return -1;
  if (rr_ns_write_idmap(pid, "gid_map", lx->gid_mappings, lx->gid_mappings_len, err) < 0)
    return rr_wrap(err, "config.json: .linux.gidMappings");
  return 0;
}

static int enter_time_ns(const oci_config *cfg, struct rr_error **err)
{
  if (unshare(CLONE_NEWTIME) < 0)
    return rr_fail_errno(err, "create time namespace");
  const oci_time_offset_map *m = cfg->linux ? cfg->linux->time_offsets : NULL;
  if (m != NULL && m->len > 0) {
    _cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return rr_fail_errno(err, "open `/proc/self/timens_offsets`");
    for (size_t i = 0; i < m->len; i++) {
      if (strcmp(m->keys[i], "monotonic") != 0 && strcmp(m->keys[i], "boottime") != 0)
        return rr_fail(
            err, RR_ERR_INVALID, 0,
            "config.json: .linux.timeOffsets: unknown clock `%s` (monotonic or boottime)",
            m->keys[i]);
      char line[128];
      int n = snprintf(line, sizeof(line), "%s %lld %u\n", m->keys[i],
                       (long long)m->values[i]->secs, m->values[i]->nanosecs);
      if (write(fd, line, (size_t)n) != n)
        return rr_fail_errno(err, "config.json: .linux.timeOffsets.%s", m->keys[i]);
    }
  }
  /* unshare only set the namespace of future children; move ourselves in */
  _cleanup_close_ int tfd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (tfd < 0 || setns(tfd, CLONE_NEWTIME) < 0)
    return rr_fail_errno(err, "enter time namespace");
  return 0;
}

int rr_ns_child_enter(const struct rr_ns_plan *p, const oci_config *cfg, struct rr_error **err)
{
  int ufd = p->join_fd[ns_index(CLONE_NEWUSER)];
  if (ufd >= 0 && setns(ufd, CLONE_NEWUSER) < 0)
    return rr_fail_errno(err, "join user namespace");
  if (p->unshare_flags != 0 && unshare((int)p->unshare_flags) < 0)
    return rr_fail_errno(err, "create namespaces");
  if (p->new_cgroup && unshare(CLONE_NEWCGROUP) < 0)
    return rr_fail_errno(err, "create cgroup namespace");
  if (p->new_time && enter_time_ns(cfg, err) < 0)
    return -1;
  return 0;
}

int rr_ns_child_join_mount(const struct rr_ns_plan *p, struct rr_error **err)
{
  int fd = p->join_fd[ns_index(CLONE_NEWNS)];
  if (fd >= 0 && setns(fd, CLONE_NEWNS) < 0)
    return rr_fail_errno(err, "join mount namespace");
  return 0;
}

int rr_ns_child_set_names(const oci_config *cfg, struct rr_error **err)
{
  if (cfg->hostname != NULL && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
    return rr_fail_errno(err, "config.json: .hostname `%s`", cfg->hostname);
  if (cfg->domainname != NULL && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
    return rr_fail_errno(err, "config.json: .domainname `%s`", cfg->domainname);
  return 0;
}

static bool same_ns(int fd, const char *proc_name)
{
  char path[64];
  struct stat a, b;
  snprintf(path, sizeof(path), "/proc/self/ns/%s", proc_name);
  return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

void rr_ns_close_all(int fds[8])
{
  for (size_t i = 0; i < rr_ns_table_len; i++) {
    if (fds[i] >= 0)
      close(fds[i]);
    fds[i] = -1;
  }
}

int rr_ns_open_of_pid(pid_t pid, int fds[8], struct rr_error **err)
{
  for (size_t i = 0; i < rr_ns_table_len; i++)
    fds[i] = -1;
  for (size_t i = 0; i < rr_ns_table_len; i++) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, rr_ns_table[i].proc_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
      continue; /* a namespace type this kernel lacks */
    if (fd < 0) {
      int e = errno;
      rr_ns_close_all(fds);
      return rr_fail_errnum(err, e, "open `%s`", path);
    }
    /* joining one's own user namespace is EINVAL; the others are no-ops: skip them all */
    if (same_ns(fd, rr_ns_table[i].proc_name)) {
      close(fd);
      continue;
    }
    fds[i] = fd;
  }
  return 0;
}

/* The container's pid and time namespaces belong to its user namespace. A
 * runtime with privilege over that one (root, or the owner of an ancestor)
 * joins them directly and keeps its own credentials. One without (rootless:
 * our uid owns the container's user namespace but we are not in an ancestor
 * with capabilities over it) must enter the user namespace first, where it
 * gets the capabilities setns needs. A process in that user namespace is
 * open to ptrace by the container's root, so we become non-dumpable before
 * entering and stay so (the exec parent only relays from then on). */
int rr_ns_join_for_children(const int fds[8], struct rr_error **err)
{
  size_t user = ns_index(CLONE_NEWUSER);
  bool joined_user = false;
  for (size_t i = 0; i < rr_ns_table_len; i++) {
    int flag = rr_ns_table[i].clone_flag;
    if (fds[i] < 0 || (flag != CLONE_NEWPID && flag != CLONE_NEWTIME))
      continue;
    if (setns(fds[i], flag) == 0)
      continue;
    if (errno != EPERM || fds[user] < 0 || joined_user)
      return rr_fail_errno(err, "join the container's %s namespace", rr_ns_table[i].oci_name);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
      return rr_fail_errno(err, "prctl(PR_SET_DUMPABLE)");
    if (setns(fds[user], CLONE_NEWUSER) < 0)
      return rr_fail_errno(err, "join the container's user namespace");
    joined_user = true;
    if (setns(fds[i], flag) < 0)
      return rr_fail_errno(err, "join the container's %s namespace", rr_ns_table[i].oci_name);
  }
  return 0;
}

int rr_ns_child_join_all(const int fds[8], struct rr_error **err)
{
  for (size_t i = 0; i < rr_ns_table_len; i++) {
    int flag = rr_ns_table[i].clone_flag;
    if (fds[i] < 0 || flag == CLONE_NEWPID || flag == CLONE_NEWTIME)
      continue;
    /* the parent entered it already (rr_ns_join_for_children) */
    if (flag == CLONE_NEWUSER && same_ns(fds[i], rr_ns_table[i].proc_name))
      continue;
    if (setns(fds[i], flag) < 0)
      return rr_fail_errno(err, "join the container's %s namespace", rr_ns_table[i].oci_name);
  }
  return 0;
}
