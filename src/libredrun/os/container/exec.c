/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/spec/lifecycle_checks.h"
#include "libredrun/core/spec/validate.h"
#include "libredrun/core/tables/capabilities.h"
#include "libredrun/core/util.h"
#include "libredrun/os/container/internal.h"
#include "libredrun/os/ns/ns.h"
#include "libredrun/os/proc/child.h"
#include "libredrun/os/proc/clone.h"
#include "libredrun/os/proc/identity.h"
#include "libredrun/os/proc/sync.h"
#include "libredrun/os/proc/terminal.h"
#include "libredrun/os/security/lsm.h"
#include "libredrun/os/security/seccomp.h"
#include "libredrun/os/security/smack.h"

static void set_strv(char ***v, size_t *len, bool *present, char **src, size_t n)
{
  for (size_t i = 0; *v != NULL && i < *len; i++)
    free((*v)[i]);
  free(*v);
  *v = rr_xcalloc(n + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    (*v)[i] = rr_xstrdup(src[i]);
  *len = n;
  if (present != NULL)
    *present = true;
}

static size_t strv_len(char **v)
{
  size_t n = 0;
  while (v != NULL && v[n] != NULL)
    n++;
  return n;
}

static int parse_user(const char *s, oci_user *u, struct rr_error **err)
{
  char *end;
  unsigned long uid = strtoul(s, &end, 10);
  if (end == s || (*end != '\0' && *end != ':'))
    return rr_fail(err, RR_ERR_INVALID, 0, "--user `%s`: expected UID[:GID]", s);
  u->uid = (uint32_t)uid;
  u->uid_present = true;
  if (*end == ':') {
    const char *g = end + 1;
    unsigned long gid = strtoul(g, &end, 10);
    if (end == g || *end != '\0')
      return rr_fail(err, RR_ERR_INVALID, 0, "--user `%s`: expected UID[:GID]", s);
    u->gid = (uint32_t)gid;
    u->gid_present = true;
  }
  return 0;
}

/* The process to run: --process FILE, or the container's process with the
 * command line's args and overrides (runc's rules). */
static oci_process *build_process(const struct rr_exec_opts *o, oci_config *cfg,
                                  struct rr_error **err)
{
  oci_process *p;
  const char *source = "process.json", *prefix = "";
  if (o->process_path != NULL) {
    p = oci_process_parse_file(o->process_path, err);
    if (p == NULL)
      return NULL;
  } else {
    if (strv_len(o->args) == 0) {
      rr_fail(err, RR_ERR_INVALID, 0, "exec: a command or --process FILE is required");
      return NULL;
    }
    p = steal_ptr(cfg->process);
    if (p == NULL) {
      rr_fail(err, RR_ERR_INVALID, 0, "config.json: missing required property \"process\"");
      return NULL;
    }
    source = "config.json";
    prefix = ".process";
    set_strv(&p->args, &p->args_len, &p->args_present, o->args, strv_len(o->args));
    p->terminal = o->tty;
    p->terminal_present = true;
  }
  if (o->cwd != NULL) {
    free(p->cwd);
    p->cwd = rr_xstrdup(o->cwd);
  }
  if (o->env != NULL) {
    size_t n = strv_len(o->env), old = p->env_len;
    char **all = rr_xcalloc(old + n + 1, sizeof(char *));
    for (size_t i = 0; i < old; i++)
      all[i] = p->env[i];
    for (size_t i = 0; i < n; i++)
      all[old + i] = o->env[i];
    char **tmp = NULL;
    size_t tlen = 0;
    set_strv(&tmp, &tlen, NULL, all, old + n);
    free(all);
    set_strv(&p->env, &p->env_len, &p->env_present, tmp, tlen);
    rr_strvfreep(&tmp);
  }
  if (o->user != NULL) {
    if (p->user == NULL)
      p->user = rr_xcalloc(1, sizeof(*p->user));
    if (parse_user(o->user, p->user, err) < 0) {
      oci_process_free(p);
      return NULL;
    }
  }
  if (o->additional_gids != NULL) {
    if (p->user == NULL)
      p->user = rr_xcalloc(1, sizeof(*p->user));
    size_t n = strv_len(o->additional_gids);
    free(p->user->additional_gids);
    p->user->additional_gids = rr_xcalloc(n + 1, sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
      char *end;
      unsigned long g = strtoul(o->additional_gids[i], &end, 10);
      if (*end != '\0' || end == o->additional_gids[i]) {
        rr_fail(err, RR_ERR_INVALID, 0, "--additional-gids `%s`: not a number",
                o->additional_gids[i]);
        oci_process_free(p);
        return NULL;
      }
      p->user->additional_gids[i] = (uint32_t)g;
    }
    p->user->additional_gids_len = n;
  }
  if (o->caps != NULL) {
    if (p->capabilities == NULL)
      p->capabilities = rr_xcalloc(1, sizeof(*p->capabilities));
    oci_capabilities *c = p->capabilities;
    for (char **cap = o->caps; *cap; cap++) {
      if (rr_cap_from_name(*cap) < 0) {
        rr_fail(err, RR_ERR_INVALID, 0, "--cap: unknown capability `%s`", *cap);
        oci_process_free(p);
        return NULL;
      }
      char ***sets[] = {&c->bounding, &c->effective, &c->permitted};
      size_t *lens[] = {&c->bounding_len, &c->effective_len, &c->permitted_len};
      for (int k = 0; k < 3; k++) {
        size_t n = *lens[k];
        *sets[k] = rr_xrealloc(*sets[k], (n + 2) * sizeof(char *));
        (*sets[k])[n] = rr_xstrdup(*cap);
        (*sets[k])[n + 1] = NULL;
        *lens[k] = n + 1;
      }
    }
  }
  if (o->apparmor != NULL) {
    free(p->apparmor_profile);
    p->apparmor_profile = rr_xstrdup(o->apparmor);
  }
  if (o->process_label != NULL) {
    free(p->selinux_label);
    p->selinux_label = rr_xstrdup(o->process_label);
  }
  if (o->no_new_privs) {
    p->no_new_privileges = true;
    p->no_new_privileges_present = true;
  }
  rr_process_warn_caps(p, source, prefix);
  if (rr_spec_validate_process(p, source, prefix, err) < 0 ||
      (rr_process_limits_validate(p, prefix, err) < 0 && rr_wrap(err, "%s", source) < 0)) {
    oci_process_free(p);
    return NULL;
  }
  return p;
}

int rr_container_exec(const struct rr_runtime *rt, const struct rr_exec_opts *o, int *status,
                      struct rr_error **err)
{
  *status = 0;
  struct rr_cdir *d = NULL;
  struct rr_state *st = NULL;
  /* shared: concurrent execs are fine, a delete (exclusive) waits for us */
  if (rr_container_load(rt, o->id, LOCK_SH, &d, &st, err) < 0)
    return -1;
  int r = -1;
  oci_config *cfg = NULL;
  oci_process *p = NULL;
  struct rr_seccomp *sc = NULL;
  int nsfds[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
  int sync[2] = {-1, -1}, console = -1, cgfd = -1, pidfd = -1, pty = -1;
  pid_t pid = -1;
  sigset_t set, old;
  bool blocked = false;
  char *sj = NULL;

  enum rr_status s = rr_container_status(d, st);
  if (st == NULL || s == RR_STATUS_STOPPED || s == RR_STATUS_CREATING) {
    rr_fail(err, RR_ERR_STATE, 0, "cannot exec in a stopped container");
    goto out;
  }
  if (s == RR_STATUS_PAUSED && !o->ignore_paused) {
    rr_fail(err, RR_ERR_STATE, 0, "cannot exec in a paused container (use --ignore-paused)");
    goto out;
  }
  cfg = rr_container_frozen_config(d, err);
  if (cfg == NULL || (p = build_process(o, cfg, err)) == NULL)
    goto out;
  bool terminal = p->terminal_present && p->terminal;
  if (terminal && o->detach && o->console_socket == NULL) {
    rr_fail(err, RR_ERR_INVALID, 0, "--tty with --detach needs --console-socket");
    goto out;
  }
  if (!terminal && o->console_socket != NULL) {
    rr_fail(err, RR_ERR_INVALID, 0, "--console-socket given but the process has no terminal");
    goto out;
  }
  for (int fd = 3; fd < 3 + o->preserve_fds; fd++)
    if (fcntl(fd, F_GETFD) < 0) {
      rr_fail(err, RR_ERR_INVALID, EBADF, "--preserve-fds: fd %d is not open", fd);
      goto out;
    }
  if (rr_lsm_check(p->apparmor_profile, p->selinux_label, NULL, err) < 0 ||
      rr_smack_prepare(cfg, err) < 0)
    goto out;
  if (cfg->linux != NULL && cfg->linux->seccomp != NULL &&
      rr_seccomp_prepare(cfg->linux->seccomp, rt->root, &sc, err) < 0)
    goto out;
  if (o->console_socket != NULL && (console = rr_term_connect_socket(o->console_socket, err)) < 0)
    goto out;
  if (rr_ns_open_of_pid(st->pid, nsfds, err) < 0) {
    /* until start, the init is the runtime, not dumpable (docs/security.md) */
    if (s == RR_STATUS_CREATED && (*err)->errnum == EACCES)
      rr_wrap(err, "exec into a created container needs CAP_SYS_PTRACE");
    goto out;
  }
  /* the namespaces must still be those of the recorded process */
  if (!rr_state_pid_alive(st)) {
    rr_fail(err, RR_ERR_STATE, ESRCH, "container not running");
    goto out;
  }
  if (st->cgroup_path != NULL) {
    cgfd = open(st->cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgfd < 0) {
      rr_fail_errno(err, "open cgroup `%s`", st->cgroup_path);
      goto out;
    }
  }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
    rr_fail_errno(err, "sync socketpair");
    goto out;
  }
  /* The child is born non-dumpable (below), so its /proc/self/oom_score_adj
   * belongs to root: a runtime without root could not write it there. We
   * write ours, while still dumpable, and the child inherits it. */
  if (rr_proc_set_oom_score_adj(p, err) < 0)
    goto out;
  p->oom_score_adj_present = false;
  if (rr_ns_join_for_children(nsfds, err) < 0)
    goto out;
  if (!o->detach) {
    rr_relay_sigset(&set);
    sigprocmask(SIG_BLOCK, &set, &old);
    blocked = true;
  }
  struct rr_child child = {
      .cfg = cfg,
      .proc = p,
      .seccomp = sc,
      .id = o->id,
      .sync_fd = sync[1],
      .fifo_fd = -1,
      .keep_fds = o->preserve_fds,
      .close_fds = {d->fd, d->root_fd, sync[0], -1},
      .wait_go = true,
      .join_fds = nsfds,
      /* born in the container's pid namespace (and, rootless, its user
       * namespace): never reachable by its processes, whatever our uid */
      .undumpable = true,
  };
  struct rr_clone_req req = {
      .clone_parent = false, .cgroup_fd = cgfd, .undumpable = child.undumpable};
  struct rr_clone_res res;
  pid = rr_clone(&req, &res, err);
  if (pid < 0)
    goto out;
  if (pid == 0)
    rr_child_main(&child);
  pidfd = res.pidfd;
  close(sync[1]);
  sync[1] = -1;
  if (cgfd >= 0 && !res.in_cgroup) {
    _cleanup_free_ char *procs = rr_xasprintf("%s/cgroup.procs", st->cgroup_path);
    FILE *f = fopen(procs, "we");
    if (f == NULL || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) != 0) {
      rr_fail_errno(err, "join cgroup `%s`", st->cgroup_path);
      goto kill;
    }
  }
  sj = rr_container_state_json(st, s);
  if (rr_msg_send(sync[0], RR_MSG_GO, 0, sj, strlen(sj), -1, err) < 0)
    goto kill;
  for (;;) {
    struct rr_msg m;
    if (rr_msg_recv(sync[0], &m, err) < 0) {
      rr_error_clear(err);
      rr_fail(err, RR_ERR_SYSTEM, 0, "exec process exited during setup");
      goto kill;
    }
    if (m.type == RR_MSG_LOG) {
      rr_log_write(m.arg >= 0 && m.arg <= RR_LOG_DEBUG ? (enum rr_log_level)m.arg : RR_LOG_INFO,
                   m.data);
    } else if (m.type == RR_MSG_ERROR) {
      rr_fail(err, m.arg != 0 ? RR_ERR_SYSTEM : RR_ERR_INVALID, m.arg, "%s", m.data);
      rr_msg_clear(&m);
      goto kill;
    } else if (m.type == RR_MSG_TERMINAL) {
      if (console >= 0) {
        if (rr_term_send_master(console, m.fd, m.data, err) < 0) {
          rr_msg_clear(&m);
          goto kill;
        }
      } else {
        pty = steal_fd(m.fd);
      }
    } else if (m.type == RR_MSG_READY) {
      rr_msg_clear(&m);
      break;
    }
    rr_msg_clear(&m);
  }
  if (o->pid_file != NULL) {
    _cleanup_free_ char *tmp = rr_xasprintf("%s.tmp.%d", o->pid_file, (int)getpid());
    FILE *f = fopen(tmp, "we");
    if (f == NULL || fprintf(f, "%d", (int)pid) < 0 || fclose(f) != 0 ||
        rename(tmp, o->pid_file) < 0) {
      rr_fail_errno(err, "--pid-file `%s`", o->pid_file);
      unlink(tmp);
      goto kill;
    }
  }
  r = 0;
  if (!o->detach) {
    /* others may delete or kill the container while we relay */
    flock(d->fd, LOCK_UN);
    *status = rr_container_wait_relay(pid, pidfd, pty, &set);
  }
  goto out;

kill:
  if (pidfd >= 0)
    rr_pidfd_signal(pidfd, SIGKILL);
  else
    kill(pid, SIGKILL);
  if (!o->detach)
    waitpid(pid, NULL, 0);
out:
  free(sj);
  if (blocked)
    sigprocmask(SIG_SETMASK, &old, NULL);
  rr_ns_close_all(nsfds);
  for (int i = 0; i < 2; i++)
    if (sync[i] >= 0)
      close(sync[i]);
  if (console >= 0)
    close(console);
  if (cgfd >= 0)
    close(cgfd);
  if (pidfd >= 0)
    close(pidfd);
  if (pty >= 0)
    close(pty);
  if (sc != NULL)
    rr_seccomp_free(sc);
  oci_process_free(p);
  oci_config_free(cfg);
  rr_state_free(st);
  rr_cdir_free(d);
  return r;
}
