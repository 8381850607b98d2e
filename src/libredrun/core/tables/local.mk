# SPDX-License-Identifier: Apache-2.0
librrcore_a_SOURCES += \
	src/libredrun/core/tables/namespaces.h \
	src/libredrun/core/tables/namespaces.c \
	src/libredrun/core/tables/capabilities.h \
	src/libredrun/core/tables/capabilities.c \
	src/libredrun/core/tables/signals.h \
	src/libredrun/core/tables/signals.c \
	src/libredrun/core/tables/cgroup_keys.h \
	src/libredrun/core/tables/cgroup_keys.c \
	src/libredrun/core/tables/seccomp_names.h \
	src/libredrun/core/tables/seccomp_names.c \
	src/libredrun/core/tables/mount_options.h \
	src/libredrun/core/tables/mount_options.c \
	src/libredrun/core/tables/mount_validate.c \
	src/libredrun/core/tables/cgroup_resources.c
librrcore_a_SOURCES += src/libredrun/core/tables/rlimits.h src/libredrun/core/tables/rlimits.c
