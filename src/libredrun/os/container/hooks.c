/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/util.h"
#include "libredrun/os/container/hooks.h"
#include "libredrun/os/proc/clone.h"
#include "libredrun/os/proc/fds.h"

static const char *const kind_names[] = {"prestart",       "createRuntime", "createContainer",
                                         "startContainer", "poststart",     "poststop"};

const char *rr_hook_kind_name(enum rr_hook_kind kind)
{
  return (size_t)kind < RR_ARRAY_SIZE(kind_names) ? kind_names[kind] : "?";
}

static oci_hook **hook_list(const oci_hooks *h, enum rr_hook_kind kind, size_t *n)
{
  *n = 0;
  if (h == NULL)
    return NULL;
  switch (kind) {
  case RR_HOOK_PRESTART:
    *n = h->prestart_len;
    return h->prestart;
  case RR_HOOK_CREATE_RUNTIME:
    *n = h->create_runtime_len;
    return h->create_runtime;
  case RR_HOOK_CREATE_CONTAINER:
    *n = h->create_container_len;
    return h->create_container;
  case RR_HOOK_START_CONTAINER:
    *n = h->start_container_len;
    return h->start_container;
  case RR_HOOK_POSTSTART:
    *n = h->poststart_len;
    return h->poststart;
  case RR_HOOK_POSTSTOP:
    *n = h->poststop_len;
    return h->poststop;
  }
  return NULL;
}

int rr_hooks_count(const oci_hooks *hooks, enum rr_hook_kind kind)
{
  size_t n;
  hook_list(hooks, kind, &n);
  return (int)n;
}

static void __attribute__((noreturn)) hook_child(const oci_hook *h, int in_fd)
{
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  for (int s = 1; s < NSIG; s++)
    signal(s, SIG_DFL);
  if (dup2(in_fd, STDIN_FILENO) < 0)
    _exit(127);
  /* the state on stdin, our stdout and stderr: nothing our caller leaked to
   * us, nor the container's --preserve-fds */
  rr_fds_cloexec_from(3);
  char *fallback[] = {h->path, NULL};
  char *noenv[] = {NULL};
  char **argv = h->args_len > 0 ? h->args : fallback;
  char **envp = h->env_len > 0 ? h->env : noenv;
  execve(h->path, argv, envp);
  _exit(127);
}

static int run_one(const oci_hook *h, const char *what, const char *state_json,
                   struct rr_error **err)
{
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0)
    return rr_fail_errno(err, "%s: pipe", what);
  pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    return rr_fail_errno(err, "%s: fork", what);
  }
  if (pid == 0)
    hook_child(h, p[0]);
  close(p[0]);
  /* a hook that ignores its stdin must not kill us with SIGPIPE */
  struct sigaction ign = {.sa_handler = SIG_IGN}, old;
  sigaction(SIGPIPE, &ign, &old);
  /* a hook may exit without reading: its status tells, not this write */
  (void)rr_write_all(p[1], state_json, strlen(state_json));
  close(p[1]);
  /* a blocked SIGPIPE (run blocks every signal to relay them) stays pending
   * even while ignored: consume it before the default action comes back */
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  struct timespec zero = {0, 0};
  while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
    ;
  sigaction(SIGPIPE, &old, NULL);

  if (h->timeout_present && h->timeout > 0) {
    _cleanup_close_ int pidfd = rr_pidfd_open(pid);
    if (pidfd >= 0) {
      struct pollfd pf = {.fd = pidfd, .events = POLLIN};
      int r;
      do
        r = poll(&pf, 1, h->timeout * 1000);
      while (r < 0 && errno == EINTR);
      if (r == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return rr_fail(err, RR_ERR_SYSTEM, ETIMEDOUT, "%s: timed out after %d s", what, h->timeout);
      }
    }
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return rr_fail_errno(err, "%s: wait", what);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && access(h->path, X_OK) < 0)
    return rr_fail_errno(err, "%s", what);
  if (WIFEXITED(status))
    return rr_fail(err, RR_ERR_SYSTEM, 0, "%s: exited with status %d", what, WEXITSTATUS(status));
  return rr_fail(err, RR_ERR_SYSTEM, 0, "%s: killed by signal %d", what, WTERMSIG(status));
}

int rr_hooks_run(const oci_hooks *hooks, enum rr_hook_kind kind, const char *state_json,
                 struct rr_error **err)
{
  size_t n;
  oci_hook **list = hook_list(hooks, kind, &n);
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *what =
        rr_xasprintf("hook %s[%zu] `%s`", kind_names[kind], i, list[i]->path);
    rr_debug("running %s", what);
    if (run_one(list[i], what, state_json, err) < 0)
      return -1;
  }
  return 0;
}

void rr_hooks_run_warn(const oci_hooks *hooks, enum rr_hook_kind kind, const char *state_json)
{
  size_t n;
  oci_hook **list = hook_list(hooks, kind, &n);
  for (size_t i = 0; i < n; i++) {
    _cleanup_free_ char *what =
        rr_xasprintf("hook %s[%zu] `%s`", kind_names[kind], i, list[i]->path);
    _cleanup_error_ struct rr_error *e = NULL;
    if (run_one(list[i], what, state_json, &e) < 0)
      rr_warn("%s", e->msg);
  }
}
