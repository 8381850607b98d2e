/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"

void rr_fs_mountinfo_unescape(char *s)
{
  char *w = s;
  for (char *r = s; *r; r++) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
        r[3] <= '7') {
      *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 3;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
}

/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER" */
static bool parse_line(char *line, struct rr_fs_mountinfo *e)
{
  char *field[6] = {0};
  size_t n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
    if (n < RR_ARRAY_SIZE(field)) {
      field[n++] = tok;
      continue;
    }
    if (strcmp(tok, "-") != 0)
      continue; /* optional fields (shared:N, master:N ...) */
    char *fstype = strtok_r(NULL, " ", &save);
    if (fstype == NULL)
      return false;
    char *end;
    long id = strtol(field[0], &end, 10);
    if (*end != '\0' || id < 0)
      return false;
    rr_fs_mountinfo_unescape(field[3]);
    rr_fs_mountinfo_unescape(field[4]);
    rr_fs_mountinfo_unescape(fstype);
    *e = (struct rr_fs_mountinfo){.id = (int)id,
                                  .root = rr_xstrdup(field[3]),
                                  .mountpoint = rr_xstrdup(field[4]),
                                  .fstype = rr_xstrdup(fstype)};
    return true;
  }
  return false;
}

/* Is `dir` the path `p` or one of its ancestors? */
static bool covers(const char *dir, const char *p)
{
  if (strcmp(dir, "/") == 0)
    return p[0] == '/';
  size_t l = strlen(dir);
  return strncmp(dir, p, l) == 0 && (p[l] == '\0' || p[l] == '/');
}

struct rr_fs_mountinfo *rr_fs_mountinfo_parse(const char *text, size_t *n)
{
  _cleanup_free_ char *copy = rr_xstrdup(text ? text : "");
  size_t cap = 16;
  struct rr_fs_mountinfo *v = rr_xcalloc(cap, sizeof(*v));
  *n = 0;
  char *save = NULL;
  for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (*n == cap)
      v = rr_xrealloc(v, (cap *= 2) * sizeof(*v));
    if (parse_line(line, &v[*n]))
      (*n)++;
  }
  /* mountinfo lists mounts in the order they were made: a later mount on
   * the same mount point or on an ancestor of it hides this one. */
  for (size_t i = 0; i < *n; i++) {
    v[i].visible = true;
    for (size_t j = i + 1; j < *n && v[i].visible; j++)
      if (covers(v[j].mountpoint, v[i].mountpoint))
        v[i].visible = false;
  }
  return v;
}

void rr_fs_mountinfo_free(struct rr_fs_mountinfo *v, size_t n)
{
  for (size_t i = 0; v && i < n; i++) {
    free(v[i].root);
    free(v[i].mountpoint);
    free(v[i].fstype);
  }
  free(v);
}

const struct rr_fs_mountinfo *rr_fs_mountinfo_pick(const struct rr_fs_mountinfo *v, size_t n,
                                                   const char *fstype, const char *prefer)
{
  const struct rr_fs_mountinfo *first = NULL, *best = NULL;
  for (size_t i = 0; i < n; i++) {
    if (!v[i].visible || strcmp(v[i].fstype, fstype) != 0)
      continue;
    if (first == NULL)
      first = &v[i];
    if (prefer && covers(v[i].mountpoint, prefer) &&
        (best == NULL || strlen(v[i].mountpoint) > strlen(best->mountpoint)))
      best = &v[i];
  }
  return best ? best : first;
}

char *rr_fs_cgroup_source(const char *mountpoint, const char *root, const char *cgroup)
{
  /* already a path below the mount point: the cgroup manager's own path */
  if (covers(mountpoint, cgroup))
    return rr_xstrdup(cgroup);
  if (cgroup[0] != '/')
    return rr_xasprintf("%s/%s", strcmp(mountpoint, "/") == 0 ? "" : mountpoint, cgroup);
  /* a path in the hierarchy: the mount shows it only below its root */
  if (!covers(root, cgroup))
    return NULL;
  const char *rel = strcmp(root, "/") == 0 ? cgroup : cgroup + strlen(root);
  if (*rel == '\0')
    return rr_xstrdup(mountpoint);
  return rr_xasprintf("%s%s", strcmp(mountpoint, "/") == 0 ? "" : mountpoint, rel);
}
