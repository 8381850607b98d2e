/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libredrun/core/util.h"
#include "libredrun/os/state/state.h"
#include "tests/unit/tap.h"

/* TAP_OK evaluates its condition twice: these conditions have side effects */
#define OK(cond, ...)                                                                              \
  do {                                                                                             \
    int ok_ = (cond);                                                                              \
    TAP_OK(ok_, __VA_ARGS__);                                                                      \
  } while (0)

static char root[] = "/tmp/rr-test-state-XXXXXX";

static void test_claim(void)
{
  struct rr_error *err = NULL;
  struct rr_cdir *d = NULL, *d2 = NULL;
  OK(rr_state_claim(root, "c1", &d, &err) == 0, "claim a new id");
  OK(rr_state_claim(root, "c1", &d2, &err) < 0 && err->kind == RR_ERR_EXISTS,
     "claiming it again is RR_ERR_EXISTS");
  TAP_STR_EQ(err ? err->msg : NULL, "container `c1` already exists", "exists message");
  rr_error_clear(&err);
  OK(rr_state_claim(root, "../x", &d2, &err) < 0 && err->kind == RR_ERR_INVALID,
     "a path-like id is refused before any path use");
  rr_error_clear(&err);
  /* the claim holds the exclusive lock: a second opener cannot take it */
  int fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  OK(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0, "claimed directory is locked");
  close(fd);
  rr_cdir_free(d);
  OK(rr_state_open(root, "nope", 0, &d2, &err) < 0 && err->kind == RR_ERR_NOT_FOUND,
     "unknown id is RR_ERR_NOT_FOUND");
  TAP_STR_EQ(err ? err->msg : NULL, "container does not exist", "runc's wording");
  rr_error_clear(&err);
}

static void test_roundtrip(void)
{
  struct rr_error *err = NULL;
  struct rr_cdir *d = NULL;
  OK(rr_state_open(root, "c1", LOCK_EX, &d, &err) == 0, "open existing container locked");
  struct rr_state st = {.id = "c1",
                        .pid = getpid(),
                        .bundle = "/b",
                        .rootfs = "/b/rootfs",
                        .created = "2026-01-01T00:00:00Z",
                        .cgroup_path = "/sys/fs/cgroup/x",
                        .own_pid_ns = true};
  OK(rr_proc_stat(getpid(), &st.start_time, NULL, &err) == 0, "read our own start time");
  st.boot_id = rr_boot_id();
  st.annotations = json_object_new_object();
  json_object_object_add(st.annotations, "k", json_object_new_string("v"));
  OK(rr_state_write(d, &st, &err) == 0, "write state.json");
  struct rr_state *back = NULL;
  OK(rr_state_read(d, &back, &err) == 0 && back != NULL, "read it back");
  if (back != NULL) {
    OK(back->pid == st.pid && back->start_time == st.start_time && back->own_pid_ns,
       "pid, start time, pid ns kept");
    TAP_STR_EQ(back->cgroup_path, "/sys/fs/cgroup/x", "cgroup path kept");
    OK(rr_state_status(d, back) == RR_STATUS_RUNNING, "live pid without fifo is running");
    OK(mkfifoat(d->fd, RR_STATE_FIFO, 0600) == 0 && rr_state_status(d, back) == RR_STATUS_CREATED,
       "live pid with the exec fifo is created");
    unlinkat(d->fd, RR_STATE_FIFO, 0);
    back->start_time++;
    OK(rr_state_status(d, back) == RR_STATUS_STOPPED, "a reused pid (other start time) is stopped");
    back->start_time--;
    free(back->boot_id);
    back->boot_id = rr_xstrdup("00000000-0000-0000-0000-000000000000");
    OK(rr_state_status(d, back) == RR_STATUS_STOPPED, "state from another boot is stopped");
    json_object *j = rr_state_to_json(back, RR_STATUS_STOPPED);
    json_object *v;
    OK(json_object_object_get_ex(j, "pid", &v) && json_object_get_int(v) == 0,
       "stopped state reports pid 0");
    OK(json_object_object_get_ex(j, "annotations", &v), "annotations in the OCI state");
    json_object_put(j);
    rr_state_free(back);
  }
  free(st.boot_id);
  json_object_put(st.annotations);

  pid_t child = fork();
  if (child == 0)
    _exit(0);
  struct rr_state dead = {.id = "c1", .pid = child, .bundle = "/b"};
  OK(rr_proc_stat(child, &dead.start_time, NULL, NULL) == 0, "start time of a zombie");
  waitpid(child, NULL, 0);
  OK(rr_state_status(d, &dead) == RR_STATUS_STOPPED, "a reaped pid is stopped");

  OK(rr_state_write_file(d, RR_STATE_FILE, "{\"id\": 3", 8, &err) == 0, "write garbage");
  OK(rr_state_read(d, &back, &err) < 0 && err->kind == RR_ERR_INVALID,
     "corrupted state.json is RR_ERR_INVALID");
  OK(err && strstr(err->msg, "state.json") != NULL, "the error names the file: %s",
     err ? err->msg : "");
  rr_error_clear(&err);
  OK(rr_state_write_file(d, RR_STATE_FILE, "{\"id\":\"other\",\"pid\":1,\"bundle\":\"/\"}", 35,
                         &err) == 0 &&
         rr_state_read(d, &back, &err) < 0,
     "state.json of another id is refused");
  rr_error_clear(&err);
  unlinkat(d->fd, RR_STATE_FILE, 0);
  OK(rr_state_read(d, &back, &err) < 0 && err->kind == RR_ERR_NOT_FOUND,
     "missing state.json is RR_ERR_NOT_FOUND");
  rr_error_clear(&err);
  rr_cdir_free(d);
}

static void test_list_remove(void)
{
  struct rr_error *err = NULL;
  struct rr_cdir *d = NULL;
  OK(rr_state_claim(root, "a0", &d, &err) == 0, "claim a second container");
  rr_cdir_free(d);
  char **ids = NULL;
  OK(rr_state_list_ids(root, &ids, &err) == 0 && ids[0] && ids[1] && !ids[2], "two ids listed");
  if (ids && ids[0] && ids[1])
    OK(strcmp(ids[0], "a0") == 0 && strcmp(ids[1], "c1") == 0, "sorted");
  rr_strvfreep(&ids);
  const char *names[] = {"a0", "c1"};
  for (int i = 0; i < 2; i++) {
    OK(rr_state_open(root, names[i], LOCK_EX, &d, &err) == 0 && rr_state_remove(d, &err) == 0,
       "remove %s", names[i]);
    rr_cdir_free(d);
  }
  OK(rr_state_list_ids(root, &ids, &err) == 0 && ids[0] == NULL, "root is empty again");
  rr_strvfreep(&ids);
}

int main(void)
{
  if (mkdtemp(root) == NULL)
    return 99;
  test_claim();
  test_roundtrip();
  test_list_remove();
  rmdir(root);
  return tap_done();
}
