/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/state/state.h"

int rr_proc_stat(pid_t pid, unsigned long long *start_time, char *state, struct rr_error **err)
{
  char path[64], buf[1024];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rr_fail_errno(err, "open `%s`", path);
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  if (n <= 0)
    return rr_fail_errno(err, "read `%s`", path);
  buf[n] = '\0';
  /* comm (field 2) may itself contain spaces and parentheses: skip to the last ')' */
  char *p = strrchr(buf, ')');
  if (p == NULL || p[1] != ' ')
    return rr_fail(err, RR_ERR_SYSTEM, 0, "`%s`: unexpected format", path);
  p += 2;
  if (state != NULL)
    *state = *p;
  /* p is at field 3; start time is field 22 */
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (p == NULL)
      return rr_fail(err, RR_ERR_SYSTEM, 0, "`%s`: unexpected format", path);
    p++;
  }
  if (start_time != NULL)
    *start_time = strtoull(p, NULL, 10);
  return 0;
}

char *rr_boot_id(void)
{
  char buf[64];
  _cleanup_close_ int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  return rr_xstrdup(buf);
}

bool rr_state_pid_alive(const struct rr_state *st)
{
  if (st->pid <= 0)
    return false;
  if (st->boot_id != NULL) {
    _cleanup_free_ char *boot = rr_boot_id();
    if (boot != NULL && strcmp(boot, st->boot_id) != 0)
      return false; /* state from before a reboot: the pid means nothing now */
  }
  unsigned long long start;
  char letter;
  if (rr_proc_stat(st->pid, &start, &letter, NULL) < 0)
    return false;
  if (start != st->start_time)
    return false; /* the pid was reused by another process */
  return letter != 'Z' && letter != 'X';
}

enum rr_status rr_state_status(const struct rr_cdir *d, const struct rr_state *st)
{
  if (!rr_state_pid_alive(st))
    return RR_STATUS_STOPPED;
  if (faccessat(d->fd, RR_STATE_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return RR_STATUS_CREATED;
  return RR_STATUS_RUNNING;
}

const char *rr_status_name(enum rr_status s)
{
  switch (s) {
  case RR_STATUS_CREATING:
    return "creating";
  case RR_STATUS_CREATED:
    return "created";
  case RR_STATUS_RUNNING:
    return "running";
  case RR_STATUS_PAUSED:
    return "paused";
  case RR_STATUS_STOPPED:
  default:
    return "stopped";
  }
}

void rr_state_to_json(struct rr_json *g, const char *key, const struct rr_state *st,
                      enum rr_status status, bool keep_pid)
{
  rr_json_open_object(g, key);
  rr_json_add_string(g, "ociVersion", RR_OCI_VERSION);
  rr_json_add_string(g, "id", st->id);
  /* runc reports pid 0 once the process is gone; so do we */
  rr_json_add_int(g, "pid", status == RR_STATUS_STOPPED && !keep_pid ? 0 : st->pid);
  rr_json_add_string(g, "status", rr_status_name(status));
  rr_json_add_string(g, "bundle", st->bundle);
  if (st->rootfs != NULL)
    rr_json_add_string(g, "rootfs", st->rootfs);
  if (st->created != NULL)
    rr_json_add_string(g, "created", st->created);
  rr_json_add_string(g, "owner", "");
  if (st->annotations != NULL && st->annotations->len > 0)
    rr_json_add_string_map(g, "annotations", st->annotations);
  rr_json_close(g);
}
