/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "libredrun/core/spec/default.h"
#include "libredrun/core/spec/validate.h"
#include "libredrun/core/util.h"
#include "redrun/commands.h"

static const struct option spec_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"rootless", no_argument, NULL, 'r'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* What we write must be what we accept: re-read it through the parser and
 * the validator before it reaches the disk. */
static int check_generated(const char *json, struct rr_error **err)
{
  oci_config *again __attribute__((cleanup(oci_config_freep))) =
      oci_config_parse_data(json, strlen(json), "config.json", err);
  if (again == NULL || rr_spec_validate(again, err) < 0)
    return rr_wrap(err, "spec: generated config is invalid");
  return 0;
}

static int spec(int argc, char **argv, struct rr_error **err)
{
  const char *bundle = NULL;
  bool rootless = false;
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "+b:h", spec_options, NULL)) != -1) {
    switch (opt) {
    case 'b':
      bundle = optarg;
      break;
    case 'r':
      rootless = true;
      break;
    case 'h':
      printf("usage: redrun spec [--bundle|-b DIR] [--rootless]\n\n"
             "Write a default config.json into DIR (default: the current directory).\n");
      return 0;
    default:
      return rr_fail(err, RR_ERR_INVALID, 0, "spec: unknown option `%s`", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return rr_fail(err, RR_ERR_INVALID, 0, "spec: unexpected argument `%s`", argv[optind]);

  oci_config *cfg __attribute__((cleanup(oci_config_freep))) =
      rr_spec_default(rootless, geteuid(), getegid());
  _cleanup_free_ char *json = oci_config_generate(cfg, true, err);
  if (json == NULL || check_generated(json, err) < 0)
    return -1;
  _cleanup_free_ char *path =
      bundle != NULL ? rr_xasprintf("%s/config.json", bundle) : rr_xstrdup("config.json");
  /* O_EXCL: never clobber a config someone wrote, even in a race */
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST)
    return rr_fail(err, RR_ERR_EXISTS, EEXIST, "File %s exists. Remove it first", path);
  if (fd < 0)
    return rr_fail_errno(err, "create `%s`", path);
  if (rr_write_all(fd, json, strlen(json)) < 0 || rr_write_all(fd, "\n", 1) < 0)
    return rr_fail_errno(err, "write `%s`", path);
  if (close(steal_fd(fd)) < 0)
    return rr_fail_errno(err, "write `%s`", path);
  return 0;
}

int rr_cmd_spec(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  return spec(argc, argv, err) < 0 ? 1 : 0;
}
