/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/container/hooks.h"
#include "libredrun/os/proc/child.h"
#include "libredrun/os/proc/fds.h"
#include "libredrun/os/proc/parent_death.h"
#include "libredrun/os/proc/redpak_locks.h"
#include "libredrun/os/proc/identity.h"
#include "libredrun/os/proc/sync.h"
#include "libredrun/os/proc/terminal.h"
#include "libredrun/os/security/lsm.h"
#include "libredrun/os/security/smack.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

static const char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct child_run {
  struct rr_child *c;
  char *state_json;
  bool released; /* past the exec fifo: the parent no longer listens */
  bool netns_joined;
};

static void forward_log(enum rr_log_level level, const char *msg, void *data)
{
  struct child_run *r = data;
  if (rr_msg_send(r->c->sync_fd, RR_MSG_LOG, (int32_t)level, msg, strlen(msg), -1, NULL) < 0) {
  }
}

static void __attribute__((noreturn))
child_fail(struct child_run *r, struct rr_error *err, int code)
{
  if (!r->released) {
    if (rr_msg_send(r->c->sync_fd, RR_MSG_ERROR, err->errnum, err->msg, strlen(err->msg), -1,
                    NULL) < 0) {
    }
  } else {
    rr_log_set_hook(NULL, NULL);
    rr_log(RR_LOG_ERROR, "%s", err->msg);
  }
  _exit(code);
}

/* A late network namespace (rr_child.late_netns): the parent's first message
 * brings it. Joined before anything that depends on it: sysfs, a seccomp
 * listener, hooks, sysctl, the container process. */
static int join_netns(void *data, struct rr_error **err)
{
  struct child_run *r = data;
  if (!r->c->late_netns || r->netns_joined)
    return 0;
  struct rr_msg m;
  if (rr_msg_recv(r->c->sync_fd, &m, err) < 0)
    return -1;
  int fd = m.fd;
  bool ok = m.type == RR_MSG_NETNS && fd >= 0;
  m.fd = -1;
  rr_msg_clear(&m);
  if (!ok) {
    if (fd >= 0)
      close(fd);
    return rr_fail(err, RR_ERR_SYSTEM, 0, "no network namespace from the runtime");
  }
  int rc = setns(fd, CLONE_NEWNET);
  close(fd);
  if (rc < 0)
    return rr_fail_errno(err, "join the new network namespace");
  r->netns_joined = true;
  return 0;
}

static int before_pivot(void *data, struct rr_error **err)
{
  struct child_run *r = data;
  if (join_netns(r, err) < 0)
    return -1;
  const oci_hooks *h = r->c->cfg->hooks;
  if (rr_hooks_count(h, RR_HOOK_PRESTART) + rr_hooks_count(h, RR_HOOK_CREATE_RUNTIME) > 0) {
    /* these run in the runtime's namespaces: ask the parent */
    if (rr_msg_send(r->c->sync_fd, RR_MSG_HOOKS, 0, NULL, 0, -1, err) < 0)
      return -1;
    struct rr_msg m;
    if (rr_msg_recv(r->c->sync_fd, &m, err) < 0)
      return -1;
    bool ok = m.type == RR_MSG_HOOKS_DONE;
    rr_msg_clear(&m);
    if (!ok)
      return rr_fail(err, RR_ERR_SYSTEM, 0, "runtime hooks failed");
  }
  return rr_hooks_run(h, RR_HOOK_CREATE_CONTAINER, r->state_json ? r->state_json : "{}", err);
}

static const char *env_get(char **env, size_t n, const char *key)
{
  size_t k = strlen(key);
  for (size_t i = 0; i < n; i++)
    if (strncmp(env[i], key, k) == 0 && env[i][k] == '=')
      return env[i] + k + 1;
  return NULL;
}

/* Resolve process.args[0] like execvp would, in the container's root, so a
 * missing binary is reported to create rather than lost after start. */
static char *resolve_exec(const oci_process *p, struct rr_error **err)
{
  if (p->args_len == 0 || p->args[0] == NULL || p->args[0][0] == '\0') {
    rr_fail(err, RR_ERR_INVALID, 0, "config.json: .process.args: must not be empty");
    return NULL;
  }
  const char *a = p->args[0];
  struct stat sb;
  if (strchr(a, '/') != NULL) {
    if (stat(a, &sb) < 0) {
      rr_fail_errno(err, "exec: `%s`", a);
      return NULL;
    }
    if (S_ISDIR(sb.st_mode)) {
      rr_fail_errnum(err, EACCES, "exec: `%s`: is a directory", a);
      return NULL;
    }
    /* like execvp's lookup: a file without execute permission fails here, at
     * create, where engines map "permission denied" to status 126 */
    if (!S_ISREG(sb.st_mode) || access(a, X_OK) < 0) {
      rr_fail_errnum(err, EACCES, "exec: `%s`", a);
      return NULL;
    }
    return rr_xstrdup(a);
  }
  const char *path = env_get(p->env, p->env_len, "PATH");
  _cleanup_free_ char *dirs = rr_xstrdup(path ? path : default_path);
  char *save = NULL;
  for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
    char *cand = rr_xasprintf("%s/%s", *d ? d : ".", a);
    if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) && access(cand, X_OK) == 0)
      return cand;
    free(cand);
  }
  rr_fail(err, RR_ERR_NOT_FOUND, ENOENT, "exec: `%s`: executable file not found in $PATH", a);
  return NULL;
}

static char **build_env(const oci_process *p, char **extra)
{
  size_t n = p->env_len, k = 0;
  for (char **e = extra; e && *e; e++)
    k++;
  char **env = rr_xcalloc(n + k + 1, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    env[i] = p->env[i];
  for (size_t i = 0; i < k; i++)
    env[n + i] = extra[i];
  return env;
}

static int prepare_fds(const struct rr_child *c, struct rr_error **err)
{
  for (int fd = 3; fd < 3 + c->keep_fds; fd++) {
    int fl = fcntl(fd, F_GETFD);
    if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
      return rr_fail_errno(err, "--preserve-fds: fd %d", fd);
  }
  /* no host fd reaches the container */
  rr_fds_cloexec_from(3 + c->keep_fds);
  return 0;
}

static int cmp_int(const void *a, const void *b)
{
  return *(const int *)a - *(const int *)b;
}

/* Close every fd from `from` up except those listed: before chdir(process.cwd)
 * nothing of the host may stay reachable through /proc/self/fd (CVE-2024-21626). */
static void close_fds_except(int from, int *keep, size_t n)
{
  qsort(keep, n, sizeof(int), cmp_int);
  unsigned int lo = (unsigned int)from;
  for (size_t i = 0; i < n; i++) {
    if (keep[i] < from)
      continue;
    if ((unsigned int)keep[i] > lo)
      syscall(SYS_close_range, lo, (unsigned int)keep[i] - 1, 0);
    lo = (unsigned int)keep[i] + 1;
  }
  syscall(SYS_close_range, lo, ~0U, 0);
}

static void reset_signals(void)
{
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal(s, SIG_DFL);
}

void rr_child_main(struct rr_child *c)
{
  struct child_run r = {.c = c};
  struct rr_error *err = NULL;
  const oci_process *p = c->proc;

  for (int i = 0; i < 4 && c->close_fds[i] >= 0; i++)
    close(c->close_fds[i]);
  reset_signals();
  rr_log_set_hook(forward_log, &r);
  bool die_with_parent = c->join_fds == NULL && rr_proc_wants_parent_death(c->cfg);
  if (die_with_parent && rr_proc_arm_parent_death(&err) < 0)
    child_fail(&r, err, 1);
  /* red-pak's Smack label covers the whole setup, as with redwrap */
  if (rr_smack_apply(c->cfg, &err) < 0)
    child_fail(&r, err, 1);

  if (c->wait_go) {
    struct rr_msg m;
    if (rr_msg_recv(c->sync_fd, &m, &err) < 0)
      _exit(1); /* the parent is gone: nobody to report to */
    if (m.type != RR_MSG_GO)
      _exit(1);
    r.state_json = steal_ptr(m.data);
    rr_msg_clear(&m);
  }
  /* Inherited by the container process; written while /proc/self is ours. */
  if (rr_proc_set_oom_score_adj(p, &err) < 0)
    child_fail(&r, err, 1);
  /* Non-dumpable until execve (docs/security.md); a root runtime clones us
   * so. Without root, the parent writes our id maps and we our time offsets
   * first: /proc files a non-dumpable process hands to root. No container
   * process can reach us before we enter our new namespaces. */
  bool late_undumpable = c->ns != NULL && !c->undumpable;
  if (!late_undumpable && rr_proc_set_undumpable(&err) < 0)
    child_fail(&r, err, 1);
  if (c->join_fds != NULL && rr_ns_child_join_all(c->join_fds, &err) < 0)
    child_fail(&r, err, 1);
  if (c->ns != NULL) {
    if (rr_ns_child_enter(c->ns, c->cfg, &err) < 0 ||
        (late_undumpable && rr_proc_set_undumpable(&err) < 0))
      child_fail(&r, err, 1);
    if ((c->ns->new_user || c->ns->join_fd[0] >= 0) &&
        (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
      rr_fail_errno(&err, "become root in the user namespace (is 0 mapped?)");
      child_fail(&r, err, 1);
    }
    if (rr_ns_child_join_mount(c->ns, &err) < 0 || rr_ns_child_set_names(c->cfg, &err) < 0)
      child_fail(&r, err, 1);
  }
  if (c->new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, c->id) < 0 &&
      errno != ENOSYS && errno != EPERM && errno != EACCES) {
    rr_fail_errno(&err, "join a new session keyring");
    child_fail(&r, err, 1);
  }
  int listener = -1;
  if (c->seccomp != NULL && rr_seccomp_wants_listener(c->seccomp)) {
    /* an abstract socket name belongs to the network namespace */
    if (join_netns(&r, &err) < 0)
      child_fail(&r, err, 1);
    listener = rr_seccomp_listener_connect(c->seccomp, &err);
    if (listener < 0)
      child_fail(&r, err, 1);
  }
  if (c->fs != NULL) {
    if (rr_fs_setup_root(c->fs, before_pivot, join_netns, &r, &err) < 0)
      child_fail(&r, err, 1);
  } else if (c->ns != NULL) {
    if (before_pivot(&r, &err) < 0)
      child_fail(&r, err, 1);
    if (c->rootfs != NULL && (chdir(c->rootfs) < 0 || chroot(".") < 0)) {
      rr_fail_errno(&err, "chroot `%s`", c->rootfs);
      child_fail(&r, err, 1);
    }
  }

  if (join_netns(&r, &err) < 0)
    child_fail(&r, err, 1);
  int keep[4] = {c->sync_fd, c->fifo_fd, listener, rr_log_fd()};
  close_fds_except(3 + c->keep_fds, keep, 4);
  /* red-pak Lock exports: opened in the root, once no host fd is left */
  struct rr_redpak_locks locks = {0};
  if (c->join_fds == NULL &&
      (rr_redpak_locks_parse(c->cfg, &locks, &err) < 0 || rr_redpak_locks_take(&locks, &err) < 0))
    child_fail(&r, err, 1);

  if (p->terminal_present && p->terminal) {
    int master, slave;
    _cleanup_free_ char *name = NULL;
    if (rr_term_open_pty(&master, &slave, &name, &err) < 0)
      child_fail(&r, err, 1);
    if (c->fs != NULL && rr_fs_setup_console(slave, &err) < 0)
      child_fail(&r, err, 1);
    if (rr_msg_send(c->sync_fd, RR_MSG_TERMINAL, 0, name, strlen(name), master, &err) < 0)
      child_fail(&r, err, 1);
    close(master);
    if (rr_term_become_console(slave, p->console_size, &err) < 0)
      child_fail(&r, err, 1);
    if (slave > 2)
      close(slave);
  } else if (setsid() < 0 && errno != EPERM) {
    rr_fail_errno(&err, "setsid");
    child_fail(&r, err, 1);
  }

  if (p->cwd != NULL && chdir(p->cwd) < 0) {
    rr_fail_errno(&err, "config.json: .process.cwd `%s`", p->cwd);
    child_fail(&r, err, 1);
  }
  if (rr_proc_set_rlimits(p, &err) < 0)
    child_fail(&r, err, 1);
  _cleanup_free_ char *exe = resolve_exec(p, &err);
  if (exe == NULL)
    child_fail(&r, err, 127);

  if (rr_msg_send(c->sync_fd, RR_MSG_READY, 0, NULL, 0, -1, &err) < 0)
    child_fail(&r, err, 1);
  if (c->fifo_fd >= 0) {
    char b;
    ssize_t n;
    do
      n = read(c->fifo_fd, &b, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
      _exit(1);
    close(c->fifo_fd);
  }
  r.released = true;
  rr_log_set_hook(NULL, NULL);

  if (c->join_fds == NULL && rr_hooks_run(c->cfg->hooks, RR_HOOK_START_CONTAINER,
                                          r.state_json ? r.state_json : "{}", &err) < 0)
    child_fail(&r, err, 1);
  if (rr_lsm_set_exec_label(p->apparmor_profile, p->selinux_label, &err) < 0)
    child_fail(&r, err, 1);
  if (prepare_fds(c, &err) < 0 || rr_redpak_locks_keep(&locks, &err) < 0 ||
      rr_proc_drop_bounding(p, &err) < 0)
    child_fail(&r, err, 1);
  bool nnp = p->no_new_privileges_present && p->no_new_privileges;
  /* Without no_new_privs the kernel loads a filter only with CAP_SYS_ADMIN:
   * install it before the identity change (see seccomp.h). */
  if (c->seccomp != NULL && !nnp &&
      rr_seccomp_install(c->seccomp, listener, r.state_json, &err) < 0)
    child_fail(&r, err, 1);
  bool in_userns = (c->ns != NULL && (c->ns->new_user || c->ns->join_fd[0] >= 0)) ||
                   (c->join_fds != NULL && c->join_fds[0] >= 0);
  if (rr_proc_set_user(p, in_userns, &err) < 0 || rr_proc_set_caps(p, &err) < 0 ||
      rr_proc_set_no_new_privs(p, &err) < 0)
    child_fail(&r, err, 1);
  /* the identity change cleared the parent-death signal: arm it again */
  if (die_with_parent && rr_proc_arm_parent_death(&err) < 0)
    child_fail(&r, err, 1);
  if (c->seccomp != NULL && nnp && rr_seccomp_install(c->seccomp, listener, r.state_json, &err) < 0)
    child_fail(&r, err, 1);
  char **env = build_env(p, c->extra_env);
  execve(exe, p->args, env);
  rr_fail_errno(&err, "exec: `%s`", exe);
  child_fail(&r, err, 127);
}
