/* SPDX-License-Identifier: Apache-2.0 */
/* libocispec-lite: corpus round trips, error messages, and API conventions. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libredrun/core/error.h"
#include "libredrun/core/spec/default.h"
#include "libredrun/core/spec/validate.h"
#include "libredrun/core/util.h"
#include "oci_json.h"
#include "oci_types.h"
#include "tap.h"
#include "files.h"

static const char *datadir;

/* The sorted *.json names of a corpus directory. */
static int list_json(const char *dir, struct dirent ***names)
{
  return scandir(dir, names, NULL, alphasort);
}

static bool is_json(const char *name)
{
  size_t n = strlen(name);
  return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Same JSON value; object members compared as sets (our output follows the
 * schema's order, the input its own). */
static bool tree_equal(const struct oci_json *a, const struct oci_json *b)
{
  if (a->kind != b->kind)
    return false;
  switch (a->kind) {
  case OCI_JSON_NUMBER:
  case OCI_JSON_STRING:
    return a->text_len == b->text_len && memcmp(a->text, b->text, a->text_len) == 0;
  case OCI_JSON_ARRAY:
    if (a->len != b->len)
      return false;
    for (size_t i = 0; i < a->len; i++)
      if (!tree_equal(a->items[i], b->items[i]))
        return false;
    return true;
  case OCI_JSON_OBJECT:
    if (a->len != b->len)
      return false;
    for (size_t i = 0; i < a->len; i++) {
      size_t k = 0;
      while (k < b->len && strcmp(a->keys[i], b->keys[k]) != 0)
        k++;
      if (k == b->len || !tree_equal(a->items[i], b->items[k]))
        return false;
    }
    return true;
  default:
    return true;
  }
}

static bool same_json(const char *x, size_t xlen, const char *y)
{
  struct oci_json *a = oci_json_parse(x, xlen, "a", NULL);
  struct oci_json *b = oci_json_parse(y, strlen(y), "b", NULL);
  bool r = a != NULL && b != NULL && tree_equal(a, b);
  oci_json_free(a);
  oci_json_free(b);
  return r;
}

/* One root type, seen through void pointers so one loop serves all. */
struct root {
  const char *dir;
  const char *source;
  void *(*parse)(const char *, size_t, const char *, struct rr_error **);
  char *(*generate)(const void *, bool, struct rr_error **);
  void (*free)(void *);
};

#define ROOT(dir, src, t)                                                                          \
  {                                                                                                \
    dir, src,                                                                                      \
        (void *(*)(const char *, size_t, const char *, struct rr_error **))oci_##t##_parse_data,   \
        (char *(*)(const void *, bool, struct rr_error **))oci_##t##_generate,                     \
        (void (*)(void *))oci_##t##_free                                                           \
  }

static const struct root roots[] = {
    ROOT("good", "config.json", config),
    ROOT("process", "process.json", process),
    ROOT("resources", "resources.json", linux_resources),
    ROOT("state", "state.json", state),
    ROOT("features", "features.json", features),
};

/* parse -> generate -> parse -> generate gives the same text, the first
 * generation holds exactly the input (no field lost), pretty output too. */
static void round_trip(const struct root *r, const char *name, const char *buf, size_t len)
{
  struct rr_error *err = NULL;
  void *v = r->parse(buf, len, r->source, &err);
  TAP_OK(v != NULL, "%s/%s parses%s%s", r->dir, name, err ? ": " : "", err ? err->msg : "");
  rr_error_clear(&err);
  if (v == NULL)
    return;
  char *s1 = r->generate(v, false, &err);
  char *pretty = r->generate(v, true, &err);
  void *v2 = s1 != NULL ? r->parse(s1, strlen(s1), r->source, &err) : NULL;
  char *s2 = v2 != NULL ? r->generate(v2, false, &err) : NULL;
  TAP_STR_EQ(s2, s1, "%s/%s: generate(parse(generate(parse(x)))) is stable", r->dir, name);
  TAP_OK(s1 != NULL && same_json(buf, len, s1), "%s/%s: regenerated JSON equals the input", r->dir,
         name);
  TAP_OK(pretty != NULL && same_json(buf, len, pretty), "%s/%s: pretty output equals the input",
         r->dir, name);
  if (strcmp(r->dir, "good") == 0) {
    int ok = rr_spec_validate(v, &err);
    TAP_OK(ok == 0, "%s/%s passes rr_spec_validate%s%s", r->dir, name, err ? ": " : "",
           err ? err->msg : "");
  } else if (strcmp(r->dir, "process") == 0) {
    int ok = rr_spec_validate_process(v, "process.json", "", &err);
    TAP_OK(ok == 0, "%s/%s passes rr_spec_validate_process%s%s", r->dir, name, err ? ": " : "",
           err ? err->msg : "");
  }
  rr_error_clear(&err);
  free(s1);
  free(s2);
  free(pretty);
  r->free(v);
  r->free(v2);
}

static void test_round_trips(void)
{
  for (size_t i = 0; i < RR_ARRAY_SIZE(roots); i++) {
    _cleanup_free_ char *dir = rr_xasprintf("%s/%s", datadir, roots[i].dir);
    struct dirent **names = NULL;
    int n = list_json(dir, &names);
    TAP_OK(n > 2, "corpus %s is readable", dir);
    for (int k = 0; k < n; k++) {
      if (is_json(names[k]->d_name)) {
        _cleanup_free_ char *path = rr_xasprintf("%s/%s", dir, names[k]->d_name);
        size_t len;
        _cleanup_free_ char *buf = test_slurp(path, &len);
        round_trip(&roots[i], names[k]->d_name, buf, len);
      }
      free(names[k]);
    }
    free(names);
  }
}

/* dir/X.json fails with the message in dir/X.msg: at parse time for bad/,
 * in rr_spec_validate for semantic/. */
static void test_expected_errors(const char *sub, bool semantic)
{
  _cleanup_free_ char *dir = rr_xasprintf("%s/%s", datadir, sub);
  struct dirent **names = NULL;
  int n = list_json(dir, &names);
  TAP_OK(n > 2, "corpus %s is readable", dir);
  for (int k = 0; k < n; k++) {
    const char *name = names[k]->d_name;
    if (is_json(name)) {
      _cleanup_free_ char *path = rr_xasprintf("%s/%s", dir, name);
      _cleanup_free_ char *msgpath = rr_xasprintf("%.*s.msg", (int)strlen(path) - 5, path);
      size_t len, mlen;
      _cleanup_free_ char *buf = test_slurp(path, &len);
      _cleanup_free_ char *want = test_slurp(msgpath, &mlen);
      if (want != NULL && mlen > 0 && want[mlen - 1] == '\n')
        want[mlen - 1] = '\0';
      struct rr_error *err = NULL;
      oci_config *cfg = oci_config_parse_data(buf, len, "config.json", &err);
      if (semantic) {
        TAP_OK(cfg != NULL, "%s/%s parses", sub, name);
        if (cfg != NULL)
          TAP_OK(rr_spec_validate(cfg, &err) < 0, "%s/%s is rejected by the validator", sub, name);
      } else {
        TAP_OK(cfg == NULL, "%s/%s is rejected by the parser", sub, name);
      }
      TAP_OK(err != NULL && err->kind == RR_ERR_INVALID, "%s/%s: error kind is INVALID", sub, name);
      TAP_STR_EQ(err ? err->msg : NULL, want, "%s/%s: message", sub, name);
      rr_error_clear(&err);
      oci_config_free(cfg);
    }
    free(names[k]);
  }
  free(names);
}

static oci_config *parse(const char *json, struct rr_error **err)
{
  return oci_config_parse_data(json, strlen(json), "config.json", err);
}

static void test_conventions(void)
{
  struct rr_error *err = NULL;
  oci_config *c = parse("{\"ociVersion\":\"1.0\",\"process\":{\"args\":[\"sh\",\"-c\",\"x\"],"
                        "\"cwd\":\"/\",\"capabilities\":{\"bounding\":[]},\"terminal\":null},"
                        "\"hostname\":\"a\",\"hostname\":\"b\",\"unknownKey\":{\"deep\":[1]},"
                        "\"annotations\":{\"z\":\"1\",\"a\":\"2\",\"m\":\"3\",\"z\":\"4\"}}",
                        &err);
  TAP_OK(c != NULL, "conventions config parses");
  if (c == NULL)
    return;
  oci_process *p = c->process;
  TAP_OK(p->args_len == 3 && p->args_present && p->args[3] == NULL,
         "string lists are NULL-terminated");
  TAP_OK(p->capabilities->bounding != NULL && p->capabilities->bounding_len == 0 &&
             p->capabilities->bounding_present,
         "an empty list is present and non-NULL");
  TAP_OK(p->capabilities->effective == NULL && !p->capabilities->effective_present,
         "a missing list is absent");
  TAP_OK(!p->terminal_present, "null means not set");
  TAP_STR_EQ(c->hostname, "b", "a repeated key keeps its last value");
  oci_string_map *a = c->annotations;
  TAP_OK(a->len == 3 && strcmp(a->keys[0], "z") == 0 && strcmp(a->keys[1], "a") == 0 &&
             strcmp(a->keys[2], "m") == 0,
         "maps keep document order (repeated key at its first place)");
  TAP_STR_EQ(oci_string_map_get(a, "z"), "4", "oci_string_map_get");
  TAP_OK(oci_string_map_get(a, "nope") == NULL && oci_string_map_get(NULL, "z") == NULL,
         "oci_string_map_get of a missing key");
  oci_string_map_set(&c->annotations, "a", "5");
  oci_string_map_set(&c->annotations, "new", "6");
  char *s = oci_config_generate(c, false, &err);
  TAP_STR_EQ(s,
             "{\"ociVersion\":\"1.0\",\"process\":{\"args\":[\"sh\",\"-c\",\"x\"],\"cwd\":\"/\","
             "\"capabilities\":{\"bounding\":[]}},\"hostname\":\"b\",\"annotations\":{\"z\":\"4\","
             "\"a\":\"5\",\"m\":\"3\",\"new\":\"6\"}}",
             "generate: schema order, maps in order, empty list kept");
  free(s);
  s = oci_config_generate(c, true, &err);
  TAP_OK(s != NULL && strncmp(s, "{\n\t\"ociVersion\": \"1.0\",\n", 24) == 0,
         "pretty output is tab-indented");
  free(s);
  oci_config_free(c);

  oci_config *big = parse("{\"ociVersion\":\"1.0\",\"process\":{\"args\":[\"a\"],\"cwd\":\"/\","
                          "\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,"
                          "\"soft\":0}],\"oomScoreAdj\":-2147483648},\"linux\":{\"timeOffsets\":"
                          "{\"boottime\":{\"secs\":-9223372036854775808}}}}",
                          &err);
  TAP_OK(big != NULL && big->process->rlimits[0]->hard == UINT64_MAX &&
             big->process->oom_score_adj == INT32_MIN &&
             big->linux->time_offsets->values[0]->secs == INT64_MIN &&
             strcmp(big->linux->time_offsets->keys[0], "boottime") == 0,
         "integer extremes are kept");
  oci_config_free(big);
  rr_error_clear(&err);
}

/* A member left raw: its bytes are located (the last of repeated keys), the
 * rest parses as usual; a value that is not an object is refused as usual. */
static void test_raw_member(void)
{
  static const char doc[] =
      "{\"ociVersion\":\"1.0\",\"linux\":{\"seccomp\":{\"defaultAction\":\"A\"},"
      "\"sysctl\":{\"k\":\"v\"},\"seccomp\": {\"defaultAction\":\"B\",\"x\":[1,{}]} }}";
  struct rr_error *err = NULL;
  static const char *const raw_path[] = {"linux", "seccomp", NULL};
  struct oci_parse_opts po = {.raw_path = raw_path};
  oci_config *c = oci_config_parse_data_opts(doc, strlen(doc), "config.json", &po, &err);
  TAP_OK(c != NULL && c->linux != NULL && c->linux->seccomp == NULL &&
             strcmp(oci_string_map_get(c->linux->sysctl, "k"), "v") == 0,
         "raw member: left out, the rest parsed");
  _cleanup_free_ char *raw =
      po.raw_end > po.raw_start ? strndup(doc + po.raw_start, po.raw_end - po.raw_start) : NULL;
  TAP_STR_EQ(raw, "{\"defaultAction\":\"B\",\"x\":[1,{}]}",
             "raw member: the bytes of the last repeated key's object");
  oci_config_free(c);

  c = oci_config_parse_data(doc, strlen(doc), "config.json", &err);
  TAP_OK(c != NULL && c->linux->seccomp != NULL &&
             strcmp(c->linux->seccomp->default_action, "B") == 0,
         "without options the member is parsed");
  oci_config_free(c);

  static const char null_doc[] = "{\"ociVersion\":\"1.0\",\"linux\":{\"seccomp\":null}}";
  c = oci_config_parse_data_opts(null_doc, strlen(null_doc), "config.json", &po, &err);
  TAP_OK(c != NULL && po.raw_end == 0, "raw member: null is absent");
  oci_config_free(c);

  static const char bad_doc[] = "{\"ociVersion\":\"1.0\",\"linux\":{\"seccomp\":3}}";
  c = oci_config_parse_data_opts(bad_doc, strlen(bad_doc), "config.json", &po, &err);
  TAP_STR_EQ(c == NULL && err ? err->msg : NULL,
             "config.json: .linux.seccomp: expected object, got number",
             "raw member: not an object is refused");
  rr_error_clear(&err);

  static const char *const base[] = {"linux", "seccomp", NULL};
  struct oci_parse_opts bp = {.base_path = base};
  static const char part[] = "{\"syscalls\":[{\"names\":\"x\",\"action\":\"A\"}]}";
  oci_seccomp *sc = oci_seccomp_parse_data_opts(part, strlen(part), "config.json", &bp, &err);
  TAP_STR_EQ(sc == NULL && err ? err->msg : NULL,
             "config.json: .linux.seccomp.syscalls[0].names: expected array, got string",
             "a part parsed with a base path names its place in the whole");
  rr_error_clear(&err);
  oci_seccomp_free(sc);
}

static void test_build_and_generate(void)
{
  struct rr_error *err = NULL;
  oci_config *c = rr_xcalloc(1, sizeof(*c));
  c->oci_version = rr_xstrdup("1.3.0");
  c->root = rr_xcalloc(1, sizeof(*c->root));
  c->root->path = rr_xstrdup("rootfs");
  c->root->readonly = true;
  c->root->readonly_present = true;
  c->linux = rr_xcalloc(1, sizeof(*c->linux));
  c->linux->resources = rr_xcalloc(1, sizeof(*c->linux->resources));
  c->linux->resources->pids = rr_xcalloc(1, sizeof(oci_pids));
  c->linux->resources->pids->limit = -1;
  c->linux->resources->pids->limit_present = true;
  c->linux->masked_paths = rr_xcalloc(2, sizeof(char *));
  c->linux->masked_paths[0] = rr_xstrdup("/proc/kcore");
  c->linux->masked_paths_len = 1;
  char *s = oci_config_generate(c, false, &err);
  TAP_STR_EQ(
      s,
      "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
      "\"linux\":{\"resources\":{\"pids\":{\"limit\":-1}},\"maskedPaths\":[\"/proc/kcore\"]}}",
      "a config built in C generates (list without _present still emitted)");
  free(s);
  free(c->root->path);
  c->root->path = rr_xstrdup("\xff\xfe");
  s = oci_config_generate(c, false, &err);
  TAP_OK(s == NULL && err != NULL && strstr(err->msg, "UTF-8") != NULL,
         "invalid UTF-8 is refused by the generator");
  free(s);
  rr_error_clear(&err);
  oci_config_free(c);
  oci_config_free(NULL);
}

static void test_files(void)
{
  struct rr_error *err = NULL;
  _cleanup_free_ char *path = rr_xasprintf("%s/good/runc-spec.json", datadir);
  oci_config *c = oci_config_parse_file(path, &err);
  TAP_OK(c != NULL && c->process->terminal && c->process->terminal_present,
         "oci_config_parse_file reads a file");
  oci_config_free(c);
  c = oci_config_parse_file("/nonexistent/dir/config.json", &err);
  TAP_OK(c == NULL && err != NULL && err->kind == RR_ERR_SYSTEM &&
             strstr(err->msg, "/nonexistent/dir/config.json") != NULL,
         "a missing file is a system error naming the path");
  rr_error_clear(&err);
  _cleanup_free_ char *bad = rr_xasprintf("%s/bad/memory-limit-string.json", datadir);
  c = oci_config_parse_file(bad, &err);
  TAP_OK(c == NULL && err != NULL &&
             strncmp(err->msg, "memory-limit-string.json: .linux.resources.memory.limit: ", 57) ==
                 0,
         "file errors name the file by its base name");
  rr_error_clear(&err);
  c = oci_config_parse_file(datadir, &err);
  TAP_OK(c == NULL && err != NULL, "a directory is refused");
  rr_error_clear(&err);
}

/* What `redrun spec` writes must pass our own parser and validator. */
static void test_default_spec(void)
{
  for (int rootless = 0; rootless <= 1; rootless++) {
    struct rr_error *err = NULL;
    oci_config *c = rr_spec_default(rootless, 1000, 1001);
    char *s = oci_config_generate(c, true, &err);
    oci_config *again = s != NULL ? oci_config_parse_data(s, strlen(s), "config.json", &err) : NULL;
    TAP_OK(again != NULL, "default spec (rootless=%d) parses back", rootless);
    TAP_OK(again != NULL && rr_spec_validate(again, &err) == 0,
           "default spec (rootless=%d) passes rr_spec_validate%s%s", rootless, err ? ": " : "",
           err ? err->msg : "");
    if (again != NULL && rootless)
      TAP_OK(again->linux->uid_mappings[0]->host_id == 1000 &&
                 again->linux->gid_mappings[0]->host_id == 1001 && again->linux->resources == NULL,
             "rootless default maps the given ids and sets no resources");
    if (again != NULL && !rootless)
      TAP_OK(again->linux->resources->devices_len == 1 &&
                 !again->linux->resources->devices[0]->allow &&
                 again->linux->resources->devices[0]->allow_present,
             "default denies every device");
    rr_error_clear(&err);
    free(s);
    oci_config_free(again);
    oci_config_free(c);
  }
}

int main(void)
{
  const char *src = getenv("TESTS_SRCDIR");
  _cleanup_free_ char *dd = rr_xasprintf("%s/data/configs", src != NULL ? src : "tests");
  datadir = dd;
  test_round_trips();
  test_expected_errors("bad", false);
  test_expected_errors("semantic", true);
  test_conventions();
  test_raw_member();
  test_build_and_generate();
  test_files();
  test_default_spec();
  return tap_done();
}
