/* SPDX-License-Identifier: Apache-2.0 */
/* The $VAR / $(...) expander of rp2oci against redpak-format.md §4. Commands
 * and the environment are fakes, so the results do not depend on the host. */
#include "config.h"

#include <string.h>

#include "rp2oci/rp2oci.h"
#include "tap.h"

static const char *fake_env(const char *name)
{
  static const struct {
    const char *k, *v;
  } env[] = {
      {"HOME", "/root"},      {"EMPTY", ""},       {"SELF", "<$SELF>"},
      {"INDIRECT", "$UID-x"}, {"HOSTNAME", "box"}, {"CMD_IN_ENV", "$(echo no)"},
  };
  for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
    if (strcmp(name, env[i].k) == 0)
      return env[i].v;
  return NULL;
}

static int runs;
/* "output of CMD\n\n": shows what reached the shell and the newline trimming */
static int fake_run(struct rp_arena *a, const char *cmd, char **out, size_t *len,
                    struct rr_error **err)
{
  runs++;
  if (strcmp(cmd, "fail") == 0)
    return rr_fail(err, RR_ERR_SYSTEM, 0, "cannot run");
  *out = rp_printf(a, "[%s]\n\n", cmd);
  *len = strlen(*out);
  return 0;
}

int main(void)
{
  struct rp_arena a = {0};
  struct rp_header lh = {.alias = "leaf", .name = "leaf-uuid", .info = "the leaf"};
  struct rp_header ph = {.alias = "plat", .name = NULL, .info = NULL};
  struct rp_config lc = {.headers = &lh}, pc = {.headers = &ph};
  struct rp_node leaf = {.path = "/var/redpak/plat/app", .normal = &lc};
  struct rp_node plat = {.path = "/var/redpak/plat", .depth = 1, .normal = &pc};
  struct rp_expand_env env = {
      .leaf = &leaf, .uid = "1000", .gid = "100", .run = fake_run, .getenv = fake_env};
  struct rr_error *err = NULL;

#define X(node, in, cmds) rp_expand(&a, &env, (node), (in), (cmds), &err)
  TAP_STR_EQ(X(&plat, "plain text", true), "plain text", "text without $ is kept");
  TAP_STR_EQ(X(&plat, "$NODE_ALIAS/$LEAF_ALIAS", true), "plat/leaf", "node vs leaf alias");
  TAP_STR_EQ(X(&plat, "$NODE_PATH|$LEAF_PATH", true), "/var/redpak/plat|/var/redpak/plat/app",
             "node vs leaf path");
  TAP_STR_EQ(X(&leaf, "$NODE_NAME $NODE_INFO", true), "leaf-uuid the leaf", "name and info");
  TAP_STR_EQ(X(&plat, "$NODE_NAME", true), "#undef:NODE_NAME", "missing header as red-pak says");
  TAP_STR_EQ(X(&plat, "$UID:$GID", true), "1000:100", "$UID and $GID");
  TAP_STR_EQ(X(&plat, "$UIDx", true), "", "longest name: $UIDx is another variable");
  TAP_STR_EQ(X(&plat, "$UID.x", true), "1000.x", "name stops at a non-name character");
  TAP_STR_EQ(X(&plat, "${UID}", true), "{UID}", "${NAME} is not supported: $ dropped");
  TAP_STR_EQ(X(&plat, "a$", true), "a", "trailing $ expands to nothing");
  TAP_STR_EQ(X(&plat, "a$-b", true), "a-b", "$ before a non-name expands to nothing");
  TAP_STR_EQ(X(&plat, "\\$UID", true), "$UID", "\\$ is a literal $");
  TAP_STR_EQ(X(&plat, "a\\b", true), "a\\b", "other backslashes stay");
  TAP_STR_EQ(X(&plat, "$HOME $NOPE.", true), "/root .", "environment, unknown is empty");
  TAP_STR_EQ(X(&plat, "[$EMPTY]", true), "[]", "empty environment value");
  TAP_STR_EQ(X(&plat, "$INDIRECT", true), "1000-x", "values are expanded again");
  TAP_STR_EQ(X(&plat, "$HOSTNAME", true), "box", "$HOSTNAME from the environment");
  TAP_STR_EQ(X(&plat, "$USER", true), "Unknown", "$USER default");
  TAP_STR_EQ(X(&plat, "$REDPESK_VERSION", true), "agl-redpesk9", "$REDPESK_VERSION default");
  TAP_STR_EQ(X(&plat, "$redpak_MAIN", true), "/etc/redpak/main.yaml", "$redpak_MAIN default");
  TAP_STR_EQ(X(&plat, "$REDNODE_CONF", true), "/var/redpak/plat/etc/redpak.yaml",
             "$REDNODE_CONF is relative to the node");
  TAP_STR_EQ(X(&leaf, "$REDNODE_VARDIR", true), "/var/redpak/plat/app/var/rpm/lib",
             "$REDNODE_VARDIR");

  runs = 0;
  TAP_STR_EQ(X(&plat, "v=$(id -u $NODE_ALIAS)!", true), "v=[id -u plat]!",
             "command: variables expanded first, trailing newlines removed");
  TAP_OK(runs == 1, "the command ran once");
  TAP_STR_EQ(X(&plat, "$(a (b) c)", true), "[a (b) c]", "balanced parentheses");
  TAP_STR_EQ(X(&plat, "$(a (b c)", true), "(a (b c)", "unbalanced: $ dropped, text kept");
  runs = 0;
  TAP_STR_EQ(X(&plat, "x$(echo hi)y", false), "xy", "without commands $(...) is empty");
  TAP_OK(runs == 0, "and nothing ran");
  TAP_STR_EQ(X(&plat, "$CMD_IN_ENV", true), "", "no commands inside looked-up values");
  TAP_STR_EQ(X(&plat, "$(echo $(inner))", true), "[echo ]", "no nested commands");

  TAP_OK(X(&plat, "$(fail)", true) == NULL && err != NULL, "a failing command is an error");
  rr_error_clear(&err);
  TAP_OK(X(&plat, "$SELF", true) == NULL && err != NULL &&
             strstr(err->msg, "nested too deeply") != NULL,
         "self-referencing variable stops with an error");
  rr_error_clear(&err);

  struct rp_expand_env nocmd = env;
  nocmd.run = NULL;
  TAP_STR_EQ(rp_expand(&a, &nocmd, &plat, "a$(x)b", true, &err), "ab", "no runner: empty");

  /* path normalisation used for every emitted path */
  TAP_STR_EQ(rp_path_normalize(&a, "/x//y/", NULL), "/x/y", "collapse // and drop trailing /");
  TAP_STR_EQ(rp_path_normalize(&a, "rel/./d", "/base"), "/base/rel/d", "relative to base");
  TAP_STR_EQ(rp_path_normalize(&a, "/a/../../b", NULL), "/b", "never above /");
  TAP_STR_EQ(rp_path_normalize(&a, "//", NULL), "/", "root stays /");

  rp_arena_release(&a);
  return tap_done();
}
