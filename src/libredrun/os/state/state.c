/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libredrun/core/ids.h"
#include "libredrun/core/util.h"
#include "libredrun/os/state/state.h"

static int mkdir_p(const char *path, mode_t mode)
{
  _cleanup_free_ char *p = rr_xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/')
      continue;
    *s = '\0';
    if (mkdir(p, 0755) < 0 && errno != EEXIST)
      return -1;
    *s = '/';
  }
  if (mkdir(p, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

int rr_state_root_open(const char *root, int *out_fd, struct rr_error **err)
{
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    if (mkdir_p(root, 0711) < 0)
      return rr_fail_errno(err, "state root `%s`", root);
    fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  if (fd < 0)
    return rr_fail_errno(err, "state root `%s`", root);
  *out_fd = fd;
  return 0;
}

void rr_cdir_free(struct rr_cdir *d)
{
  if (d == NULL)
    return;
  if (d->fd >= 0)
    close(d->fd); /* also drops the flock */
  if (d->root_fd >= 0)
    close(d->root_fd);
  free(d->id);
  free(d->path);
  free(d);
}

static struct rr_cdir *cdir_new(const char *root, const char *id, int root_fd)
{
  struct rr_cdir *d = rr_xcalloc(1, sizeof(*d));
  d->root_fd = root_fd;
  d->fd = -1;
  d->id = rr_xstrdup(id);
  d->path = rr_xasprintf("%s/%s", root, id);
  return d;
}

static int lock_dir(struct rr_cdir *d, int lock, struct rr_error **err)
{
  if (lock == 0)
    return 0;
  while (flock(d->fd, lock) < 0) {
    if (errno != EINTR)
      return rr_fail_errno(err, "lock `%s`", d->path);
  }
  return 0;
}

/* Emptied container directories kept for the next create. Removing a
 * directory frees its block, and on a file system mounted with online discard
 * (ext4 -o discard: the state root of a VM whose /run is on disk) the kernel
 * discards that block synchronously, 0.3 to 1.3 ms at every delete here. A
 * directory renamed into a spare slot and out again (renameat2 with
 * RENAME_NOREPLACE: atomic, never over an existing name) keeps its block.
 * The names start with a dot, which no container id does. */
#define SPARE_SLOTS 4

static void spare_name(char *buf, size_t len, int slot)
{
  snprintf(buf, len, ".spare.%d", slot);
}

/* Rename a spare directory to `id`; false (errno set) when none is left or
 * `id` exists (EEXIST). Only a spare as mkdir would have made it is taken
 * (ours, 0700): a root shared by several users keeps each one's own. */
static bool take_spare(int root_fd, const char *id)
{
  uid_t me = geteuid();
  for (int i = 0; i < SPARE_SLOTS; i++) {
    char name[32];
    struct stat st;
    spare_name(name, sizeof(name), i);
    if (fstatat(root_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != me || (st.st_mode & 07777) != 0700)
      continue;
    if (renameat2(root_fd, name, root_fd, id, RENAME_NOREPLACE) == 0)
      return true;
    if (errno != ENOENT)
      return false; /* EEXIST: the id is taken; EINVAL: no RENAME_NOREPLACE here */
  }
  return false;
}

static bool put_spare(int root_fd, const char *id)
{
  for (int i = 0; i < SPARE_SLOTS; i++) {
    char name[32];
    spare_name(name, sizeof(name), i);
    if (renameat2(root_fd, id, root_fd, name, RENAME_NOREPLACE) == 0)
      return true;
    if (errno != EEXIST)
      return false;
  }
  return false;
}

/* Only "." and ".." in the directory of `fd` (its read position moves). */
static bool dir_is_empty(int fd)
{
  char buf[1024] __attribute__((aligned(8)));
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
    if (n < 0)
      return false;
    if (n == 0)
      return true;
    for (long off = 0; off < n;) {
      struct dirent64 *e = (struct dirent64 *)(buf + off);
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
        return false;
      off += e->d_reclen;
    }
  }
}

/* Does the open directory `fd` still have the name `id` in the root? A
 * delete may have removed it, or given it to a spare slot, while we waited. */
static bool still_named(int root_fd, const char *id, int fd)
{
  struct stat a, b;
  return fstat(fd, &a) == 0 && a.st_nlink > 0 &&
         fstatat(root_fd, id, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino == b.st_ino &&
         a.st_dev == b.st_dev;
}

int rr_state_claim(const char *root, const char *id, struct rr_cdir **out, struct rr_error **err)
{
  if (rr_id_validate(id, err) < 0)
    return -1;
  int root_fd;
  if (rr_state_root_open(root, &root_fd, err) < 0)
    return -1;
  struct rr_cdir *d = cdir_new(root, id, root_fd);
  if (!take_spare(root_fd, id) && mkdirat(root_fd, id, 0700) < 0) {
    int e = errno;
    rr_cdir_free(d);
    if (e == EEXIST)
      return rr_fail(err, RR_ERR_EXISTS, e, "container `%s` already exists", id);
    return rr_fail_errnum(err, e, "create state directory `%s/%s`", root, id);
  }
  d->fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (d->fd < 0 || lock_dir(d, LOCK_EX, err) < 0) {
    if (d->fd < 0)
      rr_fail_errno(err, "open state directory `%s`", d->path);
    unlinkat(root_fd, id, AT_REMOVEDIR);
    rr_cdir_free(d);
    return -1;
  }
  *out = d;
  return 0;
}

int rr_state_open(const char *root, const char *id, int lock, struct rr_cdir **out,
                  struct rr_error **err)
{
  if (rr_id_validate(id, err) < 0)
    return -1;
  int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0 && errno == ENOENT)
    return rr_fail(err, RR_ERR_NOT_FOUND, ENOENT, "container does not exist");
  if (root_fd < 0)
    return rr_fail_errno(err, "state root `%s`", root);
  struct rr_cdir *d = cdir_new(root, id, root_fd);
  d->fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (d->fd < 0) {
    int e = errno;
    rr_cdir_free(d);
    if (e == ENOENT)
      return rr_fail(err, RR_ERR_NOT_FOUND, e, "container does not exist");
    return rr_fail_errnum(err, e, "open state directory `%s/%s`", root, id);
  }
  if (lock_dir(d, lock, err) < 0) {
    rr_cdir_free(d);
    return -1;
  }
  /* A delete that ran while we waited for the lock removed the directory. */
  if (!still_named(root_fd, id, d->fd)) {
    rr_cdir_free(d);
    return rr_fail(err, RR_ERR_NOT_FOUND, ENOENT, "container does not exist");
  }
  *out = d;
  return 0;
}

int rr_state_write_new_file(const struct rr_cdir *d, const char *name, const char *data, size_t len,
                            struct rr_error **err)
{
  _cleanup_close_ int fd =
      openat(d->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return rr_fail_errno(err, "write `%s/%s`", d->path, name);
  if (rr_write_all(fd, data, len) < 0) {
    int e = errno;
    unlinkat(d->fd, name, 0);
    return rr_fail_errnum(err, e, "write `%s/%s`", d->path, name);
  }
  return 0;
}

int rr_state_write_file(const struct rr_cdir *d, const char *name, const char *data, size_t len,
                        struct rr_error **err)
{
  _cleanup_free_ char *tmp = rr_xasprintf(".%s.tmp", name);
  _cleanup_close_ int fd =
      openat(d->fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return rr_fail_errno(err, "write `%s/%s`", d->path, name);
  if (rr_write_all(fd, data, len) < 0) {
    int e = errno;
    unlinkat(d->fd, tmp, 0);
    return rr_fail_errnum(err, e, "write `%s/%s`", d->path, name);
  }
  if (renameat(d->fd, tmp, d->fd, name) < 0) {
    int e = errno;
    unlinkat(d->fd, tmp, 0);
    return rr_fail_errnum(err, e, "write `%s/%s`", d->path, name);
  }
  return 0;
}

static void add_str(struct rr_json *g, const char *key, const char *value)
{
  if (value != NULL)
    rr_json_add_string(g, key, value);
}

int rr_state_write(const struct rr_cdir *d, const struct rr_state *st, struct rr_error **err)
{
  struct rr_json g;
  rr_json_init(&g, false);
  rr_json_open_object(&g, NULL);
  add_str(&g, "id", st->id);
  rr_json_add_int(&g, "pid", st->pid);
  rr_json_add_uint(&g, "start_time", st->start_time);
  add_str(&g, "boot_id", st->boot_id);
  add_str(&g, "bundle", st->bundle);
  add_str(&g, "rootfs", st->rootfs);
  add_str(&g, "created", st->created);
  rr_json_add_int(&g, "owner", st->owner);
  add_str(&g, "cgroup_path", st->cgroup_path);
  rr_json_add_bool(&g, "own_pid_ns", st->own_pid_ns);
  rr_json_add_bool(&g, "late_hooks", st->late_hooks);
  if (st->annotations != NULL)
    rr_json_add_string_map(&g, "annotations", st->annotations);
  rr_json_close(&g);
  _cleanup_free_ char *s = rr_json_finish(&g);
  return rr_state_write_file(d, RR_STATE_FILE, s, strlen(s), err);
}

void rr_state_free(struct rr_state *st)
{
  if (st == NULL)
    return;
  free(st->id);
  free(st->boot_id);
  free(st->bundle);
  free(st->rootfs);
  free(st->created);
  free(st->cgroup_path);
  oci_string_map_free(st->annotations);
  free(st);
}

/* A string member, copied into *out (left NULL when absent). */
static int get_str(const struct oci_json *o, const char *key, char **out, struct rr_error **err)
{
  const char *v;
  int r = rr_json_get_string(o, key, &v, err);
  if (r > 0)
    *out = rr_xstrdup(v);
  return r;
}

/* The fields of a parsed state.json; absent ones keep their zero value. */
static int state_from_json(const struct oci_json *o, struct rr_state *st, struct rr_error **err)
{
  int64_t pid = 0, owner = 0;
  uint64_t start = 0;
  if (o->kind != OCI_JSON_OBJECT)
    return rr_fail(err, RR_ERR_INVALID, 0, "not an object");
  /* a state written before the field existed: the frozen config tells */
  st->late_hooks = true;
  if (get_str(o, "id", &st->id, err) < 0 || rr_json_get_int(o, "pid", &pid, err) < 0 ||
      rr_json_get_uint(o, "start_time", &start, err) < 0 ||
      rr_json_get_int(o, "owner", &owner, err) < 0 ||
      rr_json_get_bool(o, "own_pid_ns", &st->own_pid_ns, err) < 0 ||
      rr_json_get_bool(o, "late_hooks", &st->late_hooks, err) < 0 ||
      get_str(o, "boot_id", &st->boot_id, err) < 0 || get_str(o, "bundle", &st->bundle, err) < 0 ||
      get_str(o, "rootfs", &st->rootfs, err) < 0 || get_str(o, "created", &st->created, err) < 0 ||
      get_str(o, "cgroup_path", &st->cgroup_path, err) < 0)
    return -1;
  st->pid = (pid_t)pid;
  st->start_time = start;
  st->owner = (uid_t)owner;
  const struct oci_json *ann = rr_json_member(o, "annotations");
  if (ann == NULL || ann->kind == OCI_JSON_NULL)
    return 0;
  if (ann->kind != OCI_JSON_OBJECT)
    return rr_fail(err, RR_ERR_INVALID, 0, "`annotations`: expected object, got %s",
                   oci_json_kind_name(ann->kind));
  oci_string_map *m = st->annotations = rr_xcalloc(1, sizeof(*m));
  m->keys = rr_xcalloc(ann->len + 1, sizeof(*m->keys));
  m->values = rr_xcalloc(ann->len + 1, sizeof(*m->values));
  for (; m->len < ann->len; m->len++) {
    const struct oci_json *v = ann->items[m->len];
    if (v->kind != OCI_JSON_STRING || strlen(v->text) != v->text_len)
      return rr_fail(err, RR_ERR_INVALID, 0, "`annotations`: `%s` is not a string",
                     ann->keys[m->len]);
    m->keys[m->len] = rr_xstrdup(ann->keys[m->len]);
    m->values[m->len] = rr_xstrdup(v->text);
  }
  return 0;
}

static int read_all_at(int dirfd, const char *name, char **out, size_t *len)
{
  _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  size_t cap = 4096, n = 0;
  char *buf = rr_xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap)
      buf = rr_xrealloc(buf, cap *= 2);
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      return -1;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

int rr_state_read(const struct rr_cdir *d, struct rr_state **out, struct rr_error **err)
{
  _cleanup_free_ char *data = NULL;
  size_t len;
  if (read_all_at(d->fd, RR_STATE_FILE, &data, &len) < 0) {
    if (errno == ENOENT)
      return rr_fail(err, RR_ERR_NOT_FOUND, ENOENT, "`%s/%s`: no such file", d->path,
                     RR_STATE_FILE);
    return rr_fail_errno(err, "read `%s/%s`", d->path, RR_STATE_FILE);
  }
  struct rr_state *st = rr_xcalloc(1, sizeof(*st));
  struct oci_json *o = oci_json_parse(data, len, NULL, err);
  int r = o != NULL ? state_from_json(o, st, err) : -1;
  oci_json_free(o);
  if (r < 0) {
    rr_state_free(st);
    return rr_wrap(err, "corrupted state file `%s/%s`", d->path, RR_STATE_FILE);
  }
  if (st->id != NULL && strcmp(st->id, d->id) != 0 && !still_named(d->root_fd, d->id, d->fd)) {
    /* read without the lock while a delete gave the directory away */
    rr_state_free(st);
    return rr_fail(err, RR_ERR_NOT_FOUND, ENOENT, "`%s/%s`: no such file", d->path, RR_STATE_FILE);
  }
  if (st->id == NULL || strcmp(st->id, d->id) != 0 || st->pid < 0 || st->bundle == NULL) {
    rr_state_free(st);
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "corrupted state file `%s/%s`: missing or wrong id, pid or bundle", d->path,
                   RR_STATE_FILE);
  }
  *out = st;
  return 0;
}

static int remove_tree_at(int dirfd, const char *name)
{
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return errno == ENOENT ? 0 : -1;
  DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    close(fd);
    return -1;
  }
  struct dirent *e;
  int r = 0;
  while ((e = readdir(dir)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (e->d_type == DT_DIR) {
      if (remove_tree_at(fd, e->d_name) < 0)
        r = -1;
    } else if (unlinkat(fd, e->d_name, 0) < 0 && errno != ENOENT) {
      r = -1;
    }
  }
  closedir(dir);
  if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    r = -1;
  return r;
}

int rr_state_remove(struct rr_cdir *d, struct rr_error **err)
{
  /* The files redrun writes, then the directory; a listing only when
   * something else was left there. */
  static const char *const known[] = {RR_STATE_FILE, RR_STATE_CONFIG, RR_STATE_FIFO};
  if (d->fd >= 0) {
    for (size_t i = 0; i < RR_ARRAY_SIZE(known); i++)
      (void)unlinkat(d->fd, known[i], 0);
    if (dir_is_empty(d->fd) && put_spare(d->root_fd, d->id))
      return 0;
    if (unlinkat(d->root_fd, d->id, AT_REMOVEDIR) == 0 || errno == ENOENT)
      return 0;
  }
  if (remove_tree_at(d->root_fd, d->id) < 0)
    return rr_fail_errno(err, "remove state directory `%s`", d->path);
  return 0;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int rr_state_list_ids(const char *root, char ***ids, struct rr_error **err)
{
  size_t n = 0;
  char **v = rr_xcalloc(1, sizeof(char *));
  DIR *dir = opendir(root);
  if (dir == NULL) {
    if (errno == ENOENT) {
      *ids = v;
      return 0;
    }
    free(v);
    return rr_fail_errno(err, "state root `%s`", root);
  }
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    if (e->d_type != DT_DIR || rr_id_validate(e->d_name, NULL) < 0)
      continue;
    v = rr_xrealloc(v, (n + 2) * sizeof(char *));
    v[n++] = rr_xstrdup(e->d_name);
    v[n] = NULL;
  }
  closedir(dir);
  qsort(v, n, sizeof(char *), cmp_str);
  *ids = v;
  return 0;
}
