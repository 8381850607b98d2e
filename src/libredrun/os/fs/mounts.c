/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/fs/resolve.h"

/* "/", "//", "/./" ... all name the container's root */
static bool is_root_path(const char *p)
{
  for (; *p; p++)
    if (*p != '/' && *p != '.')
      return false;
  return true;
}

static unsigned long fs_flags(const struct rr_mount_flags *f)
{
  /* remount/bind make no sense on a fresh filesystem; propagation goes separately */
  return f->flags & ~(MS_REMOUNT | MS_BIND | MS_REC);
}

/* The destination of a bind: created as a file or a directory like the source. */
static int open_bind_target(int rootfd, const char *dest, bool dir, struct rr_error **err)
{
  _cleanup_close_ int fd =
      rr_fs_open_in_root(rootfd, dest, O_PATH, dir ? RR_RESOLVE_MKDIR : RR_RESOLVE_MKFILE, err);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat(fd, &st) < 0)
    return rr_fail_errno(err, "stat");
  if (dir && !S_ISDIR(st.st_mode))
    return rr_fail(err, RR_ERR_INVALID, ENOTDIR,
                   "the source is a directory but the destination is not");
  if (!dir && S_ISDIR(st.st_mode))
    return rr_fail(err, RR_ERR_INVALID, EISDIR,
                   "the source is a file but the destination is a directory");
  return steal_fd(fd);
}

static int bind_host_path(int rootfd, const char *source, const char *dest, bool recursive,
                          const struct rr_mount_flags *f, int userns_fd, struct rr_error **err)
{
  _cleanup_close_ int src = open(source, O_PATH | O_CLOEXEC);
  if (src < 0)
    return rr_fail_errno(err, "open source `%s`", source);
  struct stat st;
  if (fstat(src, &st) < 0)
    return rr_fail_errno(err, "stat source `%s`", source);
  _cleanup_close_ int target = open_bind_target(rootfd, dest, S_ISDIR(st.st_mode), err);
  if (target < 0)
    return -1;
  struct rr_fs_bind_attrs a;
  rr_fs_bind_attrs_from(f, userns_fd, &a);
  return rr_fs_bind_fd(src, target, recursive, &a, err);
}

void rr_fs_bind_attrs_from(const struct rr_mount_flags *f, int userns_fd,
                           struct rr_fs_bind_attrs *a)
{
  *a = (struct rr_fs_bind_attrs){.userns_fd = userns_fd, .idmap_recursive = f->recursive_idmap};
  rr_fs_ms_to_attr(f->flags, f->clear, &a->set, &a->clr);
  a->rec_set = f->rec_attr_set;
  a->rec_clr = f->rec_attr_clr;
}

/* An id-mapped mount prepared by the parent (see plan.c): only attached here. */
static int attach_prepared(int rootfd, const struct rr_fs_mount *m, struct rr_error **err)
{
  struct stat st;
  if (fstat(m->tree_fd, &st) < 0)
    return rr_fail_errno(err, "stat the prepared mount");
  _cleanup_close_ int target = open_bind_target(rootfd, m->destination, S_ISDIR(st.st_mode), err);
  if (target < 0)
    return -1;
  return rr_fs_attach_tree(m->tree_fd, target, err);
}

/* proc and sysfs over a symlink would be reachable under another name than the
 * one masked and made read-only later (CVE-2019-19921 class): refuse it. */
static int open_fs_target(int rootfd, const char *dest, bool plain_dir, struct rr_error **err)
{
  unsigned rf = RR_RESOLVE_MKDIR | (plain_dir ? RR_RESOLVE_NOFOLLOW_LAST : 0);
  _cleanup_close_ int fd = rr_fs_open_in_root(rootfd, dest, O_PATH, rf, err);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat(fd, &st) < 0)
    return rr_fail_errno(err, "stat");
  if (!S_ISDIR(st.st_mode))
    return rr_fail(err, RR_ERR_INVALID, ENOTDIR, "must be mounted on a directory%s",
                   S_ISLNK(st.st_mode) ? ", not a symlink" : "");
  return steal_fd(fd);
}

static int mount_fs(const struct rr_fs_mount *m, int rootfd, struct rr_error **err)
{
  bool plain = m->kind == RR_FSM_PROC || m->kind == RR_FSM_SYSFS;
  _cleanup_close_ int target = open_fs_target(rootfd, m->destination, plain, err);
  if (target < 0)
    return -1;
  _cleanup_close_ int content = -1;
  if (m->f.tmpcopyup) {
    content = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (content < 0)
      return rr_fail_errno(err, "open for tmpcopyup");
  }
  const char *source = m->source ? m->source : m->type;
  if (rr_fs_mount_fs_fd(target, source, m->type, fs_flags(&m->f), m->f.data, err) < 0)
    return -1;
  if (content >= 0) {
    _cleanup_close_ int fresh =
        rr_fs_open_in_root(rootfd, m->destination, O_RDONLY | O_DIRECTORY, 0, err);
    if (fresh < 0 || rr_fs_copy_tree(content, fresh, err) < 0)
      return rr_wrap(err, "tmpcopyup");
  }
  return 0;
}

/* Mount, and if the kernel refuses it from a user namespace, bind the host's
 * instance instead (what runc does for sysfs without a network namespace). */
static int mount_or_bind_host(const struct rr_fs_plan *plan, const struct rr_fs_mount *m,
                              int rootfd, const char *host_path, struct rr_error **err)
{
  _cleanup_error_ struct rr_error *first = NULL;
  if (mount_fs(m, rootfd, &first) == 0)
    return 0;
  if (!plan->opts.in_user_ns || (first->errnum != EPERM && first->errnum != EACCES)) {
    *err = steal_ptr(first);
    return -1;
  }
  rr_debug("mount %s at %s: %s; binding %s instead", m->type, m->destination, first->msg,
           host_path);
  /* The host's tree has submounts (cgroups under /sys): the flags asked for
   * the filesystem apply to all of them. */
  struct rr_mount_flags f = m->f;
  uint64_t set, clr;
  rr_fs_ms_to_attr(f.flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, &set, &clr);
  f.rec_attr_set |= set;
  f.rec_attr_clr |= clr;
  f.flags = f.clear = 0;
  return bind_host_path(rootfd, host_path, m->destination, true, &f, -1, err);
}

static int mount_cgroup(const struct rr_fs_plan *plan, const struct rr_fs_mount *m, int rootfd,
                        struct rr_error **err)
{
  /* In its own cgroup namespace a fresh cgroup2 mount shows the container's
   * cgroup as the root. Without one, bind that cgroup from the host's
   * hierarchy so the container still sees only its own subtree. */
  struct rr_fs_mount fresh = *m;
  fresh.type = (char *)"cgroup2";
  fresh.source = (char *)"cgroup2";
  if (plan->new_cgroupns || plan->cgroup_path == NULL || plan->cgroup2_hostpath == NULL)
    return mount_or_bind_host(plan, &fresh, rootfd,
                              plan->cgroup2_hostpath ? plan->cgroup2_hostpath : "/sys/fs/cgroup",
                              err);
  _cleanup_free_ char *host =
      rr_fs_cgroup_source(plan->cgroup2_hostpath, plan->cgroup2_root, plan->cgroup_path);
  if (host == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "cgroup `%s` is not shown by the cgroup2 mount at `%s` (its root is `%s`)",
                   plan->cgroup_path, plan->cgroup2_hostpath, plan->cgroup2_root);
  struct rr_mount_flags f = m->f;
  f.flags |= MS_NOSUID | MS_NODEV | MS_NOEXEC;
  return bind_host_path(rootfd, host, m->destination, true, &f, -1, err);
}

static int apply_after(const struct rr_fs_mount *m, int rootfd, struct rr_error **err)
{
  bool rec_for_fs = m->kind != RR_FSM_BIND && (m->f.rec_attr_set || m->f.rec_attr_clr);
  if (!rec_for_fs && m->f.propagation == 0)
    return 0;
  /* Opened again: the destination now resolves to the new mount's root. */
  _cleanup_close_ int mnt = rr_fs_open_in_root(rootfd, m->destination, O_PATH, 0, err);
  if (mnt < 0)
    return -1;
  if (rec_for_fs && rr_fs_setattr_fd(mnt, m->f.rec_attr_set, m->f.rec_attr_clr, true, err) < 0)
    return -1;
  return rr_fs_propagation_fd(mnt, m->f.propagation, err);
}

int rr_fs_do_mount(const struct rr_fs_plan *plan, const struct rr_fs_mount *m, int *rootfd,
                   struct rr_error **err)
{
  int r;
  switch (m->kind) {
  case RR_FSM_BIND:
    if (m->tree_fd >= 0)
      r = attach_prepared(*rootfd, m, err);
    else
      r = bind_host_path(*rootfd, m->source, m->destination, m->f.recursive_bind, &m->f, -1, err);
    break;
  case RR_FSM_SYSFS:
    r = mount_or_bind_host(plan, m, *rootfd, "/sys", err);
    break;
  case RR_FSM_MQUEUE:
    r = mount_or_bind_host(plan, m, *rootfd, "/dev/mqueue", err);
    break;
  case RR_FSM_CGROUP:
    r = mount_cgroup(plan, m, *rootfd, err);
    break;
  default:
    r = mount_fs(m, *rootfd, err);
    break;
  }
  if (r == 0 && is_root_path(m->destination)) {
    /* A mount over "/" (a tmpfs root): later mounts go inside it. */
    int fd = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      r = rr_fail_errno(err, "reopen the root");
    else {
      close(*rootfd);
      *rootfd = fd;
    }
  }
  if (r == 0)
    r = apply_after(m, *rootfd, err);
  if (r < 0)
    return rr_wrap(err, "mount `%s` (.mounts[%zu])", m->destination, m->index);
  return 0;
}
