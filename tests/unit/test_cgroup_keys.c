/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "libredrun/core/error.h"
#include "libredrun/core/tables/cgroup_keys.h"
#include "tests/unit/tap.h"

static void ok_value(const char *file, const char *value)
{
  struct rr_error *err = NULL;
  int r = rr_cg_value_validate(file, value, &err);
  TAP_OK(r == 0, "%s = `%s` accepted", file, value);
  if (err)
    printf("#   %s\n", err->msg);
  rr_error_free(err);
}

static void bad_value(const char *file, const char *value)
{
  struct rr_error *err = NULL;
  int r = rr_cg_value_validate(file, value, &err);
  TAP_OK(r < 0 && err && err->kind == RR_ERR_INVALID, "%s = `%s` rejected", file, value);
  rr_error_free(err);
}

static void test_lookup(void)
{
  const struct rr_cg_key *k = rr_cg_key_lookup("memory.max");
  TAP_OK(k && strcmp(k->controller, "memory") == 0, "memory.max belongs to memory");
  k = rr_cg_key_lookup("hugetlb.2MB.max");
  TAP_OK(k && strcmp(k->controller, "hugetlb") == 0, "hugetlb.2MB.max is known");
  k = rr_cg_key_lookup("hugetlb.1GB.rsvd.max");
  TAP_STR_EQ(k ? k->file : NULL, "hugetlb.<size>.rsvd.max", "hugetlb.1GB.rsvd.max is the rsvd key");
  TAP_OK(rr_cg_key_lookup("hugetlb.2XB.max") == NULL, "bad hugetlb size unknown");
  TAP_OK(rr_cg_key_lookup("memory.nope") == NULL, "unknown file");
  TAP_OK(rr_cg_key_lookup("io.cost.qos")->flags & RR_CG_ROOT_ONLY, "io.cost.qos is root-only");

  /* red-pak's cgroups keys (redpak-format.md 3.6) */
  static const char *const map[][3] = {
      {"cpuset", "cpus", "cpuset.cpus"},
      {"cpuset", "mems", "cpuset.mems"},
      {"cpuset", "cpus_partition", "cpuset.cpus.partition"},
      {"mem", "min", "memory.min"},
      {"mem", "low", "memory.low"},
      {"mem", "high", "memory.high"},
      {"mem", "max", "memory.max"},
      {"mem", "swap_high", "memory.swap.high"},
      {"mem", "swap_max", "memory.swap.max"},
      {"mem", "oom_group", "memory.oom.group"},
      {"cpu", "weight", "cpu.weight"},
      {"cpu", "weight_nice", "cpu.weight.nice"},
      {"cpu", "max", "cpu.max"},
      {"io", "weight", "io.weight"},
      {"io", "max", "io.max"},
      {"io", "cost_qos", "io.cost.qos"},
      {"io", "cost_model", "io.cost.model"},
      {"pids", "max", "pids.max"},
  };
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
    k = rr_cg_key_lookup_redpak(map[i][0], map[i][1]);
    TAP_STR_EQ(k ? k->file : NULL, map[i][2], "red-pak %s.%s", map[i][0], map[i][1]);
  }
  TAP_OK(rr_cg_key_lookup_redpak("mem", "nope") == NULL, "unknown red-pak key");
}

static void test_values(void)
{
  ok_value("memory.max", "max");
  ok_value("memory.max", "12G");
  ok_value("memory.max", "512m");
  ok_value("memory.max", "33554432");
  ok_value("memory.max", "1024\n");
  bad_value("memory.max", "12Q");
  bad_value("memory.max", "-1");
  bad_value("memory.max", "");
  bad_value("memory.max", "1 2");
  bad_value("memory.max", "M");
  bad_value("memory.max", "99999999999999999999");
  ok_value("memory.swap.max", "0");
  ok_value("memory.oom.group", "1");
  bad_value("memory.oom.group", "2");
  ok_value("cpu.weight", "100");
  bad_value("cpu.weight", "0");
  bad_value("cpu.weight", "10001");
  ok_value("cpu.weight.nice", "-20");
  bad_value("cpu.weight.nice", "20");
  ok_value("cpu.max", "max");
  ok_value("cpu.max", "50000 100000");
  ok_value("cpu.max", "max 100000");
  bad_value("cpu.max", "50000 100");
  bad_value("cpu.max", "500");
  bad_value("cpu.max", "50000  100000");
  ok_value("cpuset.cpus", "0-3,5");
  ok_value("cpuset.cpus", "");
  ok_value("cpuset.mems", "0");
  bad_value("cpuset.cpus", "3-1");
  bad_value("cpuset.cpus", "0,");
  bad_value("cpuset.cpus", "a");
  ok_value("cpuset.cpus.partition", "isolated");
  bad_value("cpuset.cpus.partition", "root2");
  ok_value("io.weight", "default 100");
  ok_value("io.weight", "8:0 200");
  ok_value("io.weight", "150");
  bad_value("io.weight", "8:0 0");
  bad_value("io.weight", "sda 100");
  ok_value("io.max", "8:0 rbps=1048576 wiops=max");
  ok_value("io.max", "8:0 rbps=1\n8:16 wbps=2");
  bad_value("io.max", "8:0 foo=1");
  bad_value("io.max", "8:0");
  bad_value("io.max", "8:0 rbps=abc");
  ok_value("io.cost.qos", "8:0 enable=1 ctrl=auto rpct=95.00");
  ok_value("io.cost.model", "8:0 ctrl=user model=linear rbps=100");
  ok_value("pids.max", "max");
  ok_value("pids.max", "10");
  bad_value("pids.max", "-1");
  bad_value("pids.max", "ten");
  ok_value("hugetlb.2MB.max", "4M");
  ok_value("rdma.max", "mlx4_0 hca_handle=2 hca_object=max");
  bad_value("rdma.max", "mlx4_0 nope=2");
  ok_value("misc.max", "sev 2");
  ok_value("cpu.uclamp.min", "12.50");
  bad_value("cpu.uclamp.min", "100.5");
  bad_value("memory.current", "1");
  bad_value("nope.file", "1");
}

static void test_names(void)
{
  struct rr_error *err = NULL;
  TAP_OK(rr_cg_name_validate("memory.max", NULL) == 0, "memory.max is a valid name");
  TAP_OK(rr_cg_name_validate("memory.future_file", NULL) == 0, "unknown file of valid shape");
  const char *bad[] = {"memory",       "../memory.max",          "a/b.c",         ".max",
                       "cgroup.procs", "cgroup.subtree_control", "cgroup.freeze", "memory.stat"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    TAP_OK(rr_cg_name_validate(bad[i], &err) < 0, "name `%s` rejected", bad[i]);
    rr_error_clear(&err);
  }
}

static void test_bytes(void)
{
  unsigned long long v;
  int max;
  TAP_OK(rr_cg_parse_bytes("2k", &v, &max) == 0 && v == 2048 && !max, "2k = 2048");
  TAP_OK(rr_cg_parse_bytes("1G", &v, &max) == 0 && v == 1ULL << 30, "1G");
  TAP_OK(rr_cg_parse_bytes("max", &v, &max) == 0 && max, "max");
  TAP_OK(rr_cg_parse_bytes("16E", &v, &max) < 0, "16E overflows");
}

int main(void)
{
  test_lookup();
  test_values();
  test_names();
  test_bytes();
  return tap_done();
}
