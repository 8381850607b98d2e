/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup.h"
#include "libredrun/os/container/control.h"
#include "libredrun/os/container/internal.h"

extern char **environ;

/* ps(1)'s output filtered to the header and the lines whose PID column is one
 * of the container's: runc's `ps` table. */
static int ps_table(const pid_t *pids, size_t n, char *const *ps_args, FILE *out,
                    struct rr_error **err)
{
  size_t nargs = 0;
  while (ps_args && ps_args[nargs])
    nargs++;
  _cleanup_free_ char **argv = rr_xcalloc(nargs + 3, sizeof(char *));
  argv[0] = "ps";
  if (nargs == 0)
    argv[1] = "-ef";
  for (size_t i = 0; i < nargs; i++)
    argv[i + 1] = ps_args[i];
  int pfd[2];
  if (pipe2(pfd, O_CLOEXEC) < 0)
    return rr_fail_errno(err, "pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
  pid_t child;
  int r = posix_spawnp(&child, "ps", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pfd[1]);
  if (r != 0) {
    close(pfd[0]);
    return rr_fail_errnum(err, r, "run `ps`");
  }
  FILE *in = fdopen(pfd[0], "r");
  char *line = NULL;
  size_t cap = 0;
  int col = -1;
  while (in && getline(&line, &cap, in) > 0) {
    /* the header names the PID column */
    if (col < 0) {
      int c = 0;
      for (char *tok = line; *tok;) {
        tok += strspn(tok, " \t\n");
        size_t l = strcspn(tok, " \t\n");
        if (l == 3 && strncmp(tok, "PID", 3) == 0)
          col = c;
        tok += l;
        c++;
      }
      fputs(line, out);
      if (col < 0)
        break;
      continue;
    }
    char *tok = line;
    for (int c = 0; c < col && *tok; c++) {
      tok += strspn(tok, " \t\n");
      tok += strcspn(tok, " \t");
    }
    long pid = strtol(tok, NULL, 10);
    for (size_t i = 0; i < n; i++)
      if (pids[i] == pid) {
        fputs(line, out);
        break;
      }
  }
  free(line);
  if (in)
    fclose(in);
  else
    close(pfd[0]);
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  if (col < 0)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "ps: no PID column in its output");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "ps exited with status %d", WEXITSTATUS(status));
  return 0;
}

int rr_container_ps(const struct rr_runtime *rt, const char *id, const char *format,
                    char *const *ps_args, FILE *out, struct rr_error **err)
{
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return rr_fail(err, RR_ERR_INVALID, 0, "ps: unknown format `%s` (table or json)", format);
  _cleanup_free_ char *path = rr_container_live_cgroup(rt, id, "no process list", err);
  if (path == NULL)
    return -1;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (rr_cgroup_pids(path, &pids, &n, err) < 0)
    return -1;
  if (strcmp(format, "json") == 0) {
    struct rr_json g;
    rr_json_init(&g, false);
    rr_json_open_array(&g, NULL);
    for (size_t i = 0; i < n; i++)
      rr_json_add_int(&g, NULL, pids[i]);
    rr_json_close(&g);
    _cleanup_free_ char *text = rr_json_finish(&g);
    fprintf(out, "%s\n", text);
    return 0;
  }
  return ps_table(pids, n, ps_args, out, err);
}
