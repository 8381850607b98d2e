/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libredrun/core/json.h"
#include "libredrun/core/log.h"
#include "libredrun/core/util.h"

static struct {
  int fd; /* -1: stderr */
  bool json;
  enum rr_log_level max;
  rr_log_hook hook;
  void *hook_data;
} sink = {.fd = -1, .json = false, .max = RR_LOG_WARN};

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int rr_log_init(const char *path, bool json, enum rr_log_level max_level, struct rr_error **err)
{
  sink.json = json;
  sink.max = max_level;
  if (path == NULL || *path == '\0')
    return 0;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return rr_fail_errno(err, "open log file `%s`", path);
  if (sink.fd >= 0)
    close(sink.fd);
  sink.fd = fd;
  return 0;
}

void rr_log_set_hook(rr_log_hook hook, void *data)
{
  sink.hook = hook;
  sink.hook_data = data;
}

int rr_log_fd(void)
{
  return sink.fd;
}

bool rr_log_enabled(enum rr_log_level level)
{
  return level <= sink.max;
}

static void format_time(char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static void emit(int fd, bool json, enum rr_log_level level, const char *msg)
{
  char when[64];
  format_time(when, sizeof(when));
  if (json) {
    struct rr_json g;
    rr_json_init(&g, false);
    rr_json_open_object(&g, NULL);
    rr_json_add_string(&g, "level", level_names[level]);
    rr_json_add_string(&g, "msg", msg);
    rr_json_add_string(&g, "time", when);
    rr_json_close(&g);
    _cleanup_free_ char *s = rr_json_finish(&g);
    _cleanup_free_ char *line = rr_xasprintf("%s\n", s);
    (void)rr_write_all(fd, line, strlen(line));
    return;
  }
  _cleanup_free_ char *line = fd == STDERR_FILENO
                                  ? rr_xasprintf("redrun: %s\n", msg)
                                  : rr_xasprintf("%s %s: %s\n", when, level_names[level], msg);
  (void)rr_write_all(fd, line, strlen(line));
}

void rr_log_write(enum rr_log_level level, const char *msg)
{
  if (!rr_log_enabled(level))
    return;
  if (sink.hook != NULL) {
    sink.hook(level, msg, sink.hook_data);
    return;
  }
  if (sink.fd >= 0)
    emit(sink.fd, sink.json, level, msg);
  else
    emit(STDERR_FILENO, sink.json, level, msg);
}

void rr_log(enum rr_log_level level, const char *fmt, ...)
{
  if (!rr_log_enabled(level))
    return;
  int saved = errno;
  char *msg = NULL;
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&msg, fmt, ap);
  va_end(ap);
  if (r >= 0) {
    rr_log_write(level, msg);
    free(msg);
  }
  errno = saved;
}

void rr_log_error_final(const char *prog, const struct rr_error *err)
{
  const char *msg = err && err->msg ? err->msg : "unknown error";
  if (sink.fd >= 0) {
    emit(sink.fd, sink.json, RR_LOG_ERROR, msg);
    _cleanup_free_ char *line = rr_xasprintf("%s: %s\n", prog, msg);
    (void)rr_write_all(STDERR_FILENO, line, strlen(line));
  } else if (sink.json) {
    emit(STDERR_FILENO, true, RR_LOG_ERROR, msg);
  } else {
    _cleanup_free_ char *line = rr_xasprintf("%s: %s\n", prog, msg);
    (void)rr_write_all(STDERR_FILENO, line, strlen(line));
  }
}
