/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for libocispec-lite: each input is parsed as every OCI
 * document type; whatever parses is validated (config), generated, and must
 * re-parse and regenerate to the same text; a config parsed with linux.seccomp
 * left raw must agree with the whole parse. Any mismatch is a bug: abort.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/error.h"
#include "libredrun/core/log.h"
#include "libredrun/core/spec/validate.h"
#include "oci_json.h"
#include "oci_types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROUND_TRIP(T, json, len)                                                                   \
  do {                                                                                             \
    struct rr_error *err_ = NULL;                                                                  \
    oci_##T *v_ = oci_##T##_parse_data((json), (len), #T ".json", &err_);                          \
    if (v_ == NULL) {                                                                              \
      if (err_ == NULL || err_->kind != RR_ERR_INVALID || err_->msg == NULL)                       \
        abort();                                                                                   \
      rr_error_free(err_);                                                                         \
      break;                                                                                       \
    }                                                                                              \
    extra_##T(v_);                                                                                 \
    for (int pretty_ = 0; pretty_ <= 1; pretty_++) {                                               \
      char *s1_ = oci_##T##_generate(v_, pretty_, &err_);                                          \
      if (s1_ == NULL)                                                                             \
        abort();                                                                                   \
      oci_##T *w_ = oci_##T##_parse_data(s1_, strlen(s1_), "generated", &err_);                    \
      if (w_ == NULL)                                                                              \
        abort();                                                                                   \
      char *s2_ = oci_##T##_generate(w_, pretty_, &err_);                                          \
      if (s2_ == NULL || strcmp(s1_, s2_) != 0)                                                    \
        abort();                                                                                   \
      free(s1_);                                                                                   \
      free(s2_);                                                                                   \
      oci_##T##_free(w_);                                                                          \
    }                                                                                              \
    oci_##T##_free(v_);                                                                            \
  } while (0)

static void extra_config(const oci_config *c)
{
  struct rr_error *err = NULL;
  if (rr_spec_validate(c, &err) < 0) {
    if (err == NULL || err->msg == NULL)
      abort();
    rr_error_free(err);
  }
}

static void extra_process(const oci_process *p)
{
  struct rr_error *err = NULL;
  if (rr_spec_validate_process(p, "process.json", "", &err) < 0)
    rr_error_free(err);
}

static void extra_linux_resources(const oci_linux_resources *r)
{
  (void)r;
}

static void extra_state(const oci_state *s)
{
  (void)s;
}

static void extra_features(const oci_features *f)
{
  (void)f;
}

/* create's path: linux.seccomp left raw and parsed alone on a cache miss
 * must accept and build exactly what parsing the whole document does. */
static void raw_seccomp_matches(const char *json, size_t len)
{
  struct rr_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
  oci_config *whole = oci_config_parse_data(json, len, "config.json", &e1);
  static const char *const raw_path[] = {"linux", "seccomp", NULL};
  struct oci_parse_opts po = {.raw_path = raw_path};
  oci_config *rest = oci_config_parse_data_opts(json, len, "config.json", &po, &e2);
  if (rest == NULL && whole != NULL)
    abort();
  /* the raw member is not built, but its JSON is checked: a document the
   * plain parse refuses as JSON is refused with the same message */
  if (whole == NULL && strstr(e1->msg, "invalid JSON") != NULL &&
      (rest != NULL || strcmp(e1->msg, e2->msg) != 0))
    abort();
  oci_seccomp *part = NULL;
  if (rest != NULL && po.raw_end > 0) {
    if (po.raw_end <= po.raw_start || po.raw_end > len || json[po.raw_start] != '{' ||
        json[po.raw_end - 1] != '}')
      abort();
    static const char *const base[] = {"linux", "seccomp", NULL};
    struct oci_parse_opts bp = {.base_path = base};
    part = oci_seccomp_parse_data_opts(json + po.raw_start, po.raw_end - po.raw_start,
                                       "config.json", &bp, &e3);
  }
  const oci_seccomp *full = whole && whole->linux ? whole->linux->seccomp : NULL;
  if (rest != NULL && (whole == NULL) != (po.raw_end > 0 && part == NULL))
    abort();
  if ((full == NULL) != (part == NULL))
    abort();
  if (full != NULL) {
    char *a = oci_seccomp_generate(full, false, NULL), *b = oci_seccomp_generate(part, false, NULL);
    if (a == NULL || b == NULL || strcmp(a, b) != 0)
      abort();
    free(a);
    free(b);
  }
  oci_seccomp_free(part);
  oci_config_free(whole);
  oci_config_free(rest);
  rr_error_free(e1);
  rr_error_free(e2);
  rr_error_free(e3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static bool init;
  if (!init) {
    /* debug records format the path of every unknown property: fuzz that too */
    struct rr_error *err = NULL;
    if (rr_log_init("/dev/null", false, RR_LOG_DEBUG, &err) < 0)
      abort();
    init = true;
  }
  const char *json = (const char *)data;
  ROUND_TRIP(config, json, size);
  raw_seccomp_matches(json, size);
  ROUND_TRIP(process, json, size);
  ROUND_TRIP(linux_resources, json, size);
  ROUND_TRIP(state, json, size);
  ROUND_TRIP(features, json, size);
  return 0;
}
