/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for rp2oci's $VAR / $(...) expander. The first byte picks
 * whether commands are allowed; commands never run (a fake runner echoes
 * them) and the environment is a fixed table that includes self-references,
 * so the depth and size limits are exercised. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rp2oci/rp2oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fake_env(const char *name)
{
  if (strcmp(name, "A") == 0)
    return "$B$B";
  if (strcmp(name, "B") == 0)
    return "$A$(x)";
  if (strcmp(name, "C") == 0)
    return "\\$C $NODE_PATH";
  return NULL;
}

static int fake_run(struct rp_arena *a, const char *cmd, char **out, size_t *len,
                    struct rr_error **err)
{
  if (strcmp(cmd, "fail") == 0)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "fail");
  *out = rp_printf(a, "%s\n", cmd);
  *len = strlen(*out);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  bool cmds = data[0] & 1;
  struct rp_arena a = {0};
  char *in = rp_strndup(&a, (const char *)data + 1, size - 1);
  struct rp_header h = {.alias = "n", .name = "uuid", .info = NULL};
  struct rp_config c = {.headers = &h};
  struct rp_node node = {.path = "/var/redpak/n", .normal = &c};
  struct rp_expand_env env = {
      .leaf = &node, .uid = "0", .gid = "0", .run = fake_run, .getenv = fake_env};
  struct rr_error *err = NULL;
  char *out = rp_expand(&a, &env, &node, in, cmds, &err);
  if (out == NULL && (err == NULL || err->msg == NULL))
    abort();
  if (out != NULL && strlen(out) > (2u << 20))
    abort();
  (void)rp_path_normalize(&a, in, "/");
  rr_error_free(err);
  rp_arena_release(&a);
  return 0;
}
