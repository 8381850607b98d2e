/* SPDX-License-Identifier: Apache-2.0 */
/* The 16 export modes as OCI mounts, devices, bundle files, symlinks and lock
 * files (redpak-format.md §6.2). Pure planning: the only side effect is
 * running Execfd commands, whose output becomes a bundle file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "rp2oci/rp2oci.h"

struct plan_cap {
  size_t mounts, devices, files, links, locks;
};

static struct rp_mount *add_mount(struct rp_arena *a, struct rp_plan *p, const char *dst,
                                  const char *type, const char *src, const char *const *opts)
{
  struct rp_mount *mt = &p->mounts[p->nmounts++];
  mt->destination = dst;
  mt->type = type;
  mt->source = src;
  mt->noptions = 0;
  for (size_t i = 0; opts[i] != NULL && i < RR_ARRAY_SIZE(mt->options); i++)
    mt->options[mt->noptions++] = opts[i];
  (void)a;
  return mt;
}

static const char *const opt_bind_rw[] = {"rbind", "nosuid", "nodev", "rw", NULL};
static const char *const opt_bind_ro[] = {"rbind", "nosuid", "nodev", "ro", NULL};
static const char *const opt_file_ro[] = {"bind", "nosuid", "nodev", "ro", NULL};
static const char *const opt_tmpfs[] = {"nosuid", "nodev", "mode=755", NULL};
static const char *const opt_proc[] = {"nosuid", "nodev", "noexec", NULL};
static const char *const opt_devtmpfs[] = {"nosuid", "strictatime", "mode=755", NULL};
static const char *const opt_devpts[] = {"nosuid",        "noexec",    "newinstance",
                                         "ptmxmode=0666", "mode=0620", NULL};
static const char *const opt_shm[] = {"nosuid", "nodev", "noexec", "mode=1777", NULL};

static bool taken(const struct rp_merged *m, const char *dst)
{
  for (size_t i = 0; i < m->nexports; i++)
    if (strcasecmp(m->exports[i].dst, dst) == 0)
      return true;
  return false;
}

static void add_file(struct rp_arena *a, struct rp_plan *p, const char *dst, const char *data,
                     size_t len)
{
  struct rp_file *f = &p->files[p->nfiles++];
  f->name = rp_printf(a, "redpak-files/%zu", p->nfiles);
  f->data = data;
  f->len = len;
  add_mount(a, p, dst, "bind", f->name, opt_file_ro);
}

static int snapshot_fd(struct rp_arena *a, const struct rp_mexport *x, char **data, size_t *len,
                       struct rr_error **err)
{
  char *end;
  errno = 0;
  long fd = strtol(x->src, &end, 10);
  if (*x->src == '\0' || *end != '\0' || errno != 0 || fd < 0 || fd > 65535 ||
      fcntl((int)fd, F_GETFD) < 0)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "%s:%d: exports: Internal path `%s` is not an open file descriptor",
                   x->conf->file, x->e->line, x->src);
  char *proc = rp_printf(a, "/proc/self/fd/%ld", fd);
  _cleanup_close_ int in = open(proc, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return rr_fail_errno(err, "%s:%d: exports: Internal fd %ld", x->conf->file, x->e->line, fd);
  struct rp_buf b = {0};
  char chunk[4096];
  for (;;) {
    ssize_t n = read(in, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rp_buf_reset(&b);
      return rr_fail_errno(err, "read fd %ld", fd);
    }
    if (n == 0)
      break;
    rp_buf_add(&b, chunk, (size_t)n);
  }
  *len = b.len;
  *data = rp_strndup(a, b.data ? b.data : "", b.len);
  rp_buf_reset(&b);
  return 0;
}

static int cmp_mount(const void *x, const void *y)
{
  return strcmp(((const struct rp_mount *)x)->destination,
                ((const struct rp_mount *)y)->destination);
}

static int cmp_str(const void *x, const void *y)
{
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* bwrap creates links and mounts in one sorted sequence; an OCI runtime
 * mounts over the prepared root, so a link below a mount point is hidden. */
static void warn_hidden_links(const struct rp_plan *p)
{
  for (size_t i = 0; i < p->nlinks; i++)
    for (size_t j = 0; j < p->nmounts; j++) {
      const char *d = p->mounts[j].destination;
      size_t n = strlen(d);
      if (strncmp(p->links[i].link, d, n) == 0 && (p->links[i].link[n] == '/' || n == 1))
        rr_warn("Symlink `%s` lies below the mount at `%s` and is hidden in the container",
                p->links[i].link, d);
    }
}

int rp_exports_plan(struct rp_arena *a, const struct rp_merged *m, struct rp_expand_env *xenv,
                    struct rp_plan *p, struct rr_error **err)
{
  memset(p, 0, sizeof(*p));
  size_t n = m->nexports;
  /* a Devfs export adds up to three mounts and six devices */
  p->mounts = rp_alloc(a, (3 * n + 1) * sizeof(*p->mounts));
  p->devices = rp_alloc(a, (6 * n + 1) * sizeof(*p->devices));
  p->files = rp_alloc(a, (n + 1) * sizeof(*p->files));
  p->links = rp_alloc(a, (n + 1) * sizeof(*p->links));
  p->locks = rp_alloc(a, (n + 1) * sizeof(*p->locks));
  for (size_t i = 0; i < n; i++) {
    const struct rp_mexport *x = &m->exports[i];
    switch ((enum rp_export_mode)x->e->mode) {
    case RP_EXP_PUBLIC:
    case RP_EXP_PRIVATE:
    case RP_EXP_PUBLIC_FILE:
    case RP_EXP_PRIVATE_FILE:
      add_mount(a, p, x->dst, "bind", x->src, opt_bind_rw);
      break;
    case RP_EXP_RESTRICTED:
    case RP_EXP_PRIVATE_RESTRICTED:
    case RP_EXP_RESTRICTED_FILE:
      add_mount(a, p, x->dst, "bind", x->src, opt_bind_ro);
      break;
    case RP_EXP_ANONYMOUS:
    case RP_EXP_TMPFS:
      add_mount(a, p, x->dst, "tmpfs", "tmpfs", opt_tmpfs);
      break;
    case RP_EXP_PROCFS:
      add_mount(a, p, x->dst, "proc", "proc", opt_proc);
      break;
    case RP_EXP_MQUEUE:
      add_mount(a, p, x->dst, "mqueue", "mqueue", opt_proc);
      break;
    case RP_EXP_DEVFS: {
      add_mount(a, p, x->dst, "tmpfs", "tmpfs", opt_devtmpfs);
      bool root = strcmp(x->dst, "/") == 0;
      const char *pts = rp_printf(a, "%s/pts", root ? "" : x->dst);
      const char *shm = rp_printf(a, "%s/shm", root ? "" : x->dst);
      /* an explicit export at the same place wins over the devfs extras */
      if (!taken(m, pts))
        add_mount(a, p, pts, "devpts", "devpts", opt_devpts);
      if (!taken(m, shm))
        add_mount(a, p, shm, "tmpfs", "shm", opt_shm);
      /* the runtime provides the default devices in /dev only */
      if (strcmp(x->dst, "/dev") != 0) {
        static const struct {
          const char *name;
          unsigned major, minor;
        } devs[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
        for (size_t d = 0; d < RR_ARRAY_SIZE(devs); d++)
          p->devices[p->ndevices++] =
              (struct rp_device){rp_printf(a, "%s/%s", root ? "" : x->dst, devs[d].name),
                                 devs[d].major, devs[d].minor};
      }
      break;
    }
    case RP_EXP_SYMLINK:
      p->links[p->nlinks++] = (struct rp_link){x->dst, x->src};
      break;
    case RP_EXP_EXECFD: {
      char *out;
      size_t len;
      if (xenv->run == NULL)
        return rr_fail(err, RR_ERR_UNSUPPORTED, 0, "%s:%d: exports: Execfd commands disabled",
                       x->conf->file, x->e->line);
      if (xenv->run(a, x->src, &out, &len, err) < 0)
        return rr_wrap(err, "%s:%d: exports: Execfd `%s`", x->conf->file, x->e->line, x->dst);
      add_file(a, p, x->dst, out, len);
      break;
    }
    case RP_EXP_INTERNAL: {
      char *data;
      size_t len;
      if (snapshot_fd(a, x, &data, &len, err) < 0)
        return -1;
      add_file(a, p, x->dst, data, len);
      break;
    }
    case RP_EXP_LOCK:
      p->locks[p->nlocks++] = x->dst;
      break;
    }
  }
  /* stable enough: destinations are unique except for devfs extras, which
   * were skipped when taken */
  qsort(p->mounts, p->nmounts, sizeof(*p->mounts), cmp_mount);
  qsort(p->locks, p->nlocks, sizeof(*p->locks), cmp_str);
  warn_hidden_links(p);
  return 0;
}
