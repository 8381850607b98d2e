/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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
  oci_string_map_set(&st.annotations, "k", "v");
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
    struct rr_json g;
    rr_json_init(&g, false);
    rr_state_to_json(&g, NULL, back, RR_STATUS_STOPPED, false);
    _cleanup_free_ char *j = rr_json_finish(&g);
    OK(strstr(j, "\"pid\":0,") != NULL, "stopped state reports pid 0");
    OK(strstr(j, ",\"annotations\":{\"k\":\"v\"}}") != NULL, "annotations in the OCI state");
    rr_json_init(&g, false);
    rr_state_to_json(&g, NULL, back, RR_STATUS_STOPPED, true);
    _cleanup_free_ char *hook = rr_json_finish(&g);
    _cleanup_free_ char *want_pid = rr_xasprintf("\"pid\":%d,", (int)st.pid);
    OK(strstr(hook, want_pid) != NULL, "the hooks' state keeps the pid of a stopped container");
    rr_state_free(back);
  }
  free(st.boot_id);
  oci_string_map_free(st.annotations);

  pid_t child = fork();
  if (child == 0)
    _exit(0);
  struct rr_state dead = {.id = "c1", .pid = child, .bundle = "/b"};
  OK(rr_proc_stat(child, &dead.start_time, NULL, NULL) == 0, "start time of a zombie");
  waitpid(child, NULL, 0);
  OK(rr_state_status(d, &dead) == RR_STATUS_STOPPED, "a reaped pid is stopped");

  /* written by redrun 0.1 with json-c ("/" escaped): a container created
   * before an upgrade must stay manageable after it */
  static const char old_state[] =
      "{\"id\":\"c1\",\"pid\":8308,\"start_time\":3230686,\"boot_id\":\"d576afe6-d26b-4418-a7ce-"
      "1a03e5bc5619\",\"bundle\":\"\\/tmp\\/b1\",\"rootfs\":\"\\/tmp\\/b1\\/rootfs\",\"created\":"
      "\"2026-12-03T22:39:03.840762450Z\",\"owner\":0,\"cgroup_path\":\"\\/sys\\/fs\\/cgroup\\/"
      "unified\\/c1\",\"own_pid_ns\":true,\"late_hooks\":false,\"annotations\":{\"a\\/b\":"
      "\"x\\u0001y\\\"z\",\"org.test\":\"\xc3\xa9\\/\xe2\x82\xac\",\"empty\":\"\"}}";
  OK(rr_state_write_file(d, RR_STATE_FILE, old_state, strlen(old_state), &err) == 0 &&
         rr_state_read(d, &back, &err) == 0,
     "a state.json of the json-c writer is read");
  if (back != NULL) {
    OK(back->pid == 8308 && back->start_time == 3230686 && back->owner == 0 && back->own_pid_ns &&
           !back->late_hooks,
       "its numbers and flags");
    TAP_STR_EQ(back->bundle, "/tmp/b1", "its escaped slashes");
    TAP_STR_EQ(back->cgroup_path, "/sys/fs/cgroup/unified/c1", "its cgroup path");
    OK(back->annotations && back->annotations->len == 3 &&
           strcmp(back->annotations->keys[0], "a/b") == 0 &&
           strcmp(back->annotations->values[0], "x\001y\"z") == 0 &&
           strcmp(back->annotations->values[1], "\xc3\xa9/\xe2\x82\xac") == 0 &&
           strcmp(back->annotations->values[2], "") == 0,
       "its annotations, in order");
    /* written back: the same document but for "/" */
    OK(rr_state_write(d, back, &err) == 0, "written again");
    rr_state_free(back);
    back = NULL;
    _cleanup_close_ int fd = openat(d->fd, RR_STATE_FILE, O_RDONLY | O_CLOEXEC);
    char buf[1024] = {0};
    OK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0, "read the new state.json");
    _cleanup_free_ char *want = rr_xstrdup(old_state);
    char *w = want;
    for (const char *r = old_state; *r; r++)
      if (!(r[0] == '\\' && r[1] == '/'))
        *w++ = *r;
    *w = '\0';
    TAP_STR_EQ(buf, want, "the same bytes as json-c wrote, \"/\" unescaped");
  }
  /* a wrong type is a corrupted file, not a silent zero */
  static const char bad_pid[] = "{\"id\":\"c1\",\"pid\":\"12\",\"bundle\":\"/b\"}";
  OK(rr_state_write_file(d, RR_STATE_FILE, bad_pid, strlen(bad_pid), &err) == 0 &&
         rr_state_read(d, &back, &err) < 0 && err->kind == RR_ERR_INVALID,
     "a string pid is refused");
  _cleanup_free_ char *bad_msg = rr_xasprintf(
      "corrupted state file `%s/c1/state.json`: `pid`: expected integer, got string", root);
  TAP_STR_EQ(err ? err->msg : NULL, bad_msg, "the error names the file and the member");
  rr_error_clear(&err);

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

static bool same_inode(const char *path, int fd)
{
  struct stat a, b;
  return stat(path, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* A deleted container's emptied directory is kept (renamed) for the next
 * create; nothing else may see it as a container. */
static void test_spares(void)
{
  struct rr_error *err = NULL;
  struct rr_cdir *d = NULL, *old = NULL;
  _cleanup_free_ char *spare0 = rr_xasprintf("%s/.spare.0", root);
  OK(rr_state_claim(root, "s1", &d, &err) == 0, "claim s1");
  int keep = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* not a dup: no lock */
  OK(rr_state_open(root, "s1", 0, &old, &err) == 0, "a reader opens s1 without the lock");
  OK(rr_state_remove(d, &err) == 0, "remove s1");
  rr_cdir_free(d);
  OK(same_inode(spare0, keep), "its empty directory is kept as the first spare");
  OK(rr_state_claim(root, "s2", &d, &err) == 0 && same_inode(d->path, keep),
     "the next create takes the spare");
  OK(access(spare0, F_OK) < 0, "the slot is free again");
  struct rr_state st = {.id = "s2", .pid = 0, .bundle = "/b"};
  OK(rr_state_write(d, &st, &err) == 0, "s2 writes its state");
  struct rr_state *back = NULL;
  OK(rr_state_read(old, &back, &err) < 0 && err->kind == RR_ERR_NOT_FOUND && back == NULL,
     "the reader of s1 does not get s2's state");
  rr_error_clear(&err);
  rr_cdir_free(old);
  OK(rr_state_open(root, "s1", LOCK_EX, &old, &err) < 0 && err->kind == RR_ERR_NOT_FOUND,
     "s1 does not exist");
  rr_error_clear(&err);
  char **ids = NULL;
  OK(rr_state_list_ids(root, &ids, &err) == 0 && ids[0] && strcmp(ids[0], "s2") == 0 && !ids[1],
     "list shows s2 only, no spare");
  rr_strvfreep(&ids);
  /* something else left in the directory: removed for real, never reused */
  close(openat(d->fd, "other", O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  OK(rr_state_remove(d, &err) == 0 && access(d->path, F_OK) < 0 && access(spare0, F_OK) < 0,
     "a directory with a foreign file is removed, not kept");
  rr_cdir_free(d);
  close(keep);
  /* a spare of another user (a shared root) is left to that user */
  if (geteuid() == 0 && mkdir(spare0, 0700) == 0 && chown(spare0, 65534, 65534) == 0) {
    _cleanup_free_ char *f1 = rr_xasprintf("%s/f1", root);
    OK(rr_state_claim(root, "f1", &d, &err) == 0 && !same_inode(spare0, d->fd) &&
           access(spare0, F_OK) == 0,
       "another user's spare is not taken");
    struct stat sb;
    OK(d != NULL && fstat(d->fd, &sb) == 0 && sb.st_uid == 0, "the new directory is ours");
    rr_cdir_free(d);
    rmdir(f1);
  }
  rmdir(spare0);
  /* more deletes than slots: the extra directories are removed */
  const char *many[] = {"m0", "m1", "m2", "m3", "m4", "m5"};
  struct rr_cdir *md[RR_ARRAY_SIZE(many)];
  for (size_t i = 0; i < RR_ARRAY_SIZE(many); i++)
    OK(rr_state_claim(root, many[i], &md[i], &err) == 0, "claim %s", many[i]);
  for (size_t i = 0; i < RR_ARRAY_SIZE(many); i++) {
    OK(rr_state_remove(md[i], &err) == 0, "remove %s", many[i]);
    rr_cdir_free(md[i]);
  }
  OK(rr_state_list_ids(root, &ids, &err) == 0 && ids[0] == NULL, "no container listed");
  rr_strvfreep(&ids);
  int spares = 0;
  for (int i = 0; i < 8; i++) {
    _cleanup_free_ char *p = rr_xasprintf("%s/.spare.%d", root, i);
    if (rmdir(p) == 0)
      spares++;
  }
  OK(spares == 4, "four spares kept at most (%d)", spares);
}

int main(void)
{
  if (mkdtemp(root) == NULL)
    return 99;
  test_claim();
  test_roundtrip();
  test_list_remove();
  test_spares();
  rmdir(root);
  return tap_done();
}
