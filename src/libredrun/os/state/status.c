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

json_object *rr_state_to_json(const struct rr_state *st, enum rr_status status)
{
  json_object *o = json_object_new_object();
  json_object_object_add(o, "ociVersion", json_object_new_string(RR_OCI_VERSION));
  json_object_object_add(o, "id", json_object_new_string(st->id));
  /* runc reports pid 0 once the process is gone; so do we */
  pid_t pid = status == RR_STATUS_STOPPED ? 0 : st->pid;
  json_object_object_add(o, "pid", json_object_new_int64(pid));
  json_object_object_add(o, "status", json_object_new_string(rr_status_name(status)));
  json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
  if (st->rootfs != NULL)
    json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs));
  if (st->created != NULL)
    json_object_object_add(o, "created", json_object_new_string(st->created));
  json_object_object_add(o, "owner", json_object_new_string(""));
  if (st->annotations != NULL && json_object_object_length(st->annotations) > 0)
    json_object_object_add(o, "annotations", json_object_get(st->annotations));
  return o;
}
