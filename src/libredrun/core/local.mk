# SPDX-License-Identifier: Apache-2.0
# Pure code shared by redrun and rp2oci: no mounts, no clone, no cgroup writes.
noinst_LIBRARIES += librrcore.a
librrcore_a_SOURCES = \
	src/libredrun/core/error.h \
	src/libredrun/core/error.c \
	src/libredrun/core/log.h \
	src/libredrun/core/log.c \
	src/libredrun/core/util.h \
	src/libredrun/core/util.c \
	src/libredrun/core/ids.h \
	src/libredrun/core/ids.c \
	src/libredrun/core/json.h \
	src/libredrun/core/json.c
include src/libredrun/core/tables/local.mk
include src/libredrun/core/spec/local.mk
