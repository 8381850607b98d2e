/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for core/json and the state.json reader. Whatever parses
 * is written back (compact and pretty) with rr_json_add_tree; that text must
 * parse again and be written to the same bytes. Each input is also read as a
 * container's state.json: it is accepted or refused with an error, and an
 * accepted state is written and read back to the same fields. Any mismatch
 * is a bug: abort.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/json.h"
#include "libredrun/core/util.h"
#include "libredrun/os/state/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *write_tree(const struct oci_json *j, bool pretty)
{
  struct rr_json g;
  rr_json_init(&g, pretty);
  rr_json_add_tree(&g, NULL, j);
  return rr_json_finish(&g);
}

static void round_trip(const char *text, size_t len)
{
  struct rr_error *err = NULL;
  struct oci_json *j = oci_json_parse(text, len, NULL, &err);
  if (j == NULL) {
    if (err == NULL || err->kind != RR_ERR_INVALID || err->msg == NULL)
      abort();
    rr_error_free(err);
    return;
  }
  for (int pretty = 0; pretty <= 1; pretty++) {
    char *s1 = write_tree(j, pretty);
    struct oci_json *k = oci_json_parse(s1, strlen(s1), "written", NULL);
    if (k == NULL)
      abort();
    char *s2 = write_tree(k, pretty);
    if (strcmp(s1, s2) != 0)
      abort();
    free(s1);
    free(s2);
    oci_json_free(k);
  }
  /* the typed getters on every member: a value or an error, never both */
  for (size_t i = 0; j->kind == OCI_JSON_OBJECT && i < j->len; i++) {
    const char *s;
    int64_t n;
    uint64_t u;
    bool b;
    int r[4] = {rr_json_get_string(j, j->keys[i], &s, &err), 0, 0, 0};
    rr_error_clear(&err);
    r[1] = rr_json_get_int(j, j->keys[i], &n, &err);
    rr_error_clear(&err);
    r[2] = rr_json_get_uint(j, j->keys[i], &u, &err);
    rr_error_clear(&err);
    r[3] = rr_json_get_bool(j, j->keys[i], &b, &err);
    rr_error_clear(&err);
    if ((r[0] > 0) + (r[1] > 0 || r[2] > 0) + (r[3] > 0) > 1)
      abort();
  }
  oci_json_free(j);
}

static char root[] = "/tmp/fuzz-json-XXXXXX";
static struct rr_cdir dir = {.root_fd = -1, .fd = -1, .id = "c1"};

static void state_dir_remove(void)
{
  (void)unlinkat(dir.fd, RR_STATE_FILE, 0);
  (void)unlinkat(dir.root_fd, "c1", AT_REMOVEDIR);
  (void)rmdir(root);
}

/* <root>/c1, removed when the fuzzer exits */
static struct rr_cdir *state_dir(void)
{
  if (dir.fd < 0) {
    if (mkdtemp(root) == NULL)
      abort();
    dir.path = rr_xasprintf("%s/c1", root);
    dir.root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir.root_fd < 0 || mkdirat(dir.root_fd, "c1", 0700) < 0)
      abort();
    dir.fd = openat(dir.root_fd, "c1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir.fd < 0)
      abort();
    atexit(state_dir_remove);
  }
  return &dir;
}

static void state_read(const char *text, size_t len)
{
  struct rr_cdir *d = state_dir();
  struct rr_error *err = NULL;
  struct rr_state *st = NULL, *back = NULL;
  if (rr_state_write_file(d, RR_STATE_FILE, text, len, NULL) < 0)
    abort();
  if (rr_state_read(d, &st, &err) < 0) {
    if (err == NULL || err->msg == NULL || st != NULL)
      abort();
    rr_error_free(err);
    return;
  }
  if (rr_state_write(d, st, NULL) < 0 || rr_state_read(d, &back, NULL) < 0)
    abort();
  if (st->pid != back->pid || st->start_time != back->start_time || st->owner != back->owner ||
      st->own_pid_ns != back->own_pid_ns || st->late_hooks != back->late_hooks ||
      strcmp(st->bundle, back->bundle) != 0 ||
      (st->annotations == NULL) != (back->annotations == NULL) ||
      (st->annotations && st->annotations->len != back->annotations->len))
    abort();
  rr_state_free(st);
  rr_state_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  round_trip((const char *)data, size);
  state_read((const char *)data, size);
  return 0;
}
