/* SPDX-License-Identifier: Apache-2.0 */
/* Command substitution and Execfd exports run `bash -r -c CMD` (restricted
 * bash, as red-pak does) with rp2oci's environment; stdout is captured raw and
 * the exit status ignored, like redwrap. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "rp2oci/rp2oci.h"

#define RP_BASH "/usr/bin/bash"
#define CMD_OUTPUT_MAX (16u << 20)

int rp_cmd_run_bash(struct rp_arena *a, const char *cmd, char **out, size_t *outlen,
                    struct rr_error **err)
{
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0)
    return rr_fail_errno(err, "pipe");
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    return rr_fail_errno(err, "fork");
  }
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0)
      _exit(127);
    char *argv[] = {(char *)"bash", (char *)"-r", (char *)"-c", (char *)cmd, NULL};
    execv(RP_BASH, argv);
    _exit(127);
  }
  close(p[1]);
  struct rp_buf b = {0};
  char chunk[4096];
  int rc = 0;
  for (;;) {
    ssize_t n = read(p[0], chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = rr_fail_errno(err, "read command output");
      break;
    }
    if (n == 0)
      break;
    if (b.len + (size_t)n > CMD_OUTPUT_MAX) {
      rc = rr_fail(err, RR_ERR_INVALID, 0, "command output larger than %u bytes", CMD_OUTPUT_MAX);
      kill(pid, SIGKILL);
      break;
    }
    rp_buf_add(&b, chunk, (size_t)n);
  }
  close(p[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127 && access(RP_BASH, X_OK) != 0)
    rc = rr_fail(err, RR_ERR_UNSUPPORTED, ENOENT, "%s not found", RP_BASH);
  if (rc == 0) {
    *outlen = b.len;
    *out = rp_strndup(a, b.data ? b.data : "", b.len);
  }
  rp_buf_reset(&b);
  return rc;
}
