/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "libredrun/os/cgroup/cgroup_internal.h"

uint64_t rr_cg_blkio_to_io_weight(uint64_t weight)
{
  /* v1 blkio.weight [10, 1000] onto io.weight [1, 10000], runc's formula */
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

/* io.bfq.weight takes the v1 scale as is; without BFQ io.weight gets the
 * converted value. Which one exists is known only at apply time. */
static void add_weight(struct rr_cg_plan *p, const char *dev, uint64_t w)
{
  char bfq[64], io[64];
  snprintf(bfq, sizeof(bfq), "%s%" PRIu64, dev, w);
  snprintf(io, sizeof(io), "%s%" PRIu64, dev, rr_cg_blkio_to_io_weight(w));
  rr_cg_plan_add_alt(p, "io", "io.bfq.weight", bfq, "io.weight", io);
}

static int add_throttle(struct rr_cg_plan *p, oci_throttle_device *const *d, size_t n,
                        const char *key)
{
  for (size_t i = 0; i < n; i++) {
    /* rate 0 lifts the limit, as with v1's 0 */
    if (d[i]->rate == 0)
      rr_cg_plan_add(p, "io", "io.max", "%" PRId64 ":%" PRId64 " %s=max", d[i]->major, d[i]->minor,
                     key);
    else
      rr_cg_plan_add(p, "io", "io.max", "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d[i]->major,
                     d[i]->minor, key, d[i]->rate);
  }
  return 0;
}

int rr_cg_plan_io(const oci_block_io *b, struct rr_cg_plan *p, struct rr_error **err)
{
  if (b == NULL)
    return 0;
  if (b->weight_present && b->weight != 0)
    add_weight(p, "", b->weight);
  for (size_t i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *d = b->weight_device[i];
    if (!d->weight_present || d->weight == 0)
      continue;
    char dev[48];
    snprintf(dev, sizeof(dev), "%" PRId64 ":%" PRId64 " ", d->major, d->minor);
    add_weight(p, dev, d->weight);
  }
  add_throttle(p, b->throttle_read_bps_device, b->throttle_read_bps_device_len, "rbps");
  add_throttle(p, b->throttle_write_bps_device, b->throttle_write_bps_device_len, "wbps");
  add_throttle(p, b->throttle_read_iops_device, b->throttle_read_iops_device_len, "riops");
  add_throttle(p, b->throttle_write_iops_device, b->throttle_write_iops_device_len, "wiops");
  return 0;
}
