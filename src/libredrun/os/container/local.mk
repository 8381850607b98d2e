# SPDX-License-Identifier: Apache-2.0
librros_a_SOURCES +=
librros_a_SOURCES += src/libredrun/os/container/features.c src/libredrun/os/container/features.h
