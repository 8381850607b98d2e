/* SPDX-License-Identifier: Apache-2.0 */
/* The red-pak 2.5.1 node formats (redpak-format.md §1.1, §3) as decoder tables. */
#include "config.h"

#include <string.h>

#include "rp2oci/rp2oci.h"
#include "rp2oci/schema.h"

#define F(k, t, fl, s, m)                                                                          \
  {                                                                                                \
    .key = (k), .type = (t), .flags = (fl), .off = offsetof(s, m)                                  \
  }
#define FE(k, fl, s, m, n)                                                                         \
  {                                                                                                \
    .key = (k), .type = RP_F_ENUM, .flags = (fl), .off = offsetof(s, m), .names = (n)              \
  }
#define FM(k, fl, s, m, sub_)                                                                      \
  {                                                                                                \
    .key = (k), .type = RP_F_MAP, .flags = (fl), .off = offsetof(s, m), .sub = (sub_)              \
  }
#define FS(k, fl, s, m, cnt, sub_)                                                                 \
  {                                                                                                \
    .key = (k), .type = RP_F_SEQ, .flags = (fl), .off = offsetof(s, m), .sub = (sub_),             \
    .count_off = offsetof(s, cnt)                                                                  \
  }
#define FI(k)                                                                                      \
  {                                                                                                \
    .key = (k), .type = RP_F_IGNORE                                                                \
  }
#define FEND                                                                                       \
  {                                                                                                \
    .key = NULL                                                                                    \
  }
#define REQ RP_F_REQUIRED

const char *const rp_export_mode_names[] = {
    "Public",     "Private",     "Restricted",     "PrivateRestricted",
    "PublicFile", "PrivateFile", "RestrictedFile", "Anonymous",
    "Symlink",    "Execfd",      "Internal",       "Procfs",
    "Devfs",      "Tmpfs",       "Mqueue",         "Lock",
    NULL,
};

const char *const rp_env_mode_names[] = {"Default", "Static", "Execfd", "Remove", "Inherit", NULL};

static const char *const tri_names[] = {"Unset", "Enabled", "Disabled", NULL};

static const char *const state_names[] = {"Enable", "Disable", "Unknown", "Error", NULL};

const char *const rp_share_names[] = {"all", "user", "cgroup", "ipc", "pid", "net", "time", NULL};

const char *const rp_cg_section_names[] = {"cpuset", "mem", "cpu", "io", "pids", NULL};

const char *const rp_cg_files[RP_CG_NSECTIONS][RP_CG_MAXKEYS] = {
    [RP_CG_CPUSET] = {"cpuset.cpus", "cpuset.mems", "cpuset.cpus.partition"},
    [RP_CG_MEM] = {"memory.min", "memory.low", "memory.high", "memory.max", "memory.swap.high",
                   "memory.swap.max", "memory.oom.group"},
    [RP_CG_CPU] = {"cpu.weight", "cpu.weight.nice", "cpu.max"},
    [RP_CG_IO] = {"io.weight", "io.max", "io.cost.qos", "io.cost.model"},
    [RP_CG_PIDS] = {"pids.max"},
};

/* red-pak key names, in the index order of rp_cg_files */
#define CGF(name, i)                                                                               \
  {                                                                                                \
    .key = (name), .type = RP_F_STR, .off = offsetof(struct rp_cg_map, v[i])                       \
  }

static const struct rp_field cpuset_fields[] = {CGF("cpus", 0), CGF("mems", 1),
                                                CGF("cpus_partition", 2), FEND};
static const struct rp_field mem_fields[] = {
    CGF("min", 0),       CGF("low", 1),      CGF("high", 2),      CGF("max", 3),
    CGF("swap_high", 4), CGF("swap_max", 5), CGF("oom_group", 6), FEND};
static const struct rp_field cpu_fields[] = {CGF("weight", 0), CGF("weight_nice", 1), CGF("max", 2),
                                             FEND};
static const struct rp_field io_fields[] = {CGF("weight", 0), CGF("max", 1), CGF("cost_qos", 2),
                                            CGF("cost_model", 3), FEND};
static const struct rp_field pids_fields[] = {CGF("max", 0), FEND};

static const struct rp_schema cg_schemas[RP_CG_NSECTIONS] = {
    {sizeof(struct rp_cg_map), cpuset_fields}, {sizeof(struct rp_cg_map), mem_fields},
    {sizeof(struct rp_cg_map), cpu_fields},    {sizeof(struct rp_cg_map), io_fields},
    {sizeof(struct rp_cg_map), pids_fields},
};

static const struct rp_field cgroups_fields[] = {
    FM("cpuset", 0, struct rp_cgroups, sec[RP_CG_CPUSET], &cg_schemas[RP_CG_CPUSET]),
    FM("mem", 0, struct rp_cgroups, sec[RP_CG_MEM], &cg_schemas[RP_CG_MEM]),
    FM("cpu", 0, struct rp_cgroups, sec[RP_CG_CPU], &cg_schemas[RP_CG_CPU]),
    FM("io", 0, struct rp_cgroups, sec[RP_CG_IO], &cg_schemas[RP_CG_IO]),
    FM("pids", 0, struct rp_cgroups, sec[RP_CG_PIDS], &cg_schemas[RP_CG_PIDS]),
    FEND,
};
static const struct rp_schema cgroups_schema = {sizeof(struct rp_cgroups), cgroups_fields};

static const struct rp_field cap_fields[] = {
    F("cap", RP_F_STR, REQ, struct rp_cap, cap),
    F("add", RP_F_INT, REQ, struct rp_cap, add),
    F("info", RP_F_STR, 0, struct rp_cap, info),
    F("warn", RP_F_STR, 0, struct rp_cap, warn),
    FEND,
};
static const struct rp_schema cap_schema = {sizeof(struct rp_cap), cap_fields};

static const struct rp_field tag_fields[] = {
    F("persistdir", RP_F_STR, 0, struct rp_tags, persistdir),
    F("rpmdir", RP_F_STR, 0, struct rp_tags, rpmdir),
    F("cachedir", RP_F_STR, 0, struct rp_tags, cachedir),
    F("path", RP_F_STR, 0, struct rp_tags, path),
    F("ldpath", RP_F_STR, 0, struct rp_tags, ldpath),
    F("umask", RP_F_STR, 0, struct rp_tags, umask),
    F("set-user", RP_F_STR, 0, struct rp_tags, set_user),
    F("set-group", RP_F_STR, 0, struct rp_tags, set_group),
    F("smack", RP_F_STR, 0, struct rp_tags, smack),
    F("verbose", RP_F_INT, 0, struct rp_tags, verbose),
    FI("maxage"),
    F("map-root-user", RP_F_INT, 0, struct rp_tags, map_root_user),
    F("gpgcheck", RP_F_BOOL, 0, struct rp_tags, gpgcheck),
    FI("inherit"),
    F("unsafe", RP_F_BOOL, 0, struct rp_tags, unsafe),
    F("inherit-env", RP_F_BOOL, 0, struct rp_tags, inherit_env),
    FE("die-with-parent", 0, struct rp_tags, die_with_parent, tri_names),
    FE("new-session", 0, struct rp_tags, new_session, tri_names),
    F("share_all", RP_F_STR, 0, struct rp_tags, share[RP_SHARE_ALL]),
    F("share_user", RP_F_STR, 0, struct rp_tags, share[RP_SHARE_USER]),
    F("share_cgroup", RP_F_STR, 0, struct rp_tags, share[RP_SHARE_CGROUP]),
    F("share_net", RP_F_STR, 0, struct rp_tags, share[RP_SHARE_NET]),
    F("share_pid", RP_F_STR, 0, struct rp_tags, share[RP_SHARE_PID]),
    F("share_ipc", RP_F_STR, 0, struct rp_tags, share[RP_SHARE_IPC]),
    F("share_time", RP_F_STR, 0, struct rp_tags, share[RP_SHARE_TIME]),
    FM("cgroups", 0, struct rp_tags, cgroups, &cgroups_schema),
    F("hostname", RP_F_STR, 0, struct rp_tags, hostname),
    F("chdir", RP_F_STR, 0, struct rp_tags, chdir),
    F("cgrouproot", RP_F_STR, 0, struct rp_tags, cgrouproot),
    FS("capabilities", 0, struct rp_tags, caps, ncaps, &cap_schema),
    FEND,
};
static const struct rp_schema tag_schema = {sizeof(struct rp_tags), tag_fields};

static const struct rp_field export_fields[] = {
    FE("mode", REQ, struct rp_export, mode, rp_export_mode_names),
    F("mount", RP_F_STR, REQ, struct rp_export, mount),
    F("path", RP_F_STR, 0, struct rp_export, path),
    F("info", RP_F_STR, 0, struct rp_export, info),
    F("warn", RP_F_STR, 0, struct rp_export, warn),
    FEND,
};
static const struct rp_schema export_schema = {sizeof(struct rp_export), export_fields};

static const struct rp_field env_fields[] = {
    FE("mode", 0, struct rp_env, mode, rp_env_mode_names),
    F("key", RP_F_STR, REQ, struct rp_env, key),
    F("value", RP_F_STR, 0, struct rp_env, value),
    F("info", RP_F_STR, 0, struct rp_env, info),
    F("warn", RP_F_STR, 0, struct rp_env, warn),
    FEND,
};
static const struct rp_schema env_schema = {sizeof(struct rp_env), env_fields};

static const struct rp_field header_fields[] = {
    F("alias", RP_F_STR, REQ, struct rp_header, alias),
    F("name", RP_F_STR, 0, struct rp_header, name),
    F("info", RP_F_STR, 0, struct rp_header, info),
    FEND,
};
static const struct rp_schema header_schema = {sizeof(struct rp_header), header_fields};

#define FSS(k, fl, s, m, cnt)                                                                      \
  {                                                                                                \
    .key = (k), .type = RP_F_STRSEQ, .flags = (fl), .off = offsetof(s, m),                         \
    .count_off = offsetof(s, cnt)                                                                  \
  }

static const struct rp_field sc_arg_fields[] = {
    F("index", RP_F_STR, REQ, struct rp_sc_arg, index),
    F("value", RP_F_STR, REQ, struct rp_sc_arg, value),
    F("valueTwo", RP_F_STR, 0, struct rp_sc_arg, value_two),
    F("op", RP_F_STR, REQ, struct rp_sc_arg, op),
    FEND,
};
static const struct rp_schema sc_arg_schema = {sizeof(struct rp_sc_arg), sc_arg_fields};

static const struct rp_field sc_rule_fields[] = {
    FSS("names", REQ, struct rp_sc_rule, names, nnames),
    F("action", RP_F_STR, REQ, struct rp_sc_rule, action),
    F("errnoRet", RP_F_STR, 0, struct rp_sc_rule, errno_ret),
    FS("args", 0, struct rp_sc_rule, args, nargs, &sc_arg_schema),
    F("info", RP_F_STR, 0, struct rp_sc_rule, info),
    FEND,
};
static const struct rp_schema sc_rule_schema = {sizeof(struct rp_sc_rule), sc_rule_fields};

static const struct rp_field seccomp_fields[] = {
    F("defaultAction", RP_F_STR, REQ, struct rp_seccomp, default_action),
    F("defaultErrnoRet", RP_F_STR, 0, struct rp_seccomp, default_errno_ret),
    FSS("architectures", 0, struct rp_seccomp, arches, narches),
    FSS("flags", 0, struct rp_seccomp, flags, nflags),
    FS("syscalls", 0, struct rp_seccomp, syscalls, nsyscalls, &sc_rule_schema),
    F("info", RP_F_STR, 0, struct rp_seccomp, info),
    FEND,
};
static const struct rp_schema seccomp_schema = {sizeof(struct rp_seccomp), seccomp_fields};

static const struct rp_field config_fields[] = {
    FM("headers", REQ, struct rp_config, headers, &header_schema),
    FS("exports", 0, struct rp_config, exports, nexports, &export_schema),
    FS("environ", 0, struct rp_config, environ, nenviron, &env_schema),
    FM("config", 0, struct rp_config, config, &tag_schema),
    FM("seccomp", 0, struct rp_config, seccomp, &seccomp_schema),
    FEND,
};
const struct rp_schema rp_config_schema = {sizeof(struct rp_config), config_fields};

static const struct rp_field status_fields[] = {
    F("realpath", RP_F_STR, REQ, struct rp_status, realpath),
    F("info", RP_F_STR, 0, struct rp_status, info),
    F("timestamp", RP_F_UINT, REQ, struct rp_status, timestamp),
    FE("state", REQ | RP_F_CASE_SENSITIVE, struct rp_status, state, state_names),
    FEND,
};
const struct rp_schema rp_status_schema = {sizeof(struct rp_status), status_fields};

static bool alias_ok(const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++) {
    char c = *s;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '-' || c == '_' || c == '@' || c == ':';
    if (!ok)
      return false;
  }
  return true;
}

int rp_config_check(const struct rp_config *c, struct rr_error **err)
{
  if (!alias_ok(c->headers->alias))
    return rr_fail(err, RR_ERR_INVALID, 0,
                   "%s:%d: headers.alias: invalid alias `%s` (letters, digits and +-_@: only)",
                   c->file, c->headers->line, c->headers->alias);
  for (size_t i = 0; i < c->nenviron; i++) {
    const struct rp_env *e = &c->environ[i];
    /* bwrap's setenv() refuses these; an OCI env entry would be misread */
    if (e->key[0] == '\0' || strchr(e->key, '=') != NULL)
      return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: environ[%zu].key: invalid variable name `%s`",
                     c->file, e->line, i, e->key);
    bool needs = e->mode == RP_ENV_DEFAULT || e->mode == RP_ENV_STATIC || e->mode == RP_ENV_EXECFD;
    if (needs && e->value == NULL)
      return rr_fail(err, RR_ERR_INVALID, 0, "%s:%d: environ[%zu]: mode %s needs a value", c->file,
                     e->line, i, rp_env_mode_names[e->mode]);
  }
  return 0;
}
