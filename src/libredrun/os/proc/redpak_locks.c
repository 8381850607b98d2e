/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/fs/resolve.h"
#include "libredrun/os/proc/redpak_locks.h"
#include "oci_json.h"

static int bad(struct rr_error **err, const char *why)
{
  return rr_fail(err, RR_ERR_INVALID, 0, "annotation `%s`: %s", RR_REDPAK_LOCK_FILES, why);
}

int rr_redpak_locks_parse(const oci_config *cfg, struct rr_redpak_locks *out, struct rr_error **err)
{
  memset(out, 0, sizeof(*out));
  const char *v = cfg ? oci_string_map_get(cfg->annotations, RR_REDPAK_LOCK_FILES) : NULL;
  if (v == NULL)
    return 0;
  _cleanup_error_ struct rr_error *perr = NULL;
  struct oci_json *j = oci_json_parse(v, strlen(v), "value", &perr);
  if (j == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "annotation `%s`: not a JSON array of absolute paths: %s", RR_REDPAK_LOCK_FILES,
                   perr && perr->msg ? perr->msg : "invalid JSON");
  int r = 0;
  if (j->kind != OCI_JSON_ARRAY) {
    r = bad(err, "not a JSON array of absolute paths");
    goto out;
  }
  out->paths = rr_xcalloc(j->len + 1, sizeof(*out->paths));
  out->fds = rr_xcalloc(j->len + 1, sizeof(*out->fds));
  for (size_t i = 0; i < j->len; i++) {
    const struct oci_json *e = j->items[i];
    if (e->kind != OCI_JSON_STRING || e->text_len != strlen(e->text) || e->text[0] != '/') {
      r = rr_fail(err, RR_ERR_INVALID, 0, "annotation `%s`: [%zu]: not an absolute path",
                  RR_REDPAK_LOCK_FILES, i);
      rr_redpak_locks_clear(out);
      goto out;
    }
    out->paths[out->n] = rr_xstrdup(e->text);
    out->fds[out->n++] = -1;
  }
out:
  oci_json_free(j);
  return r;
}

void rr_redpak_locks_clear(struct rr_redpak_locks *l)
{
  for (size_t i = 0; i < l->n; i++) {
    free(l->paths[i]);
    if (l->fds[i] >= 0)
      close(l->fds[i]);
  }
  free(l->paths);
  free(l->fds);
  memset(l, 0, sizeof(*l));
}

int rr_redpak_locks_check(const oci_config *cfg, struct rr_error **err)
{
  struct rr_redpak_locks l;
  if (rr_redpak_locks_parse(cfg, &l, err) < 0)
    return -1;
  rr_redpak_locks_clear(&l);
  return 0;
}

int rr_redpak_locks_take(struct rr_redpak_locks *l, struct rr_error **err)
{
  if (l->n == 0)
    return 0;
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return rr_fail_errno(err, "annotation `%s`: open `/`", RR_REDPAK_LOCK_FILES);
  for (size_t i = 0; i < l->n; i++) {
    /* O_NONBLOCK: a fifo planted at the path must not hang the create */
    int fd = rr_fs_open_in_root(root, l->paths[i], O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, err);
    if (fd < 0)
      return rr_wrap(err, "annotation `%s`: `%s`", RR_REDPAK_LOCK_FILES, l->paths[i]);
    l->fds[i] = fd;
    struct stat st;
    if (fstat(fd, &st) < 0)
      return rr_fail_errno(err, "annotation `%s`: `%s`", RR_REDPAK_LOCK_FILES, l->paths[i]);
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
      return rr_fail(err, RR_ERR_INVALID, 0,
                     "annotation `%s`: `%s`: not a regular file or directory", RR_REDPAK_LOCK_FILES,
                     l->paths[i]);
    struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
      if (errno == EAGAIN || errno == EACCES)
        return rr_fail(err, RR_ERR_STATE, errno,
                       "annotation `%s`: `%s`: locked for writing by another process",
                       RR_REDPAK_LOCK_FILES, l->paths[i]);
      return rr_fail_errno(err, "annotation `%s`: lock `%s`", RR_REDPAK_LOCK_FILES, l->paths[i]);
    }
  }
  return 0;
}

int rr_redpak_locks_keep(const struct rr_redpak_locks *l, struct rr_error **err)
{
  for (size_t i = 0; i < l->n; i++) {
    int fl = fcntl(l->fds[i], F_GETFD);
    if (fl < 0 || fcntl(l->fds[i], F_SETFD, fl & ~FD_CLOEXEC) < 0)
      return rr_fail_errno(err, "annotation `%s`: keep the lock on `%s`", RR_REDPAK_LOCK_FILES,
                           l->paths[i]);
  }
  return 0;
}
