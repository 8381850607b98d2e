# SPDX-License-Identifier: Apache-2.0
librros_a_SOURCES += \
	src/libredrun/os/ns/ns.h \
	src/libredrun/os/ns/ns.c
