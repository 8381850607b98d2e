/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for libocispec-lite: each input is parsed as every OCI
 * document type; whatever parses is validated (config), generated, and must
 * re-parse and regenerate to the same text. Any mismatch is a bug: abort.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/error.h"
#include "libredrun/core/log.h"
#include "libredrun/core/spec/validate.h"
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
  ROUND_TRIP(process, json, size);
  ROUND_TRIP(linux_resources, json, size);
  ROUND_TRIP(state, json, size);
  ROUND_TRIP(features, json, size);
  return 0;
}
