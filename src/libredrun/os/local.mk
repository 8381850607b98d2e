# SPDX-License-Identifier: Apache-2.0
# Runtime-only code: state, processes, namespaces, mounts, cgroups, security.
noinst_LIBRARIES += librros.a
librros_a_SOURCES = \
	src/libredrun/os/placeholder.c
