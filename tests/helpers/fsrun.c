/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test driver for the rootfs module alone: builds the plan from a bundle's
 * config.json, forks a child in new mount/pid (and the config's other
 * non-user) namespaces, sets up the root and execs process.args. It lets the
 * rootfs tests run without the rest of the runtime, and force the resolver's
 * fallback walk (--no-openat2).
 *   fsrun [--no-pivot] [--no-openat2] BUNDLE
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/tables/namespaces.h"
#include "libredrun/core/util.h"
#include "libredrun/os/fs/resolve.h"
#include "libredrun/os/fs/rootfs.h"
#include "oci_types.h"

static int fail(struct rr_error *err)
{
  fprintf(stderr, "fsrun: %s\n", err ? err->msg : "unknown error");
  rr_error_free(err);
  return 125;
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
    else
      break;
  }
  if (i != argc - 1) {
    fprintf(stderr, "usage: fsrun [--no-pivot] [--no-openat2] BUNDLE\n");
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
  opts.terminal = false;
  struct rr_fs_plan *plan = NULL;
  if (rr_fs_plan_new(cfg, bundle, &opts, &plan, &err) < 0)
    return fail(err);
  if ((flags & CLONE_NEWPID) && unshare(CLONE_NEWPID) < 0) {
    perror("fsrun: unshare pid");
    return 125;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fsrun: fork");
    return 125;
  }
  if (pid == 0) {
    if (unshare(flags & ~CLONE_NEWPID) < 0) {
      perror("fsrun: unshare");
      _exit(125);
    }
    if (rr_fs_setup_root(plan, NULL, NULL, &err) < 0)
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
  rr_fs_plan_free(plan);
  oci_config_free(cfg);
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
