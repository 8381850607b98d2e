/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/os/container/control.h"
#include "redrun/cmd_common.h"

enum { OPT_STATS = 256, OPT_INTERVAL };
static const struct option events_options[] = {{"stats", no_argument, NULL, OPT_STATS},
                                               {"interval", required_argument, NULL, OPT_INTERVAL},
                                               {NULL, 0, NULL, 0}};

/* Go's duration syntax as runc takes it: "5s", "500ms", "1m", "1h30m". */
static int parse_duration(const char *s, long *ms)
{
  double total = 0;
  const char *p = s;
  if (*p == '\0')
    return -1;
  while (*p) {
    char *end;
    double v = strtod(p, &end);
    if (end == p || v < 0)
      return -1;
    p = end;
    if (strncmp(p, "ms", 2) == 0) {
      total += v;
      p += 2;
    } else if (*p == 's') {
      total += v * 1000;
      p++;
    } else if (*p == 'm') {
      total += v * 60000;
      p++;
    } else if (*p == 'h') {
      total += v * 3600000;
      p++;
    } else {
      return -1;
    }
  }
  if (total < 1)
    return -1;
  *ms = (long)total;
  return 0;
}

int rr_cmd_events(int argc, char **argv, const struct rr_global *g, struct rr_error **err)
{
  bool once = false;
  long interval = 5000;
  int opt;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, "", events_options, NULL)) != -1) {
    if (opt == OPT_STATS) {
      once = true;
    } else if (opt == OPT_INTERVAL) {
      if (parse_duration(optarg, &interval) < 0)
        return rr_fail(err, RR_ERR_INVALID, 0, "events: invalid --interval `%s`", optarg), 1;
    } else {
      return rr_cmd_bad_flag(argv, err), 1;
    }
  }
  if (rr_cmd_nargs(argc, argv, 1, 1, "the container id", err) < 0)
    return 1;
  struct rr_runtime rt = rr_cmd_runtime(g);
  return rr_container_events(&rt, argv[optind], once, interval, stdout, err) < 0 ? 1 : 0;
}
