/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libredrun/core/tables/cgroup_keys.h"

#define P ".linux.resources."

static int refuse(struct rr_error **err, const char *field, const char *why)
{
  return rr_fail(err, RR_ERR_UNSUPPORTED, 0, P "%s: %s", field, why);
}

static int check_memory(const oci_memory *m, struct rr_error **err)
{
  if (m == NULL)
    return 0;
  const struct {
    const char *name;
    bool present;
    int64_t v;
  } vals[] = {{"limit", m->limit_present, m->limit},
              {"reservation", m->reservation_present, m->reservation},
              {"swap", m->swap_present, m->swap}};
  for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
    if (vals[i].present && vals[i].v < -1)
      return rr_fail(err, RR_ERR_INVALID, 0, P "memory.%s: invalid value %" PRId64, vals[i].name,
                     vals[i].v);
  if (m->swap_present && m->swap > 0) {
    if (!m->limit_present || m->limit == 0)
      return 0; /* update: converted against the limit in place */
    if (m->limit == -1)
      return rr_fail(err, RR_ERR_INVALID, 0, P "memory.swap: a swap limit needs a memory limit");
    if (m->swap < m->limit)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     P "memory.swap: memory+swap (%" PRId64
                       ") must be >= the memory limit (%" PRId64 ")",
                     m->swap, m->limit);
  }
  return 0;
}

static int check_cpu(const oci_cpu *c, struct rr_error **err)
{
  if (c == NULL)
    return 0;
  if (c->quota_present && c->quota < -1)
    return rr_fail(err, RR_ERR_INVALID, 0, P "cpu.quota: invalid value %" PRId64, c->quota);
  if (c->quota_present && c->quota > 0 && c->quota < 1000)
    return rr_fail(err, RR_ERR_INVALID, 0, P "cpu.quota: %" PRId64 " is below 1000 microseconds",
                   c->quota);
  if (c->period_present && c->period != 0 && (c->period < 1000 || c->period > 1000000))
    return rr_fail(err, RR_ERR_INVALID, 0,
                   P "cpu.period: %" PRIu64 " is outside 1000-1000000 microseconds", c->period);
  if (c->idle_present && c->idle != 0 && c->idle != 1)
    return rr_fail(err, RR_ERR_INVALID, 0, P "cpu.idle: must be 0 or 1");
  if (c->cpus && *c->cpus && rr_cg_value_validate("cpuset.cpus", c->cpus, err) < 0)
    return rr_wrap(err, P "cpu.cpus");
  if (c->mems && *c->mems && rr_cg_value_validate("cpuset.mems", c->mems, err) < 0)
    return rr_wrap(err, P "cpu.mems");
  return 0;
}

static int check_blkio(const oci_block_io *b, struct rr_error **err)
{
  if (b == NULL)
    return 0;
  if (b->weight_present && b->weight != 0 && (b->weight < 10 || b->weight > 1000))
    return rr_fail(err, RR_ERR_INVALID, 0, P "blockIO.weight: %u is outside 10-1000",
                   (unsigned)b->weight);
  for (size_t i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *d = b->weight_device[i];
    if (d->major < 0 || d->minor < 0)
      return rr_fail(err, RR_ERR_INVALID, 0, P "blockIO.weightDevice[%zu]: invalid device number",
                     i);
    if (d->weight_present && d->weight != 0 && (d->weight < 10 || d->weight > 1000))
      return rr_fail(err, RR_ERR_INVALID, 0,
                     P "blockIO.weightDevice[%zu].weight: %u is outside 10-1000", i,
                     (unsigned)d->weight);
  }
  const struct {
    const char *name;
    oci_throttle_device **d;
    size_t n;
  } lists[] = {
      {"throttleReadBpsDevice", b->throttle_read_bps_device, b->throttle_read_bps_device_len},
      {"throttleWriteBpsDevice", b->throttle_write_bps_device, b->throttle_write_bps_device_len},
      {"throttleReadIOPSDevice", b->throttle_read_iops_device, b->throttle_read_iops_device_len},
      {"throttleWriteIOPSDevice", b->throttle_write_iops_device, b->throttle_write_iops_device_len},
  };
  for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
    for (size_t i = 0; i < lists[l].n; i++)
      if (lists[l].d[i]->major < 0 || lists[l].d[i]->minor < 0)
        return rr_fail(err, RR_ERR_INVALID, 0, P "blockIO.%s[%zu]: invalid device number",
                       lists[l].name, i);
  return 0;
}

static int check_devices(const oci_linux_resources *r, struct rr_error **err)
{
  for (size_t i = 0; i < r->devices_len; i++) {
    const oci_device_cgroup *d = r->devices[i];
    if (d->type && (strlen(d->type) != 1 || strchr("abc", d->type[0]) == NULL))
      return rr_fail(err, RR_ERR_INVALID, 0, P "devices[%zu].type: invalid type `%s`", i, d->type);
    if (d->access && strspn(d->access, "rwm") != strlen(d->access))
      return rr_fail(err, RR_ERR_INVALID, 0, P "devices[%zu].access: invalid access `%s`", i,
                     d->access);
    if ((d->major_present && d->major < -1) || (d->minor_present && d->minor < -1))
      return rr_fail(err, RR_ERR_INVALID, 0, P "devices[%zu]: invalid device number", i);
  }
  return 0;
}

int rr_resources_validate(const oci_linux_resources *r, struct rr_error **err)
{
  if (r == NULL)
    return 0;
  if (check_memory(r->memory, err) < 0 || check_cpu(r->cpu, err) < 0 ||
      check_blkio(r->block_io, err) < 0 || check_devices(r, err) < 0)
    return -1;
  if (r->pids && r->pids->limit_present && r->pids->limit < -1)
    return rr_fail(err, RR_ERR_INVALID, 0, P "pids.limit: invalid value %" PRId64, r->pids->limit);
  for (size_t i = 0; i < r->hugepage_limits_len; i++) {
    const char *size = r->hugepage_limits[i]->page_size;
    char file[64];
    snprintf(file, sizeof(file), "hugetlb.%s.max", size ? size : "");
    if (size == NULL || strlen(size) > 16 || rr_cg_key_lookup(file) == NULL)
      return rr_fail(err, RR_ERR_INVALID, 0,
                     P "hugepageLimits[%zu].pageSize: invalid page size `%s`", i, size ? size : "");
  }
  for (size_t i = 0; r->rdma && i < r->rdma->len; i++) {
    const char *dev = r->rdma->keys[i];
    if (*dev == '\0' || strpbrk(dev, " \n=/") != NULL)
      return rr_fail(err, RR_ERR_INVALID, 0, P "rdma: invalid device name `%s`", dev);
  }
  for (size_t i = 0; r->unified && i < r->unified->len; i++) {
    const char *file = r->unified->keys[i];
    if (rr_cg_name_validate(file, err) < 0)
      return rr_wrap(err, P "unified");
    if (rr_cg_key_lookup(file) != NULL &&
        rr_cg_value_validate(file, r->unified->values[i], err) < 0)
      return rr_wrap(err, P "unified");
  }
  return 0;
}

int rr_resources_check_v2(const oci_linux_resources *r, struct rr_error **err)
{
  if (r == NULL)
    return 0;
  const oci_memory *m = r->memory;
  if (m != NULL) {
    if (m->kernel_present && m->kernel != 0 && m->kernel != -1)
      return refuse(err, "memory.kernel", "kernel memory limits do not exist on cgroup v2");
    if (m->kernel_tcp_present && m->kernel_tcp != 0 && m->kernel_tcp != -1)
      return refuse(err, "memory.kernelTCP", "kernel TCP memory limits do not exist on cgroup v2");
    if (m->swappiness_present && m->swappiness <= 100)
      return refuse(err, "memory.swappiness", "per-cgroup swappiness does not exist on cgroup v2");
    if (m->disable_oom_killer_present && m->disable_oom_killer)
      return refuse(err, "memory.disableOOMKiller",
                    "the OOM killer cannot be disabled on cgroup v2 (see memory.oom.group)");
  }
  const oci_cpu *c = r->cpu;
  if (c != NULL) {
    if (c->realtime_runtime_present && c->realtime_runtime != 0)
      return refuse(err, "cpu.realtimeRuntime",
                    "real-time CPU budgets are not available on cgroup v2");
    if (c->realtime_period_present && c->realtime_period != 0)
      return refuse(err, "cpu.realtimePeriod",
                    "real-time CPU budgets are not available on cgroup v2");
  }
  const oci_block_io *b = r->block_io;
  if (b != NULL) {
    if (b->leaf_weight_present && b->leaf_weight != 0)
      return refuse(err, "blockIO.leafWeight", "leaf weights do not exist on cgroup v2");
    for (size_t i = 0; i < b->weight_device_len; i++) {
      const oci_weight_device *d = b->weight_device[i];
      if (d->leaf_weight_present && d->leaf_weight != 0)
        return rr_fail(
            err, RR_ERR_UNSUPPORTED, 0,
            P "blockIO.weightDevice[%zu].leafWeight: leaf weights do not exist on cgroup v2", i);
    }
  }
  if (r->network && (r->network->class_id_present || r->network->priorities_len > 0))
    return refuse(err, "network",
                  "net_cls/net_prio (classID, priorities) do not exist on cgroup v2");
  for (size_t i = 0; r->unified && i < r->unified->len; i++) {
    const struct rr_cg_key *k = rr_cg_key_lookup(r->unified->keys[i]);
    if (k && (k->flags & RR_CG_ROOT_ONLY))
      return rr_fail(err, RR_ERR_UNSUPPORTED, 0,
                     P "unified: `%s` exists only in the root cgroup (a host-wide setting)",
                     r->unified->keys[i]);
  }
  return 0;
}
