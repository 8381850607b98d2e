/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test driver for the rootfs module alone: builds the plan from a bundle's
 * config.json, forks a child in new mount/pid (and the config's other
 * non-user) namespaces, sets up the root and execs process.args. It lets the
 * rootfs tests run without the rest of the runtime, and force the resolver's
 * fallback walk (--no-openat2).
 * With --userns the container also gets a user namespace mapping 0-65535 to
 * host ids 100000-165535 (devices are then bind-mounted, sysfs may fall back).
 * --terminal binds a pty slave of the container's devpts onto /dev/console;
 * --cgroup passes the container's cgroup path (the process is not moved);
 * --legacy-mount avoids open_tree/move_mount/mount_setattr/fsopen as on Linux < 5.2.
 *   fsrun [--no-pivot] [--no-openat2] [--userns] [--terminal] [--cgroup PATH] BUNDLE
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/tables/namespaces.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "libredrun/os/fs/resolve.h"
#include "libredrun/os/fs/rootfs.h"
#include "oci_types.h"

static int write_maps(pid_t pid)
{
  const char *files[] = {"uid_map", "gid_map"};
  for (int i = 0; i < 2; i++) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, files[i]);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0 100000 65536\n", 15) != 15) {
      perror(path);
      return -1;
    }
    close(fd);
  }
  return 0;
}

static int fail(struct rr_error *err)
{
  fprintf(stderr, "fsrun: %s\n", err ? err->msg : "unknown error");
  rr_error_free(err);
  return 125;
}

static bool terminal;

/* A pty from the container's own devpts, its slave bound onto /dev/console
 * (stdio is left alone: the tests only look at the mount). */
static int setup_console(struct rr_error **err)
{
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
    return rr_fail_errno(err, "open /dev/ptmx");
  int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return rr_fail_errno(err, "open the pty slave");
  return rr_fs_setup_console(slave, err);
}

/* In the container's namespaces: pid 1 of a new pid namespace when asked. */
static int run_child(oci_config *cfg, struct rr_fs_plan *plan, int flags)
{
  struct rr_error *err = NULL;
  if (unshare(flags) < 0) {
    perror("fsrun: unshare");
    return 125;
  }
  pid_t pid = fork();
  if (pid < 0)
    return 125;
  if (pid == 0) {
    if (rr_fs_setup_root(plan, NULL, NULL, NULL, &err) < 0)
      _exit(fail(err));
    if (terminal && setup_console(&err) < 0)
      _exit(fail(err));
    if (chdir(cfg->process->cwd ? cfg->process->cwd : "/") < 0) {
      perror("fsrun: chdir");
      _exit(125);
    }
    char *empty[] = {NULL};
    char **env = cfg->process->env ? cfg->process->env : empty;
    execvpe(cfg->process->args[0], cfg->process->args, env);
    fprintf(stderr, "fsrun: exec %s: %s\n", cfg->process->args[0], strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return 125;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
  struct rr_fs_opts opts = {0};
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--no-pivot") == 0)
      opts.no_pivot = true;
    else if (strcmp(argv[i], "--no-openat2") == 0)
      rr_fs_resolve_force_fallback(true);
    else if (strcmp(argv[i], "--legacy-mount") == 0)
      rr_fs_mount_force_legacy(true);
    else if (strcmp(argv[i], "--userns") == 0)
      opts.in_user_ns = true;
    else if (strcmp(argv[i], "--terminal") == 0)
      opts.terminal = true;
    else if (strcmp(argv[i], "--cgroup") == 0 && i + 1 < argc)
      opts.cgroup_path = argv[++i];
    else
      break;
  }
  if (i != argc - 1) {
    fprintf(stderr,
            "usage: fsrun [--no-pivot] [--no-openat2] [--legacy-mount] [--userns] [--terminal] "
            "[--cgroup PATH] "
            "BUNDLE\n");
    return 125;
  }
  const char *bundle = argv[i];
  struct rr_error *err = NULL;
  _cleanup_free_ char *cfgpath = rr_xasprintf("%s/config.json", bundle);
  oci_config *cfg = oci_config_parse_file(cfgpath, &err);
  if (cfg == NULL)
    return fail(err);
  if (cfg->process == NULL || cfg->process->args_len == 0) {
    fprintf(stderr, "fsrun: no process.args\n");
    return 125;
  }
  int flags = CLONE_NEWNS;
  for (size_t n = 0; cfg->linux && n < cfg->linux->namespaces_len; n++) {
    const struct rr_ns_info *ns = rr_ns_by_oci_name(cfg->linux->namespaces[n]->type);
    if (ns && ns->clone_flag != CLONE_NEWUSER && cfg->linux->namespaces[n]->path == NULL)
      flags |= ns->clone_flag;
  }
  terminal = opts.terminal;
  struct rr_fs_plan *plan = NULL;
  if (rr_fs_plan_new(cfg, bundle, &opts, &plan, &err) < 0)
    return fail(err);
  fflush(NULL);
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) < 0)
    return 125;
  pid_t pid = fork();
  if (pid < 0) {
    perror("fsrun: fork");
    return 125;
  }
  if (pid == 0) {
    close(sync[1]);
    char c;
    if (opts.in_user_ns && (unshare(CLONE_NEWUSER) < 0 || kill(getpid(), SIGSTOP) < 0))
      _exit(125);
    if (read(sync[0], &c, 1) != 0) /* parent done with the maps */
      _exit(125);
    /* become the namespace's root: host root itself is not mapped in it */
    if (opts.in_user_ns &&
        (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
      _exit(125);
    _exit(run_child(cfg, plan, flags));
  }
  close(sync[0]);
  if (opts.in_user_ns) {
    int st;
    if (waitpid(pid, &st, WUNTRACED) < 0 || !WIFSTOPPED(st) || write_maps(pid) < 0) {
      kill(pid, SIGKILL);
      return 125;
    }
    kill(pid, SIGCONT);
  }
  close(sync[1]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return 125;
  rr_fs_plan_free(plan);
  oci_config_free(cfg);
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
