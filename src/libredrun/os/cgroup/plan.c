/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libredrun/core/util.h"
#include "libredrun/os/cgroup/cgroup_internal.h"

static struct rr_cg_write *plan_push(struct rr_cg_plan *p)
{
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 16;
    p->w = rr_xrealloc(p->w, p->cap * sizeof(*p->w));
  }
  struct rr_cg_write *w = &p->w[p->n++];
  memset(w, 0, sizeof(*w));
  return w;
}

void rr_cg_plan_add(struct rr_cg_plan *p, const char *controller, const char *file, const char *fmt,
                    ...)
{
  va_list ap;
  char *value = NULL;
  va_start(ap, fmt);
  if (vasprintf(&value, fmt, ap) < 0)
    abort(); /* out of memory, as in rr_x* */
  va_end(ap);
  struct rr_cg_write *w = plan_push(p);
  w->controller = controller;
  w->file = rr_xstrdup(file);
  w->value = value;
}

void rr_cg_plan_add_alt(struct rr_cg_plan *p, const char *controller, const char *file,
                        const char *value, const char *alt_file, const char *alt_value)
{
  struct rr_cg_write *w = plan_push(p);
  w->controller = controller;
  w->file = rr_xstrdup(file);
  w->value = rr_xstrdup(value);
  w->alt_file = alt_file ? rr_xstrdup(alt_file) : NULL;
  w->alt_value = alt_value ? rr_xstrdup(alt_value) : NULL;
}

void rr_cg_plan_clear(struct rr_cg_plan *p)
{
  for (size_t i = 0; i < p->n; i++) {
    free(p->w[i].file);
    free(p->w[i].value);
    free(p->w[i].alt_file);
    free(p->w[i].alt_value);
  }
  free(p->w);
  memset(p, 0, sizeof(*p));
}

int rr_cg_plan_build(const oci_linux_resources *res, int64_t current_limit, struct rr_cg_plan *p,
                     struct rr_error **err)
{
  if (res == NULL)
    return 0;
  /* cpuset first: the kernel checks cpu/memory placement against it */
  if (rr_cg_plan_cpuset(res->cpu, p, err) < 0 ||
      rr_cg_plan_memory(res->memory, current_limit, p, err) < 0 ||
      rr_cg_plan_cpu(res->cpu, p, err) < 0 || rr_cg_plan_io(res->block_io, p, err) < 0 ||
      rr_cg_plan_pids(res->pids, p, err) < 0 ||
      rr_cg_plan_hugetlb(res->hugepage_limits, res->hugepage_limits_len, p, err) < 0 ||
      rr_cg_plan_rdma(res->rdma, p, err) < 0)
    return -1;
  /* unified last: its values override the converted ones, as the spec says */
  return rr_cg_plan_unified(res->unified, p, err);
}
