/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <linux/bpf.h>

#include "libredrun/core/error.h"
#include "libredrun/core/tables/cgroup_keys.h"
#include "libredrun/os/cgroup/cgroup_internal.h"
#include "tests/unit/tap.h"

/* The plan for a linux.resources JSON document, as "file=value;..." */
static char *plan_of(const char *json, int64_t current, char **errmsg)
{
  struct rr_error *err = NULL;
  struct rr_cg_plan p = {0};
  oci_linux_resources *r = oci_linux_resources_parse_data(json, strlen(json), "test", &err);
  *errmsg = NULL;
  if (r == NULL || rr_resources_validate(r, &err) < 0 || rr_resources_check_v2(r, &err) < 0 ||
      rr_cg_plan_build(r, current, &p, &err) < 0) {
    *errmsg = strdup(err ? err->msg : "?");
    rr_error_free(err);
    oci_linux_resources_free(r);
    rr_cg_plan_clear(&p);
    return NULL;
  }
  size_t cap = 1024, len = 0;
  char *out = calloc(1, cap);
  for (size_t i = 0; i < p.n; i++) {
    const struct rr_cg_write *w = &p.w[i];
    len += (size_t)snprintf(out + len, cap - len, "%s%s=%s%s%s%s%s", i ? ";" : "", w->file,
                            w->value, w->alt_file ? "|" : "", w->alt_file ? w->alt_file : "",
                            w->alt_file ? "=" : "", w->alt_value ? w->alt_value : "");
  }
  oci_linux_resources_free(r);
  rr_cg_plan_clear(&p);
  return out;
}

static void expect(const char *json, const char *want, const char *what)
{
  char *e = NULL;
  char *got = plan_of(json, -1, &e);
  TAP_STR_EQ(got, want, "%s", what);
  if (e)
    printf("#   error: %s\n", e);
  free(got);
  free(e);
}

static void expect_error(const char *json, const char *needle, const char *what)
{
  char *e = NULL;
  char *got = plan_of(json, -1, &e);
  TAP_OK(got == NULL && e && strstr(e, needle), "%s", what);
  if (e && !strstr(e, needle))
    printf("#   error: %s\n", e);
  free(got);
  free(e);
}

static void test_conversions(void)
{
  TAP_OK(rr_cg_shares_to_weight(1024) == 39, "cpu shares 1024 -> weight 39");
  TAP_OK(rr_cg_shares_to_weight(2) == 1, "cpu shares 2 -> weight 1");
  TAP_OK(rr_cg_shares_to_weight(262144) == 10000, "cpu shares 262144 -> weight 10000");
  TAP_OK(rr_cg_shares_to_weight(512) == 20, "cpu shares 512 -> weight 20");
  TAP_OK(rr_cg_blkio_to_io_weight(10) == 1, "blkio 10 -> io 1");
  TAP_OK(rr_cg_blkio_to_io_weight(500) == 4950, "blkio 500 -> io 4950");
  TAP_OK(rr_cg_blkio_to_io_weight(1000) == 10000, "blkio 1000 -> io 10000");
  int64_t v;
  TAP_OK(rr_cg_swap_to_v2(96, 64, &v, NULL) == 0 && v == 32, "swap total 96 - memory 64 = 32");
  TAP_OK(rr_cg_swap_to_v2(-1, 64, &v, NULL) == 0 && v == -1, "swap -1 = max");
  TAP_OK(rr_cg_swap_to_v2(32, 64, &v, NULL) < 0, "swap below memory refused");
  TAP_OK(rr_cg_swap_to_v2(32, -1, &v, NULL) < 0, "swap without memory limit refused");
}

static void test_plans(void)
{
  expect("{\"memory\":{\"limit\":33554432,\"swap\":67108864,\"reservation\":1048576}}",
         "memory.low=1048576;memory.swap.max=33554432;memory.max=33554432", "memory");
  expect("{\"memory\":{\"limit\":-1}}", "memory.swap.max=max;memory.max=max", "memory unlimited");
  expect("{\"memory\":{\"limit\":0}}", "", "memory limit 0 is unset");
  expect("{\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"burst\":1000,\"idle\":1}}",
         "cpu.weight=39;cpu.max=50000 100000;cpu.max.burst=1000;cpu.idle=1", "cpu");
  expect("{\"cpu\":{\"quota\":-1,\"period\":100000}}", "cpu.max=max 100000", "cpu quota -1");
  expect("{\"cpu\":{\"quota\":20000}}", "cpu.max=20000", "cpu quota alone");
  expect("{\"cpu\":{\"cpus\":\"0-1\",\"mems\":\"0\"}}", "cpuset.cpus=0-1;cpuset.mems=0", "cpuset");
  expect("{\"pids\":{\"limit\":10}}", "pids.max=10", "pids");
  expect("{\"pids\":{\"limit\":-1}}", "pids.max=max", "pids unlimited");
  expect("{\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":100}],"
         "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
         "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":0}]}}",
         "io.bfq.weight=500|io.weight=4950;io.bfq.weight=8:0 100|io.weight=8:0 910;"
         "io.max=8:0 rbps=1048576;io.max=8:16 wiops=max",
         "blockIO");
  expect("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}",
         "hugetlb.2MB.max=4194304;hugetlb.2MB.rsvd.max=4194304", "hugepageLimits");
  expect("{\"rdma\":{\"mlx5_0\":{\"hcaHandles\":3,\"hcaObjects\":100}}}",
         "rdma.max=mlx5_0 hca_handle=3 hca_object=100", "rdma");
  expect("{\"memory\":{\"limit\":1024},\"unified\":{\"memory.max\":\"2048\",\"memory.oom.group\":"
         "\"1\","
         "\"cpuset.cpus.partition\":\"root\"}}",
         "memory.max=1024;memory.max=2048;memory.oom.group=1;cpuset.cpus.partition=root",
         "unified after converted fields");
  expect_error("{\"cpu\":{\"realtimeRuntime\":1000}}", "realtimeRuntime", "rt runtime refused");
  expect_error("{\"cpu\":{\"realtimePeriod\":1000}}", "realtimePeriod", "rt period refused");
  expect_error("{\"network\":{\"classID\":1}}", "network", "network classID refused");
  expect_error("{\"network\":{\"priorities\":[{\"name\":\"eth0\",\"priority\":1}]}}", "network",
               "network priorities refused");
  expect_error("{\"memory\":{\"kernel\":1048576}}", "memory.kernel", "kernel memory refused");
  expect_error("{\"memory\":{\"swappiness\":10}}", "swappiness", "swappiness refused");
  expect_error("{\"memory\":{\"limit\":64,\"swap\":32}}", "memory.swap", "swap < limit refused");
  expect_error("{\"memory\":{\"limit\":-1,\"swap\":32}}", "memory.swap", "swap, unlimited memory");
  expect_error("{\"unified\":{\"memory.max\":\"12Q\"}}", "12Q", "unified bad value");
  expect_error("{\"unified\":{\"../memory.max\":\"1\"}}", "unified", "unified path traversal");
  expect_error("{\"unified\":{\"cgroup.procs\":\"1\"}}", "managed", "unified cgroup.procs");
  expect_error("{\"unified\":{\"nope.file\":\"1\"}}", "unknown cgroup v2 controller",
               "unified unknown controller");
  expect_error("{\"blockIO\":{\"leafWeight\":100}}", "leafWeight", "leaf weight refused");
  expect_error("{\"unified\":{\"io.cost.qos\":\"8:0 enable=1\"}}", "only in the root cgroup",
               "root-only file refused");
  expect_error("{\"blockIO\":{\"weight\":5}}", "blockIO.weight", "blkio weight range");
  expect_error("{\"cpu\":{\"period\":100}}", "cpu.period", "period range");
  expect_error("{\"cpu\":{\"cpus\":\"0-\"}}", "cpu.cpus", "bad cpu list");
  expect_error("{\"hugepageLimits\":[{\"pageSize\":\"3XB\",\"limit\":1}]}", "pageSize",
               "bad page size");
  expect_error("{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}", "access",
               "bad device access");

  /* update: swap alone converts against the limit in place */
  char *e = NULL;
  char *got = plan_of("{\"memory\":{\"swap\":100}}", 60, &e);
  TAP_STR_EQ(got, "memory.swap.max=40", "update: swap against the current memory.max");
  free(got);
  free(e);
}

static void test_devices(void)
{
  struct rr_error *err = NULL;
  const char *json =
      "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
      "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"r\"}]}";
  oci_linux_resources *r = oci_linux_resources_parse_data(json, strlen(json), "test", &err);
  struct rr_cg_dev_rule *rules = NULL;
  size_t n = 0;
  /* TAP_OK evaluates its condition twice: call once */
  bool built = r && rr_cg_devices_rules(r, &rules, &n, &err) == 0;
  TAP_OK(built, "device rules built");
  TAP_OK(n == 2 + 11, "user rules then the default allow list (%zu)", n);
  TAP_OK(rules[0].type == 'a' && !rules[0].allow && rules[0].major == -1, "deny all first");
  TAP_OK(rules[1].type == 'c' && rules[1].major == 10 && rules[1].minor == 229 &&
             rules[1].access == BPF_DEVCG_ACC_READ,
         "allow c 10:229 r");
  size_t count = 0;
  struct bpf_insn *prog = rr_cg_devices_program(rules, n, &count);
  TAP_OK(prog && count > 6 && prog[count - 1].code == (BPF_JMP | BPF_EXIT), "program ends in exit");
  /* every jump lands inside the program */
  bool ok = true;
  for (size_t i = 0; i < count; i++)
    if (BPF_CLASS(prog[i].code) == BPF_JMP && BPF_OP(prog[i].code) == BPF_JNE &&
        i + 1 + (size_t)prog[i].off >= count)
      ok = false;
  TAP_OK(ok, "jump targets in range");
  free(prog);
  free(rules);
  oci_linux_resources_free(r);
  rr_error_free(err);
}

int main(void)
{
  test_conversions();
  test_plans();
  test_devices();
  return tap_done();
}
