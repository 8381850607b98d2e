# SPDX-License-Identifier: Apache-2.0
# Runtime-only code: state, processes, namespaces, mounts, cgroups, security.
# Each subdirectory lists its own files in its local.mk.
noinst_LIBRARIES += librros.a
librros_a_SOURCES = src/libredrun/os/placeholder.c
include src/libredrun/os/state/local.mk
include src/libredrun/os/proc/local.mk
include src/libredrun/os/ns/local.mk
include src/libredrun/os/fs/local.mk
include src/libredrun/os/cgroup/local.mk
include src/libredrun/os/security/local.mk
include src/libredrun/os/container/local.mk
