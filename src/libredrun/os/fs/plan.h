/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_FS_PLAN_H
#define RR_FS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libredrun/core/error.h"
#include "libredrun/core/tables/mount_options.h"
#include "libredrun/os/fs/rootfs.h"

/* The plan is built in the parent from the config and only read in the child:
 * it owns copies of every string, so the config may be freed after clone. */

enum rr_fs_mount_kind {
  RR_FSM_BIND,   /* bind/rbind of a host path */
  RR_FSM_FS,     /* any filesystem by type, data passed through */
  RR_FSM_PROC,   /* proc: the destination must be a real directory */
  RR_FSM_SYSFS,  /* sysfs: rbind of /sys when it cannot be mounted (user ns, no net ns) */
  RR_FSM_MQUEUE, /* mqueue: rbind of /dev/mqueue when it cannot be mounted */
  RR_FSM_CGROUP, /* cgroup/cgroup2 */
};

struct rr_fs_mount {
  size_t index; /* in .mounts, for messages */
  enum rr_fs_mount_kind kind;
  char *destination;
  char *type;   /* filesystem type; NULL for binds */
  char *source; /* binds: absolute host path */
  struct rr_mount_flags f;
  int tree_fd; /* idmap: the id-mapped copy made in the parent, else -1 */
};

struct rr_fs_device {
  char *path;
  mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
  dev_t rdev;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

struct rr_fs_sysctl {
  char *key;
  char *value;
};

struct rr_fs_plan {
  char *rootfs; /* absolute */
  bool readonly;
  unsigned long root_propagation; /* MS_* | MS_REC, applied to "/" first */

  struct rr_fs_mount *mounts;
  size_t n_mounts;

  bool default_dev;             /* no /dev bind mount: create the default devices and links */
  bool has_devpts;              /* a devpts mount at /dev/pts: /dev/ptmx -> pts/ptmx */
  struct rr_fs_device *devices; /* default ones first, then linux.devices */
  size_t n_devices;

  char **masked;
  size_t n_masked;
  char **readonly_paths;
  size_t n_readonly;

  struct rr_fs_sysctl *sysctl;
  size_t n_sysctl;

  bool set_personality;
  unsigned long personality;

  struct rr_fs_opts opts;
  char *cgroup_path;      /* opts.cgroup_path, copied: a host path or one inside cgroup2 */
  char *cgroup2_hostpath; /* where the host's cgroup2 hierarchy is mounted, NULL if none */
  char *cgroup2_root;     /* the path in the hierarchy that mount shows (mountinfo field 4) */
  bool new_cgroupns;
};

/* mount.c: the individual mount operations, all on fds */
int rr_fs_do_mount(const struct rr_fs_plan *plan, const struct rr_fs_mount *m, int *rootfd,
                   struct rr_error **err) RR_WUR;
/* Attributes put on a bind mount before it becomes visible. */
struct rr_fs_bind_attrs {
  uint64_t set, clr;         /* the top mount */
  uint64_t rec_set, rec_clr; /* the whole tree */
  int userns_fd;             /* idmap, -1 for none */
  bool idmap_recursive;      /* ridmap: every mount of the tree, not only the top */
};
/* A detached copy of the tree at src_fd with the attributes set (open_tree +
 * mount_setattr); attached later with rr_fs_attach_tree, possibly by another
 * process in another mount namespace. */
int rr_fs_clone_tree(int src_fd, bool recursive, const struct rr_fs_bind_attrs *a,
                     struct rr_error **err) RR_WUR;
int rr_fs_attach_tree(int tree_fd, int target_fd, struct rr_error **err) RR_WUR;
void rr_fs_bind_attrs_from(const struct rr_mount_flags *f, int userns_fd,
                           struct rr_fs_bind_attrs *a);
/* Bind the tree at src_fd (any fd) onto target_fd (an O_PATH fd inside the root). */
int rr_fs_bind_fd(int src_fd, int target_fd, bool recursive, const struct rr_fs_bind_attrs *a,
                  struct rr_error **err) RR_WUR;
int rr_fs_setattr_fd(int mnt_fd, uint64_t set, uint64_t clr, bool recursive,
                     struct rr_error **err) RR_WUR;
int rr_fs_mount_fs_fd(int target_fd, const char *source, const char *type, unsigned long flags,
                      const char *data, struct rr_error **err) RR_WUR;
/* An empty read-only tmpfs over target_fd (masking a directory). With tmpl
 * (-1 at first), the first mount is kept there and the next calls attach
 * clones of it: one tmpfs instance for all masked directories. */
int rr_fs_mount_empty_ro_tmpfs(int target_fd, int *tmpl, struct rr_error **err) RR_WUR;
int rr_fs_propagation_fd(int mnt_fd, unsigned long propagation, struct rr_error **err) RR_WUR;
/* Tests: behave as on a kernel without open_tree/move_mount/mount_setattr/fsopen. */
void rr_fs_mount_force_legacy(bool on);
/* MS_* per-mount flags as MOUNT_ATTR_* set/clear masks */
void rr_fs_ms_to_attr(unsigned long set, unsigned long clear, uint64_t *attr_set,
                      uint64_t *attr_clr);

/* devices.c */
int rr_fs_plan_devices(const oci_config *cfg, struct rr_fs_plan *plan,
                       struct rr_error **err) RR_WUR;
int rr_fs_create_devices(const struct rr_fs_plan *plan, int rootfd, struct rr_error **err) RR_WUR;

/* pivot.c */
int rr_fs_pivot(const struct rr_fs_plan *plan, int rootfd, struct rr_error **err) RR_WUR;

/* masked.c: after pivot, relative to the new "/" */
int rr_fs_mask_paths(const struct rr_fs_plan *plan, struct rr_error **err) RR_WUR;
int rr_fs_readonly_paths(const struct rr_fs_plan *plan, struct rr_error **err) RR_WUR;

/* sysctl.c */
int rr_fs_plan_sysctl(const oci_config *cfg, struct rr_fs_plan *plan, struct rr_error **err) RR_WUR;
int rr_fs_write_sysctl(const struct rr_fs_plan *plan, struct rr_error **err) RR_WUR;

/* idmap.c: a user namespace fd with the given mappings, created from the caller's view */
int rr_fs_idmap_userns(const oci_mount *m, struct rr_error **err) RR_WUR;

/* mountinfo.c: /proc/self/mountinfo as a list, no system access */
struct rr_fs_mountinfo {
  int id;
  char *root;       /* the path inside the filesystem shown at the mount point */
  char *mountpoint; /* escapes decoded */
  char *fstype;
  bool visible; /* no later mount on the same mount point or on an ancestor of it */
};
/* The entries of mountinfo text, in its order; lines that do not parse are skipped. */
struct rr_fs_mountinfo *rr_fs_mountinfo_parse(const char *text, size_t *n);
void rr_fs_mountinfo_free(struct rr_fs_mountinfo *v, size_t n);
/* The first visible mount of fstype, or with prefer, the visible one whose
 * mount point holds that path (the deepest); NULL when none is visible. */
const struct rr_fs_mountinfo *rr_fs_mountinfo_pick(const struct rr_fs_mountinfo *v, size_t n,
                                                   const char *fstype, const char *prefer);
/* Decode the octal escapes of a mountinfo path in place ("\040" is a space). */
void rr_fs_mountinfo_unescape(char *s);
/* The host path of a cgroup through the cgroup2 mount at mountpoint showing
 * root: cgroup is a path below mountpoint (kept), one in the hierarchy
 * (absolute: its part below root; relative: below the mount point). NULL
 * when the mount does not show that cgroup. */
char *rr_fs_cgroup_source(const char *mountpoint, const char *root, const char *cgroup);

/* tmpcopyup.c: copy the tree at from_fd into to_fd */
int rr_fs_copy_tree(int from_fd, int to_fd, struct rr_error **err) RR_WUR;

#endif
