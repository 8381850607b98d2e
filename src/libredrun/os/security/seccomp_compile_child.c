/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libseccomp compilation in a child process with a deadline: libseccomp 2.5.4
 * never returns from seccomp_rule_add() for some pairs of two-argument rules
 * on one syscall, and a runtime must fail rather than hang on a config.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/tables/signals.h"
#include "libredrun/core/util.h"
#include "libredrun/os/security/seccomp_internal.h"

/* Podman's profile compiles in 13-15 ms on a loaded 2-core VM: a bound far
 * above any real section, short enough that a stuck create is visible. */
#define RR_SECCOMP_COMPILE_TIMEOUT_MS 10000
#define RR_SECCOMP_COMPILE_TIMEOUT_ENV "REDRUN_SECCOMP_COMPILE_TIMEOUT_MS"

/* The child's reply: this header, then `n` instructions (ok) or a `len`-byte
 * error message (not ok). */
struct reply_head {
  uint32_t ok;
  uint32_t kind;
  int32_t errnum;
  uint32_t len; /* instructions when ok, message bytes otherwise */
};

#define REPLY_MAX (sizeof(struct reply_head) + BPF_MAXINSNS * sizeof(struct sock_filter) + 65536)

static int compile_timeout_ms(void)
{
  const char *e = getenv(RR_SECCOMP_COMPILE_TIMEOUT_ENV);
  if (e == NULL || *e == '\0')
    return RR_SECCOMP_COMPILE_TIMEOUT_MS;
  char *end;
  errno = 0;
  long v = strtol(e, &end, 10);
  if (errno != 0 || *end != '\0' || v <= 0 || v > INT_MAX) {
    rr_warn("%s: `%s` is not a positive number of milliseconds, using %d",
            RR_SECCOMP_COMPILE_TIMEOUT_ENV, e, RR_SECCOMP_COMPILE_TIMEOUT_MS);
    return RR_SECCOMP_COMPILE_TIMEOUT_MS;
  }
  return (int)v;
}

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static __attribute__((noreturn)) void child_run(int fd, pid_t parent, const oci_seccomp *s,
                                                enum rr_seccomp_shape shape)
{
  /* A runtime killed while the child spins must not leave it spinning. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
    _exit(3);
  struct rr_error *e = NULL;
  struct sock_filter *insns = NULL;
  size_t n = 0;
  struct reply_head h = {0};
  const void *body;
  size_t body_len;
  if (rr_seccomp_compile(s, shape, &insns, &n, &e) == 0) {
    h.ok = 1;
    h.len = (uint32_t)n;
    body = insns;
    body_len = n * sizeof(*insns);
  } else {
    const char *msg = e ? e->msg : "seccomp: compile failed";
    h.kind = e ? (uint32_t)e->kind : RR_ERR_SYSTEM;
    h.errnum = e ? e->errnum : 0;
    body_len = strnlen(msg, 65535);
    h.len = (uint32_t)body_len;
    body = msg;
  }
  if (rr_write_all(fd, &h, sizeof(h)) < 0 || rr_write_all(fd, body, body_len) < 0)
    _exit(2);
  _exit(0);
}

/* Read the reply until EOF or the deadline: 1 at EOF, 0 on timeout, -1 on a
 * read error or an oversized reply. */
static int read_reply(int fd, int timeout_ms, unsigned char **out, size_t *len,
                      struct rr_error **err)
{
  int64_t deadline = now_ms() + timeout_ms;
  size_t cap = 4096, used = 0;
  _cleanup_free_ unsigned char *buf = rr_xmalloc(cap);
  for (;;) {
    int64_t left = deadline - now_ms();
    if (left <= 0)
      return 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, (int)left);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return rr_fail_errno(err, ".linux.seccomp: wait for the compiler process");
    if (r == 0)
      continue; /* the loop's clock decides */
    if (used == cap) {
      if (cap >= REPLY_MAX)
        return rr_fail(err, RR_ERR_SYSTEM, 0,
                       ".linux.seccomp: the compiler process sent more than %zu bytes",
                       (size_t)REPLY_MAX);
      cap *= 2;
      buf = rr_xrealloc(buf, cap);
    }
    ssize_t got = read(fd, buf + used, cap - used);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (got < 0)
      return rr_fail_errno(err, ".linux.seccomp: read from the compiler process");
    if (got == 0)
      break;
    used += (size_t)got;
  }
  *out = steal_ptr(buf);
  *len = used;
  return 1;
}

static int reap(pid_t pid, int *status)
{
  while (waitpid(pid, status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

static int parse_reply(const unsigned char *buf, size_t len, struct sock_filter **insns, size_t *n,
                       struct rr_error **err)
{
  struct reply_head h;
  if (len < sizeof(h))
    return rr_fail(err, RR_ERR_SYSTEM, 0, ".linux.seccomp: the compiler process sent no result");
  memcpy(&h, buf, sizeof(h));
  const unsigned char *body = buf + sizeof(h);
  size_t body_len = len - sizeof(h);
  if (h.ok) {
    if (h.len == 0 || h.len > BPF_MAXINSNS || body_len != h.len * sizeof(struct sock_filter))
      return rr_fail(err, RR_ERR_SYSTEM, 0,
                     ".linux.seccomp: the compiler process sent a malformed program");
    *insns = rr_xmalloc(body_len);
    memcpy(*insns, body, body_len);
    *n = h.len;
    return 0;
  }
  if (body_len != h.len || h.kind < RR_ERR_INVALID || h.kind > RR_ERR_SYSTEM)
    return rr_fail(err, RR_ERR_SYSTEM, 0,
                   ".linux.seccomp: the compiler process sent a malformed error");
  /* The child's message, unchanged. */
  return rr_fail(err, (enum rr_error_kind)h.kind, h.errnum, "%.*s", (int)body_len,
                 (const char *)body);
}

int rr_seccomp_compile_bounded(const oci_seccomp *s, enum rr_seccomp_shape shape,
                               struct sock_filter **insns, size_t *n, struct rr_error **err)
{
  int timeout_ms = compile_timeout_ms();
  /* Load a shared libseccomp here (the default build opens it on first use):
   * the child inherits it, and the cache store that follows in this process
   * names the library that compiled the entry. */
  (void)seccomp_version();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return rr_fail_errno(err, ".linux.seccomp: pipe for the compiler process");
  _cleanup_close_ int rd = fds[0];
  _cleanup_close_ int wr = fds[1];
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0)
    return rr_fail_errno(err, ".linux.seccomp: fork the compiler process");
  if (pid == 0) {
    close(rd);
    child_run(wr, parent, s, shape);
  }
  close(steal_fd(wr));

  _cleanup_free_ unsigned char *buf = NULL;
  size_t len = 0;
  int r = read_reply(rd, timeout_ms, &buf, &len, err);
  if (r <= 0)
    (void)kill(pid, SIGKILL);
  int status = 0;
  /* ECHILD when SIGCHLD is ignored: the child is gone and its reply decides. */
  bool reaped = reap(pid, &status) == 0;
  if (r < 0)
    return -1;
  if (r == 0) {
    if (timeout_ms % 1000 == 0)
      return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                     ".linux.seccomp: libseccomp did not finish compiling the filter in %d s (a "
                     "known libseccomp 2.5.x defect with two-argument rules on one syscall)",
                     timeout_ms / 1000);
    return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                   ".linux.seccomp: libseccomp did not finish compiling the filter in %d ms (a "
                   "known libseccomp 2.5.x defect with two-argument rules on one syscall)",
                   timeout_ms);
  }
  if (reaped && WIFSIGNALED(status)) {
    const char *name = rr_signal_name(WTERMSIG(status));
    return rr_fail(err, RR_ERR_SYSTEM, 0,
                   ".linux.seccomp: the libseccomp compiler process was killed by %s%s%d%s",
                   name ? name : "signal ", name ? " (" : "", WTERMSIG(status), name ? ")" : "");
  }
  if (reaped && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
    return rr_fail(err, RR_ERR_SYSTEM, 0,
                   ".linux.seccomp: the libseccomp compiler process failed (exit status %d)",
                   WEXITSTATUS(status));
  return parse_reply(buf, len, insns, n, err);
}
