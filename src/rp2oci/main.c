/* SPDX-License-Identifier: Apache-2.0 */
/* rp2oci [--admin] --redpath NODE_DIR --bundle OUT_DIR [--rootfs DIR] [-- CMD ARGS...]
 * Load the node chain, merge it, plan the exports, build and validate the OCI
 * config, then write the bundle with config.json last. Any error: one line on
 * stderr, exit 1, no config.json. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libredrun/core/log.h"
#include "libredrun/core/spec/validate.h"
#include "libredrun/core/util.h"
#include "rp2oci/bundle.h"
#include "rp2oci/to_oci.h"

static void usage(FILE *out)
{
  fprintf(out, "usage: rp2oci [--admin] --redpath NODE_DIR --bundle OUT_DIR [--rootfs DIR] "
               "[-- CMD ARGS...]\n");
}

static int parse_args(int argc, char **argv, struct rp_options *o, struct rr_error **err)
{
  static const struct option opts[] = {
      {"admin", no_argument, NULL, 'a'},
      {"redpath", required_argument, NULL, 'r'},
      {"bundle", required_argument, NULL, 'b'},
      {"rootfs", required_argument, NULL, 'R'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0},
  };
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    switch (c) {
    case 'a':
      o->admin = true;
      break;
    case 'r':
      o->redpath = optarg;
      break;
    case 'b':
      o->bundle = optarg;
      break;
    case 'R':
      o->rootfs = optarg;
      break;
    case 'h':
      usage(stdout);
      return 1;
    case 'V':
      printf("rp2oci %s (red-pak 2.5.1 node format, OCI %s)\n", PACKAGE_VERSION, RR_OCI_VERSION);
      return 1;
    case ':':
      return rr_fail(err, RR_ERR_INVALID, 0, "option `%s` needs a value", argv[optind - 1]);
    default:
      return rr_fail(err, RR_ERR_INVALID, 0, "unknown option `%s`", argv[optind - 1]);
    }
  }
  if (o->redpath == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, "missing --redpath NODE_DIR");
  if (o->bundle == NULL)
    return rr_fail(err, RR_ERR_INVALID, 0, "missing --bundle OUT_DIR");
  if (optind < argc)
    o->args = &argv[optind];
  return 0;
}

static int convert(struct rp_arena *a, struct rp_options *o, struct rr_error **err)
{
  if (rp_bundle_clear(o->bundle) < 0)
    return rr_fail_errno(err, "remove old `%s/config.json`", o->bundle);
  if (o->rootfs != NULL) {
    struct stat st;
    if (stat(o->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
      return rr_fail(err, RR_ERR_INVALID, 0, "--rootfs `%s`: not an existing directory", o->rootfs);
    _cleanup_free_ char *cwd = getcwd(NULL, 0);
    o->rootfs = rp_path_normalize(a, o->rootfs, cwd);
  }

  struct rp_chain chain;
  if (rp_chain_load(a, o->redpath, o->admin, &chain, err) < 0)
    return -1;
  struct rp_expand_env xenv = {.run = rp_cmd_run_bash};
  struct rp_merged m;
  if (rp_merge(a, &chain, &xenv, &m, err) < 0)
    return -1;
  struct rp_plan plan;
  if (rp_exports_plan(a, &m, &xenv, &plan, err) < 0)
    return -1;
  oci_config *cfg = NULL;
  if (rp_to_oci(a, &m, &plan, &xenv, o, &cfg, err) < 0)
    return -1;
  char *json = NULL;
  int r = rr_spec_validate(cfg, err);
  if (r < 0)
    rr_wrap(err, "generated config.json is not valid");
  else if ((json = oci_config_generate(cfg, true, err)) == NULL)
    r = -1;
  oci_config_free(cfg);
  if (r < 0)
    return -1;
  r = rp_bundle_write(&plan, o->bundle, o->rootfs, json, err);
  free(json);
  return r;
}

/* The core logger prefixes "redrun:"; rp2oci's warnings name rp2oci. */
static void log_to_stderr(enum rr_log_level level, const char *msg, void *data)
{
  (void)data;
  fprintf(stderr, "rp2oci: %s%s\n", level == RR_LOG_WARN ? "warning: " : "", msg);
}

int main(int argc, char **argv)
{
  _cleanup_error_ struct rr_error *err = NULL;
  rr_log_set_hook(log_to_stderr, NULL);
  struct rp_options o = {0};
  int r = parse_args(argc, argv, &o, &err);
  if (r > 0)
    return 0;
  if (r < 0) {
    rr_log_error_final("rp2oci", err);
    return 1;
  }
  struct rp_arena a = {0};
  r = convert(&a, &o, &err);
  rp_arena_release(&a);
  if (r < 0) {
    rr_log_error_final("rp2oci", err);
    return 1;
  }
  return 0;
}
