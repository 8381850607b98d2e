# SPDX-License-Identifier: Apache-2.0
librros_a_SOURCES += \
	src/libredrun/os/cgroup/cgroup.h \
	src/libredrun/os/cgroup/cgroup_internal.h \
	src/libredrun/os/cgroup/cgroup.c \
	src/libredrun/os/cgroup/ops.c \
	src/libredrun/os/cgroup/plan.c \
	src/libredrun/os/cgroup/stats.c \
	src/libredrun/os/cgroup/cg_memory.c \
	src/libredrun/os/cgroup/cg_cpu.c \
	src/libredrun/os/cgroup/cg_cpuset.c \
	src/libredrun/os/cgroup/cg_io.c \
	src/libredrun/os/cgroup/cg_pids.c \
	src/libredrun/os/cgroup/cg_hugetlb.c \
	src/libredrun/os/cgroup/cg_rdma.c \
	src/libredrun/os/cgroup/cg_unified.c \
	src/libredrun/os/cgroup/cg_devices.c
