/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libredrun/core/ids.h"
#include "libredrun/core/log.h"
#include "libredrun/core/spec/lifecycle_checks.h"
#include "libredrun/core/spec/validate.h"
#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/container/hooks.h"
#include "libredrun/os/container/internal.h"
#include "libredrun/os/fs/rootfs.h"
#include "libredrun/os/ns/ns.h"
#include "libredrun/os/proc/child.h"
#include "libredrun/os/proc/clone.h"
#include "libredrun/os/proc/redpak_locks.h"
#include "libredrun/os/proc/sync.h"
#include "libredrun/os/proc/terminal.h"
#include "libredrun/os/security/lsm.h"
#include "libredrun/os/security/seccomp.h"
#include "libredrun/os/security/smack.h"
#include "oci_json.h"

/* Everything create acquires, so one function can undo it. */
struct create_run {
  const struct rr_runtime *rt;
  const struct rr_create_opts *o;
  bool foreground;
  bool no_fifo;
  oci_config *cfg;
  char *cfg_data; /* the bytes cfg was parsed from: the frozen copy */
  size_t cfg_len;
  char *bundle, *rootfs;
  struct rr_ns_plan *ns;
  struct rr_fs_plan *fs;
  struct rr_seccomp *sc;
  struct rr_cgroup *cg;
  bool cg_created;
  struct rr_cdir *d;
  struct rr_state *st;
  int console_sock, fifo_fd, sync[2];
  pid_t pid;
  int pidfd;
  int pty_master;
  bool runtime_hooks_ran;
  char *listen_env[3];
  int nlisten;
};

static int read_file(const char *path, char **out, size_t *len, struct rr_error **err)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "open `%s`", path);
  size_t cap = 16384, n = 0;
  _cleanup_free_ char *buf = rr_xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap)
      buf = rr_xrealloc(buf, cap *= 2);
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return rr_fail_errno(err, "read `%s`", path);
    if (r == 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  *len = n;
  *out = steal_ptr(buf);
  return 0;
}

/* The UTC calendar date of a day count since 1970-01-01 (proleptic
 * Gregorian, eras of 400 years). Not gmtime_r: glibc's loads the time zone
 * (reads /etc/localtime) on first use, for nothing in a UTC stamp. */
static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (long long)yoe + era * 400 + (*m <= 2);
}

static char *now_rfc3339(void)
{
  struct timespec ts;
  char buf[64];
  clock_gettime(CLOCK_REALTIME, &ts);
  long long days = ts.tv_sec / 86400, secs = ts.tv_sec % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  long long y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600,
           secs / 60 % 60, secs % 60, ts.tv_nsec);
  return rr_xstrdup(buf);
}

/* The config's annotations for the state, NULL when there are none. */
static oci_string_map *annotations_copy(const oci_string_map *m)
{
  oci_string_map *copy = NULL;
  for (size_t i = 0; m != NULL && i < m->len; i++)
    oci_string_map_set(&copy, m->keys[i], m->values[i]);
  return copy;
}

char *rr_container_state_json(const struct rr_state *st, enum rr_status status)
{
  struct rr_json g;
  rr_json_init(&g, false);
  rr_state_to_json(&g, NULL, st, status, true);
  return rr_json_finish(&g);
}

/* Parse, validate and plan: nothing on the host is touched yet. */
static int plan(struct create_run *c, struct rr_error **err)
{
  const struct rr_create_opts *o = c->o;
  if (rr_id_validate(o->id, err) < 0)
    return -1;
  if (o->preserve_fds < 0)
    return rr_fail(err, RR_ERR_INVALID, 0, "--preserve-fds: must not be negative");
  char real[PATH_MAX];
  const char *b = o->bundle != NULL && *o->bundle ? o->bundle : ".";
  if (realpath(b, real) == NULL)
    return rr_fail_errno(err, "bundle `%s`", b);
  c->bundle = rr_xstrdup(real);
  _cleanup_free_ char *cfg_path = rr_xasprintf("%s/config.json", c->bundle);
  if (read_file(cfg_path, &c->cfg_data, &c->cfg_len, err) < 0)
    return -1;
  /* linux.seccomp stays raw: its cache is keyed by its bytes, so a cached
   * profile (podman's: 80% of the config) is only checked as JSON, neither
   * built as a tree nor converted nor validated */
  static const char *const raw_path[] = {"linux", "seccomp", NULL};
  struct oci_parse_opts po = {.raw_path = raw_path};
  c->cfg = oci_config_parse_data_opts(c->cfg_data, c->cfg_len, "config.json", &po, err);
  if (c->cfg == NULL || rr_spec_validate(c->cfg, err) < 0)
    return -1;
  if (c->cfg->process == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, "config.json: missing required property \"process\"");
  const oci_process *p = c->cfg->process;
  rr_process_warn_caps(p, "config.json", ".process");
  bool terminal = p->terminal_present && p->terminal;
  if (terminal && o->console_socket == NULL && !c->foreground)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "config.json: .process.terminal is true: --console-socket is required when "
                   "the container is detached");
  if (!terminal && o->console_socket != NULL)
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "--console-socket given but config.json: .process.terminal is false");

  const char *root = c->cfg->root->path;
  c->rootfs = root[0] == '/' ? rr_xstrdup(root) : rr_xasprintf("%s/%s", c->bundle, root);
  struct stat sb;
  if (stat(c->rootfs, &sb) < 0)
    return rr_fail_errno(err, "config.json: .root.path `%s`", c->rootfs);
  if (!S_ISDIR(sb.st_mode))
    return rr_fail(err, RR_ERR_INVALID, ENOTDIR, "config.json: .root.path `%s`: not a directory",
                   c->rootfs);

  if (rr_ns_plan_new(c->cfg, &c->ns, err) < 0)
    return -1;
  if (rr_lsm_check(p->apparmor_profile, p->selinux_label,
                   c->cfg->linux ? c->cfg->linux->mount_label : NULL, err) < 0 ||
      rr_redpak_locks_check(c->cfg, err) < 0 || rr_smack_prepare(c->cfg, err) < 0)
    return -1;
  if (po.raw_end > po.raw_start &&
      rr_seccomp_prepare_raw(c->cfg_data + po.raw_start, po.raw_end - po.raw_start, "config.json",
                             c->rt->root, &c->sc, err) < 0)
    return -1;
  bool no_cgroup = c->rt->cgroup_manager != NULL && strcmp(c->rt->cgroup_manager, "disabled") == 0;
  if (!no_cgroup) {
    struct rr_cgroup_opts copts = {.manager = c->rt->cgroup_manager,
                                   .systemd = c->rt->systemd_cgroup};
    if (rr_cgroup_prepare(c->cfg, o->id, &copts, &c->cg, err) < 0)
      return -1;
  }
  /* a mount namespace joined by path gets the root set up in it, like a new one */
  if (rr_spec_has_ns(c->cfg, "mount")) {
    struct rr_fs_opts fo = {.no_pivot = o->no_pivot,
                            .in_user_ns = c->ns->new_user || c->ns->join_fd[0] >= 0,
                            .terminal = terminal,
                            .cgroup_path = c->cg ? rr_cgroup_path(c->cg) : NULL};
    if (rr_fs_plan_new(c->cfg, c->bundle, &fo, &c->fs, err) < 0)
      return -1;
  } else if (c->cfg->mounts_len > 0) {
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "config.json: .mounts: needs a mount namespace in .linux.namespaces");
  }

  /* socket activation (LISTEN_FDS addressed to us) passes through, before --preserve-fds */
  int nlisten = 0;
  const char *lfds = getenv("LISTEN_FDS"), *lpid = getenv("LISTEN_PID");
  if (lfds != NULL && lpid != NULL && atoi(lpid) == getpid() && atoi(lfds) > 0) {
    nlisten = atoi(lfds);
    c->listen_env[0] = rr_xasprintf("LISTEN_FDS=%d", nlisten);
    c->listen_env[1] = rr_xstrdup("LISTEN_PID=1");
  }
  c->nlisten = nlisten;
  for (int fd = 3; fd < 3 + nlisten + o->preserve_fds; fd++)
    if (fcntl(fd, F_GETFD) < 0)
      return rr_fail(err, RR_ERR_INVALID, EBADF, "--preserve-fds: fd %d is not open", fd);
  if (o->console_socket != NULL) {
    c->console_sock = rr_term_connect_socket(o->console_socket, err);
    if (c->console_sock < 0)
      return -1;
  }
  return 0;
}

static int parent_loop(struct create_run *c, struct rr_error **err)
{
  for (;;) {
    struct rr_msg m;
    if (rr_msg_recv(c->sync[0], &m, err) < 0) {
      rr_error_clear(err);
      int status;
      if (c->foreground && waitpid(c->pid, &status, 0) == c->pid) {
        c->pid = -1;
        if (WIFSIGNALED(status))
          return rr_fail(err, RR_ERR_SYSTEM, 0,
                         "container process killed by signal %d during create", WTERMSIG(status));
      }
      return rr_fail(err, RR_ERR_SYSTEM, 0, "container process exited during create");
    }
    switch (m.type) {
    case RR_MSG_LOG:
      rr_log_write(m.arg >= 0 && m.arg <= RR_LOG_DEBUG ? (enum rr_log_level)m.arg : RR_LOG_INFO,
                   m.data);
      break;
    case RR_MSG_ERROR:
      rr_fail(err, m.arg != 0 ? RR_ERR_SYSTEM : RR_ERR_INVALID, m.arg, "%s", m.data);
      rr_msg_clear(&m);
      return -1;
    case RR_MSG_HOOKS: {
      _cleanup_free_ char *sj = rr_container_state_json(c->st, RR_STATUS_CREATING);
      /* prestart (deprecated) keeps its historical "created" state (runtime-tools checks it) */
      _cleanup_free_ char *pj = rr_container_state_json(c->st, RR_STATUS_CREATED);
      c->runtime_hooks_ran = true;
      if (rr_hooks_run(c->cfg->hooks, RR_HOOK_PRESTART, pj, err) < 0 ||
          rr_hooks_run(c->cfg->hooks, RR_HOOK_CREATE_RUNTIME, sj, err) < 0) {
        rr_msg_clear(&m);
        return -1;
      }
      if (rr_msg_send(c->sync[0], RR_MSG_HOOKS_DONE, 0, NULL, 0, -1, err) < 0) {
        rr_msg_clear(&m);
        return -1;
      }
      break;
    }
    case RR_MSG_TERMINAL:
      if (c->console_sock >= 0) {
        int r = rr_term_send_master(c->console_sock, m.fd, m.data, err);
        if (r < 0) {
          rr_msg_clear(&m);
          return -1;
        }
      } else {
        c->pty_master = steal_fd(m.fd);
      }
      break;
    case RR_MSG_READY:
      rr_msg_clear(&m);
      return 0;
    default:
      break;
    }
    rr_msg_clear(&m);
  }
}

static int write_pid_file(const char *path, pid_t pid, struct rr_error **err)
{
  _cleanup_free_ char *tmp = rr_xasprintf("%s.tmp.%d", path, (int)getpid());
  _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return rr_fail_errno(err, "--pid-file `%s`", path);
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
  if (write(fd, buf, (size_t)n) != n || rename(tmp, path) < 0) {
    int e = errno;
    unlink(tmp);
    return rr_fail_errnum(err, e, "--pid-file `%s`", path);
  }
  return 0;
}

/* any hook of the kinds up to `last` (in rr_hook_kind order) */
static bool has_hooks(const oci_hooks *h, enum rr_hook_kind last)
{
  for (int k = RR_HOOK_PRESTART; k <= (int)last; k++)
    if (rr_hooks_count(h, (enum rr_hook_kind)k) > 0)
      return true;
  return false;
}

/* Each hand-off costs the child a wake-up: it waits for the go-ahead only
 * when the parent has work to do first (user namespace id maps, a cgroup
 * entered after clone) or when the child needs the state JSON (hooks, a
 * seccomp listener). */
static bool needs_go(const struct create_run *c, bool late_cgroup)
{
  return c->ns->new_user || late_cgroup || has_hooks(c->cfg->hooks, RR_HOOK_START_CONTAINER) ||
         (c->sc != NULL && rr_seccomp_wants_listener(c->sc));
}

/* The frozen copy of the config (later edits of the bundle must not change
 * this container) and the state fields only state.json and hooks read. The
 * copy is the bytes the config was parsed from: nothing edits the parsed
 * config, and writing them costs nothing where generating JSON from the
 * parsed tree cost 0.05-0.1 ms (podman's seccomp profile: 434 names). */
static int freeze(struct create_run *c, struct rr_error **err)
{
  struct rr_state *st = c->st;
  st->created = now_rfc3339();
  st->boot_id = rr_boot_id();
  /* start and delete read the frozen config only for these */
  st->late_hooks = rr_hooks_count(c->cfg->hooks, RR_HOOK_POSTSTART) > 0 ||
                   rr_hooks_count(c->cfg->hooks, RR_HOOK_POSTSTOP) > 0;
  st->annotations = annotations_copy(c->cfg->annotations);
  return rr_state_write_new_file(c->d, RR_STATE_CONFIG, c->cfg_data, c->cfg_len, err);
}

/*
 * The network namespace is the costly one (≈ 0.45 ms of a clone's ≈ 0.6):
 * when nothing can observe the difference, the parent creates it after the
 * clone, while the child mounts what does not depend on it, and the child
 * joins it before anything that does (rr_child.late_netns). Not with a new
 * user namespace (the namespace's owner would differ), nor when the child
 * first waits for GO (one message order), nor without root.
 */
static bool late_netns_ok(const struct create_run *c, const struct rr_child *child)
{
  return (c->ns->clone_flags & CLONE_NEWNET) && !c->ns->new_user && !child->wait_go &&
         geteuid() == 0;
}

static int send_netns(struct create_run *c, struct rr_error **err)
{
  _cleanup_close_ int fd = rr_ns_new_net(err);
  if (fd < 0)
    return -1;
  /* a child that already failed has closed its end: its error is what
   * parent_loop reports */
  struct rr_error *e = NULL;
  if (rr_msg_send(c->sync[0], RR_MSG_NETNS, 0, NULL, 0, fd, &e) < 0)
    rr_error_free(e);
  return 0;
}

static int spawn(struct create_run *c, struct rr_error **err)
{
  const struct rr_create_opts *o = c->o;
  struct rr_state *st = rr_xcalloc(1, sizeof(*st));
  c->st = st;
  st->id = rr_xstrdup(o->id);
  st->bundle = rr_xstrdup(c->bundle);
  st->rootfs = rr_xstrdup(c->rootfs);
  st->owner = geteuid();
  st->own_pid_ns = c->ns->new_pid;

  if (rr_state_claim(c->rt->root, o->id, &c->d, err) < 0)
    return -1;
  /* A foreground run holds the state lock from create to start: nobody can
   * see it "created", and without hooks nothing runs between the two, so the
   * child may exec right after READY (one hand-off less). */
  c->no_fifo = c->foreground && !has_hooks(c->cfg->hooks, RR_HOOK_POSTSTART);
  if (!c->no_fifo) {
    if (mkfifoat(c->d->fd, RR_STATE_FIFO, 0600) < 0)
      return rr_fail_errno(err, "create `%s/%s`", c->d->path, RR_STATE_FIFO);
    /* O_RDWR does not block on a fifo (Linux): the child reads it until start writes */
    c->fifo_fd = openat(c->d->fd, RR_STATE_FIFO, O_RDWR | O_CLOEXEC);
    if (c->fifo_fd < 0)
      return rr_fail_errno(err, "open `%s/%s`", c->d->path, RR_STATE_FIFO);
  }
  if (c->cg != NULL) {
    if (rr_cgroup_create(c->cg, err) < 0)
      return -1;
    c->cg_created = true;
    if (rr_cgroup_path(c->cg) != NULL)
      st->cgroup_path = rr_xstrdup(rr_cgroup_path(c->cg));
  }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sync) < 0)
    return rr_fail_errno(err, "sync socketpair");
  if (rr_ns_parent_join(c->ns, err) < 0)
    return -1;

  int cgroup_fd = c->cg ? rr_cgroup_dirfd(c->cg) : -1;
  bool late_cgroup = c->cg != NULL && rr_cgroup_path(c->cg) != NULL && cgroup_fd < 0;
  struct rr_child child = {
      .cfg = c->cfg,
      .proc = c->cfg->process,
      .ns = c->ns,
      .fs = c->fs,
      .rootfs = c->fs == NULL ? c->rootfs : NULL,
      .seccomp = c->sc,
      .id = o->id,
      .sync_fd = c->sync[1],
      .fifo_fd = c->fifo_fd,
      .keep_fds = o->preserve_fds + c->nlisten,
      .extra_env = c->listen_env[0] ? c->listen_env : NULL,
      .close_fds = {c->d->fd, c->d->root_fd, c->sync[0], -1},
      .new_keyring = !o->no_new_keyring,
      .wait_go = needs_go(c, late_cgroup),
      .undumpable = geteuid() == 0,
  };
  struct rr_clone_req req = {.ns_flags = c->ns->clone_flags,
                             .clone_parent = !c->foreground,
                             .cgroup_fd = cgroup_fd,
                             .undumpable = child.undumpable};
  struct rr_clone_res res;
  /* a child that does not wait must be born in its cgroup: it unshares its
   * cgroup namespace right away */
  req.cgroup_only = !child.wait_go;
  child.late_netns = late_netns_ok(c, &child);
  if (child.late_netns)
    req.ns_flags &= ~(uint64_t)CLONE_NEWNET;
  pid_t pid = rr_clone(&req, &res, err);
  if (pid < 0 && req.cgroup_only) {
    rr_error_clear(err);
    child.wait_go = true;
    child.late_netns = false;
    req.ns_flags = c->ns->clone_flags;
    req.cgroup_only = false;
    pid = rr_clone(&req, &res, err);
  }
  if (pid < 0)
    return -1;
  if (pid == 0)
    rr_child_main(&child);
  c->pid = pid;
  c->pidfd = res.pidfd;
  close(c->sync[1]);
  c->sync[1] = -1;
  st->pid = pid;
  if (child.late_netns && send_netns(c, err) < 0)
    return -1;
  /* Work the child does not need is done here, while it builds its root on
   * the other CPU, not before the clone. */
  if (freeze(c, err) < 0)
    return -1;
  if (c->cg != NULL && !res.in_cgroup && rr_cgroup_path(c->cg) != NULL &&
      rr_cgroup_enter(c->cg, pid, err) < 0)
    return -1;
  if (c->ns->new_user && rr_ns_write_idmaps(pid, c->cfg, err) < 0)
    return -1;
  if (child.wait_go) {
    _cleanup_free_ char *sj = rr_container_state_json(st, RR_STATUS_CREATING);
    if (rr_msg_send(c->sync[0], RR_MSG_GO, 0, sj, strlen(sj), -1, err) < 0)
      return -1;
  }
  if (parent_loop(c, err) < 0)
    return -1;
  /* only now: a child that failed early may already be gone (and, with
   * CLONE_PARENT, reaped by our caller), and its error is what to report */
  if (rr_proc_stat(pid, &st->start_time, NULL, err) < 0)
    return -1;
  /* state first, then the pid file: whoever reads the pid file finds the container */
  if (rr_state_write(c->d, st, err) < 0)
    return -1;
  if (o->pid_file != NULL && write_pid_file(o->pid_file, pid, err) < 0)
    return -1;
  return 0;
}

static void undo(struct create_run *c)
{
  if (c->pid > 0) {
    if (c->pidfd >= 0)
      rr_pidfd_signal(c->pidfd, SIGKILL);
    else
      kill(c->pid, SIGKILL);
    if (c->foreground) {
      while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    } else if (c->pidfd >= 0) {
      /* not our child (CLONE_PARENT): our caller reaps it; we wait for the exit */
      struct pollfd p = {.fd = c->pidfd, .events = POLLIN};
      while (poll(&p, 1, 5000) < 0 && errno == EINTR)
        ;
    }
  }
  if (c->runtime_hooks_ran && c->st != NULL) {
    _cleanup_free_ char *sj = rr_container_state_json(c->st, RR_STATUS_STOPPED);
    rr_hooks_run_warn(c->cfg->hooks, RR_HOOK_POSTSTOP, sj);
  }
  if (c->cg_created && rr_cgroup_path(c->cg) != NULL) {
    _cleanup_error_ struct rr_error *e = NULL;
    if (rr_cgroup_destroy(rr_cgroup_path(c->cg), &e) < 0)
      rr_warn("%s", e->msg);
  }
  if (c->d != NULL) {
    _cleanup_error_ struct rr_error *e = NULL;
    if (rr_state_remove(c->d, &e) < 0)
      rr_warn("%s", e->msg);
  }
}

static void run_free(struct create_run *c)
{
  free(c->bundle);
  free(c->rootfs);
  rr_ns_plan_free(c->ns);
  if (c->fs != NULL)
    rr_fs_plan_free(c->fs);
  if (c->sc != NULL)
    rr_seccomp_free(c->sc);
  if (c->cg != NULL)
    rr_cgroup_free(c->cg);
  for (int i = 0; i < 2; i++)
    if (c->sync[i] >= 0)
      close(c->sync[i]);
  if (c->console_sock >= 0)
    close(c->console_sock);
  if (c->fifo_fd >= 0)
    close(c->fifo_fd);
  if (c->pty_master >= 0)
    close(c->pty_master);
  if (c->pidfd >= 0)
    close(c->pidfd);
  free(c->listen_env[0]);
  free(c->listen_env[1]);
  rr_cdir_free(c->d);
  rr_state_free(c->st);
  oci_config_free(c->cfg);
  free(c->cfg_data);
}

int rr_container_do_create(const struct rr_runtime *rt, const struct rr_create_opts *o,
                           bool foreground, struct rr_created *out, struct rr_error **err)
{
  struct create_run c = {.rt = rt,
                         .o = o,
                         .foreground = foreground,
                         .console_sock = -1,
                         .fifo_fd = -1,
                         .sync = {-1, -1},
                         .pid = -1,
                         .pidfd = -1,
                         .pty_master = -1};
  int r = plan(&c, err);
  if (r == 0 && (r = spawn(&c, err)) < 0) {
    rr_debug("create `%s` failed, undoing", o->id);
    undo(&c);
  }
  if (r < 0) {
    run_free(&c);
    return -1;
  }
  out->cfg = steal_ptr(c.cfg);
  out->d = steal_ptr(c.d);
  out->st = steal_ptr(c.st);
  out->pid = c.pid;
  out->pidfd = steal_fd(c.pidfd);
  out->pty_master = steal_fd(c.pty_master);
  out->started = c.no_fifo;
  run_free(&c);
  return 0;
}

void rr_created_release(struct rr_created *c)
{
  oci_config_free(c->cfg);
  rr_cdir_free(c->d);
  rr_state_free(c->st);
  if (c->pidfd >= 0)
    close(c->pidfd);
  if (c->pty_master >= 0)
    close(c->pty_master);
  memset(c, 0, sizeof(*c));
  c->pidfd = c->pty_master = -1;
}

int rr_container_create(const struct rr_runtime *rt, const struct rr_create_opts *o,
                        struct rr_error **err)
{
  struct rr_created c;
  if (rr_container_do_create(rt, o, false, &c, err) < 0)
    return -1;
  rr_created_release(&c);
  return 0;
}
