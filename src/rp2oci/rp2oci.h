/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RP2OCI_H
#define RP2OCI_H

/*
 * Internal model of rp2oci. The pipeline is strictly "load, merge, plan, write":
 *   yaml_load + schema   red-pak YAML files -> typed structs (struct rp_config ...)
 *   node_chain           leaf + ancestors, status files, normal/admin configs
 *   merge                the chain -> one struct rp_merged (redpak-format.md §5)
 *   expand               $VAR / $(...) expansion (§4)
 *   exports              merged exports -> mounts, symlinks, files, locks (§6.2)
 *   to_oci               everything -> oci_config (§6)
 *   bundle               files in the bundle, config.json written last
 * All memory of one conversion lives in one arena, freed at once.
 */

#include <stdbool.h>
#include <stddef.h>

#include "libredrun/core/error.h"

/* ---- arena -------------------------------------------------------------- */

struct rp_arena {
  struct rp_arena_block *blocks;
};

void *rp_alloc(struct rp_arena *a, size_t n);
char *rp_strdup(struct rp_arena *a, const char *s);
char *rp_strndup(struct rp_arena *a, const char *s, size_t n);
char *rp_printf(struct rp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_arena_release(struct rp_arena *a);

/* Growable byte buffer used by the expander and the writers. */
struct rp_buf {
  char *data;
  size_t len, cap;
};
void rp_buf_add(struct rp_buf *b, const char *s, size_t n);
void rp_buf_adds(struct rp_buf *b, const char *s);
void rp_buf_addc(struct rp_buf *b, char c);
void rp_buf_reset(struct rp_buf *b);

/* ---- the YAML model (one struct per red-pak schema mapping) ------------- */

/* Every mapping struct starts with the line it was found on, so later stages
 * (merge conflicts) can point at file:line. */

enum rp_tri { RP_TRI_UNSET = 0, RP_TRI_ENABLED, RP_TRI_DISABLED };

enum rp_env_mode {
  RP_ENV_DEFAULT = 0,
  RP_ENV_STATIC,
  RP_ENV_EXECFD,
  RP_ENV_REMOVE,
  RP_ENV_INHERIT
};

enum rp_export_mode {
  RP_EXP_PUBLIC = 0,
  RP_EXP_PRIVATE,
  RP_EXP_RESTRICTED,
  RP_EXP_PRIVATE_RESTRICTED,
  RP_EXP_PUBLIC_FILE,
  RP_EXP_PRIVATE_FILE,
  RP_EXP_RESTRICTED_FILE,
  RP_EXP_ANONYMOUS,
  RP_EXP_SYMLINK,
  RP_EXP_EXECFD,
  RP_EXP_INTERNAL,
  RP_EXP_PROCFS,
  RP_EXP_DEVFS,
  RP_EXP_TMPFS,
  RP_EXP_MQUEUE,
  RP_EXP_LOCK,
};

enum rp_state { RP_STATE_ENABLE = 0, RP_STATE_DISABLE, RP_STATE_UNKNOWN, RP_STATE_ERROR };

enum rp_share_key {
  RP_SHARE_ALL = 0,
  RP_SHARE_USER,
  RP_SHARE_CGROUP,
  RP_SHARE_IPC,
  RP_SHARE_PID,
  RP_SHARE_NET,
  RP_SHARE_TIME,
  RP_SHARE_N
};

/* cgroup sub-maps: values indexed like the keys of rp_cg_keys[] of that section */
enum rp_cg_section {
  RP_CG_CPUSET = 0,
  RP_CG_MEM,
  RP_CG_CPU,
  RP_CG_IO,
  RP_CG_PIDS,
  RP_CG_NSECTIONS
};
#define RP_CG_MAXKEYS 8

struct rp_cg_map {
  int line;
  char *v[RP_CG_MAXKEYS];
};

struct rp_cgroups {
  int line;
  struct rp_cg_map *sec[RP_CG_NSECTIONS];
};

struct rp_cap {
  int line;
  char *cap;
  long add;
  char *info, *warn;
};

struct rp_tags {
  int line;
  char *share[RP_SHARE_N];
  char *hostname, *chdir, *path, *ldpath, *umask;
  int die_with_parent, new_session; /* enum rp_tri */
  struct rp_cap *caps;
  size_t ncaps;
  struct rp_cgroups *cgroups;
  char *cgrouproot, *set_user, *set_group, *smack;
  char *rpmdir, *persistdir, *cachedir;
  long map_root_user, inherit_env, verbose, gpgcheck, unsafe;
};

struct rp_header {
  int line;
  char *alias, *name, *info;
};

struct rp_env {
  int line;
  int mode; /* enum rp_env_mode */
  char *key, *value, *info, *warn;
};

struct rp_export {
  int line;
  int mode; /* enum rp_export_mode */
  char *mount, *path, *info, *warn;
};

/* The `seccomp` section (rp2oci's extension, docs/rp2oci.md): OCI
 * linux.seccomp spelled in YAML. Numbers stay text until rp_seccomp_build()
 * reads them, so that absent and 0 differ. */
struct rp_sc_arg {
  int line;
  char *index, *value, *value_two, *op;
};

struct rp_sc_rule {
  int line;
  char **names;
  size_t nnames;
  char *action, *errno_ret, *info;
  struct rp_sc_arg *args;
  size_t nargs;
};

struct rp_seccomp {
  int line;
  char *default_action, *default_errno_ret, *info;
  char **arches, **flags;
  size_t narches, nflags;
  struct rp_sc_rule *syscalls;
  size_t nsyscalls;
};

struct rp_config {
  int line;
  const char *file; /* as reported in errors */
  struct rp_header *headers;
  struct rp_tags *config;
  struct rp_seccomp *seccomp;
  struct rp_env *environ;
  size_t nenviron;
  struct rp_export *exports;
  size_t nexports;
};

struct rp_status {
  int line;
  char *realpath;
  unsigned long long timestamp;
  int state; /* enum rp_state */
  char *info;
};

/* Schema tables (schema.c) and the decoder (yaml_load.c). */
struct rp_schema;
extern const struct rp_schema rp_config_schema;
extern const struct rp_schema rp_status_schema;

extern const char *const rp_export_mode_names[];
extern const char *const rp_env_mode_names[];
extern const char *const rp_share_names[];      /* "all", "user", ... */
extern const char *const rp_cg_section_names[]; /* "cpuset", "mem", ... */
/* cgroup v2 file of (section, key index), NULL past the last key */
extern const char *const rp_cg_files[RP_CG_NSECTIONS][RP_CG_MAXKEYS];

/* Parse a YAML document held in memory against a schema. `file` names it in
 * errors ("FILE:LINE: PATH: message"). The result lives in the arena. */
int rp_yaml_load_data(struct rp_arena *a, const struct rp_schema *schema, const char *data,
                      size_t len, const char *file, void **out, struct rr_error **err) RR_WUR;
int rp_yaml_load_file(struct rp_arena *a, const struct rp_schema *schema, const char *file,
                      void **out, struct rr_error **err) RR_WUR;

/* Config-level checks the schema cannot express (alias syntax, environ values). */
int rp_config_check(const struct rp_config *c, struct rr_error **err) RR_WUR;

/* ---- the chain ---------------------------------------------------------- */

struct rp_node {
  char *path; /* normalised absolute directory */
  int depth;  /* 0 = leaf */
  struct rp_status *status;
  struct rp_config *normal;
  struct rp_config *admin; /* NULL unless admin mode and the file exists */
};

struct rp_chain {
  struct rp_node *nodes; /* leaf first */
  size_t n;
  bool admin_mode;
};

/* Absolute, `//` collapsed, no trailing `/`, no `.`/`..` resolution beyond
 * what the string says (no symlinks). Relative paths are taken against base. */
char *rp_path_normalize(struct rp_arena *a, const char *path, const char *base);

int rp_chain_load(struct rp_arena *a, const char *redpath, bool admin, struct rp_chain *out,
                  struct rr_error **err) RR_WUR;

/* One config of the walk order leaf.admin, leaf.normal, parent.admin, ... */
struct rp_walk {
  const struct rp_node *node;
  const struct rp_config *conf;
  bool admin;
};
/* Fills `w` (2 * chain->n entries at most), returns the count. */
size_t rp_chain_walk(const struct rp_chain *c, struct rp_walk *w);

/* ---- expansion ---------------------------------------------------------- */

/* Runs `bash -r -c cmd` and returns its stdout; tests and fuzzers plug in their own. */
typedef int (*rp_cmd_runner)(struct rp_arena *a, const char *cmd, char **out, size_t *outlen,
                             struct rr_error **err);

struct rp_expand_env {
  const struct rp_node *leaf;
  const char *uid, *gid;                   /* decimal text of $UID / $GID */
  rp_cmd_runner run;                       /* NULL: commands expand to nothing */
  const char *(*getenv)(const char *name); /* NULL: secure_getenv */
};

/* Expand `in` against `node` (§4.1). `cmds` allows $(...). The result lives in
 * the arena. Trailing newlines of command output are removed. */
char *rp_expand(struct rp_arena *a, const struct rp_expand_env *env, const struct rp_node *node,
                const char *in, bool cmds, struct rr_error **err);

/* The default runner: /usr/bin/bash -r -c CMD with rp2oci's environment, raw stdout. */
int rp_cmd_run_bash(struct rp_arena *a, const char *cmd, char **out, size_t *outlen,
                    struct rr_error **err) RR_WUR;

/* ---- merge -------------------------------------------------------------- */

enum rp_share_kind { RP_SK_UNSET = 0, RP_SK_ENABLED, RP_SK_DISABLED, RP_SK_PATH };

struct rp_share {
  enum rp_share_kind kind;
  const char *path;
};

struct rp_mexport {
  const struct rp_export *e;
  const struct rp_node *node;
  const struct rp_config *conf;
  bool admin;
  char *dst; /* expanded, normalised */
  char *src; /* expanded, normalised (raw command for Execfd) */
};

struct rp_menv {
  const struct rp_env *e;
  const struct rp_node *node;
  const struct rp_config *conf;
  bool admin;
};

struct rp_mcap {
  const struct rp_cap *c;
  const struct rp_config *conf;
  const struct rp_node *node;
  int num; /* capability number, -1 for ALL */
  bool add, admin;
};

struct rp_merged {
  const struct rp_chain *chain;
  struct rp_walk *walk;
  size_t nwalk;
  const struct rp_walk *umask_from;
  /* §5.1 plain settings (raw, before leaf expansion) */
  const char *hostname, *chdir, *umask, *cgrouproot, *set_user, *set_group, *smack;
  int die_with_parent, new_session;
  long map_root_user, inherit_env;
  /* §5.5 after the share_all fallback */
  struct rp_share share[RP_SHARE_N];
  /* §5.2 */
  char *path, *ldpath;
  /* §5.3, exports sorted by destination */
  struct rp_mexport *exports;
  size_t nexports;
  struct rp_menv *env;
  size_t nenv;
  /* §5.4 */
  struct rp_mcap *caps;
  size_t ncaps;
  bool any_cgroups;
  /* the section that applies (rp_seccomp_merge), NULL: no filter */
  const struct rp_seccomp *seccomp;
  const struct rp_config *seccomp_conf;
  /* identity (§6.4), decimal text used for $UID/$GID */
  unsigned uid, gid;
};

int rp_merge(struct rp_arena *a, const struct rp_chain *chain, struct rp_expand_env *xenv,
             struct rp_merged *m, struct rr_error **err) RR_WUR;

/* ---- seccomp (seccomp.c) ------------------------------------------------ */

struct oci_seccomp;

/* One section -> a malloc'd OCI linux.seccomp, names mapped through the
 * runtime's tables and checked by its validator; errors name file:line.
 * `canon` (may be NULL) receives a canonical text of the result, equal for
 * two sections exactly when they mean the same filter. */
struct oci_seccomp *rp_seccomp_build(struct rp_arena *a, const struct rp_seccomp *s,
                                     const char *file, char **canon, struct rr_error **err);

/* Pick the section that applies to the chain (docs/rp2oci.md "Seccomp"). */
int rp_seccomp_merge(struct rp_arena *a, const struct rp_walk *walk, size_t nwalk,
                     struct rp_merged *m, struct rr_error **err) RR_WUR;

/* ---- plan (exports -> mounts, files, symlinks, locks) ------------------- */

struct rp_mount {
  const char *destination, *type, *source;
  const char *options[8];
  size_t noptions;
};

struct rp_device {
  const char *path;
  unsigned major, minor;
};

struct rp_file {
  const char *name; /* relative to the bundle: "redpak-files/N" */
  const char *data;
  size_t len;
};

struct rp_link {
  const char *link, *target;
};

struct rp_plan {
  struct rp_mount *mounts;
  size_t nmounts;
  struct rp_device *devices;
  size_t ndevices;
  struct rp_file *files;
  size_t nfiles;
  struct rp_link *links;
  size_t nlinks;
  const char **locks;
  size_t nlocks;
};

int rp_exports_plan(struct rp_arena *a, const struct rp_merged *m, struct rp_expand_env *xenv,
                    struct rp_plan *plan, struct rr_error **err) RR_WUR;

#endif
