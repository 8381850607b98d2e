/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for rp2oci's red-pak YAML loader: every input is decoded
 * as a node config and as a status file. A rejection must come with an
 * RR_ERR_INVALID error and a message; nothing may leak or crash. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "oci_types.h"
#include "rp2oci/rp2oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const struct rp_schema *schema, const uint8_t *data, size_t size, bool config)
{
  struct rp_arena a = {0};
  struct rr_error *err = NULL;
  void *obj = NULL;
  int r = rp_yaml_load_data(&a, schema, (const char *)data, size, "fuzz.yaml", &obj, &err);
  if (r < 0) {
    if (err == NULL || err->msg == NULL)
      abort();
  } else if (config) {
    struct rp_config *c = obj;
    c->file = "fuzz.yaml";
    if (rp_config_check(c, &err) < 0 && (err == NULL || err->kind != RR_ERR_INVALID))
      abort();
    /* the seccomp section goes through the runtime's tables and validator */
    if (err == NULL && c->seccomp != NULL) {
      char *canon = NULL;
      struct oci_seccomp *s = rp_seccomp_build(&a, c->seccomp, c->file, &canon, &err);
      if (s == NULL && (err == NULL || err->kind != RR_ERR_INVALID))
        abort();
      if (s != NULL && canon == NULL)
        abort();
      oci_seccomp_free(s);
    }
  }
  rr_error_free(err);
  rp_arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  one(&rp_config_schema, data, size, true);
  one(&rp_status_schema, data, size, false);
  return 0;
}
