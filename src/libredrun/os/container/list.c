/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "libredrun/core/util.h"
#include "libredrun/os/container/internal.h"

struct row {
  char *id, *pid, *status, *bundle, *created, *owner;
};

static void row_free(struct row *r)
{
  free(r->id);
  free(r->pid);
  free(r->status);
  free(r->bundle);
  free(r->created);
  free(r->owner);
}

int rr_container_list(const struct rr_runtime *rt, const char *format, bool quiet, FILE *out,
                      struct rr_error **err)
{
  bool json = format != NULL && strcmp(format, "json") == 0;
  if (format != NULL && !json && strcmp(format, "table") != 0)
    return rr_fail(err, RR_ERR_INVALID, 0, "--format: unknown format `%s` (table or json)", format);
  _cleanup_strv_ char **ids = NULL;
  if (rr_state_list_ids(rt->root, &ids, err) < 0)
    return -1;
  struct rr_json arr;
  rr_json_init(&arr, false);
  rr_json_open_array(&arr, NULL);
  size_t n = 0;
  for (char **p = ids; *p; p++)
    n++;
  struct row *rows = rr_xcalloc(n + 1, sizeof(*rows));
  size_t nrows = 0;
  for (char **p = ids; *p; p++) {
    struct rr_cdir *d = NULL;
    struct rr_state *st = NULL;
    _cleanup_error_ struct rr_error *e = NULL;
    if (rr_container_load(rt, *p, 0, &d, &st, &e) < 0)
      continue; /* removed meanwhile, or unreadable: list what can be listed */
    enum rr_status status = rr_container_status(d, st);
    if (st != NULL) {
      rr_state_to_json(&arr, NULL, st, status, false);
      struct row *r = &rows[nrows++];
      r->id = rr_xstrdup(st->id);
      r->pid = rr_xasprintf("%d", status == RR_STATUS_STOPPED ? 0 : (int)st->pid);
      r->status = rr_xstrdup(rr_status_name(status));
      r->bundle = rr_xstrdup(st->bundle);
      r->created = rr_xstrdup(st->created ? st->created : "");
      r->owner = st->owner == 0 ? rr_xstrdup("root") : rr_xasprintf("%u", (unsigned)st->owner);
    }
    rr_state_free(st);
    rr_cdir_free(d);
  }
  if (quiet) {
    for (size_t i = 0; i < nrows; i++)
      fprintf(out, "%s\n", rows[i].id);
  } else if (json) {
    rr_json_close(&arr);
    fprintf(out, "%s\n", arr.buf);
  } else {
    int w[5] = {2, 3, 6, 6, 7};
    for (size_t i = 0; i < nrows; i++) {
      const char *c[5] = {rows[i].id, rows[i].pid, rows[i].status, rows[i].bundle, rows[i].created};
      for (int k = 0; k < 5; k++)
        if ((int)strlen(c[k]) > w[k])
          w[k] = (int)strlen(c[k]);
    }
    fprintf(out, "%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", w[0], "ID", w[1], "PID", w[2], "STATUS",
            w[3], "BUNDLE", w[4], "CREATED", "OWNER");
    for (size_t i = 0; i < nrows; i++)
      fprintf(out, "%-*s   %-*s   %-*s   %-*s   %-*s   %s\n", w[0], rows[i].id, w[1], rows[i].pid,
              w[2], rows[i].status, w[3], rows[i].bundle, w[4], rows[i].created, rows[i].owner);
  }
  for (size_t i = 0; i < nrows; i++)
    row_free(&rows[i]);
  free(rows);
  rr_json_free(&arr);
  return 0;
}
