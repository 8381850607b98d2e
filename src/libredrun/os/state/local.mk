# SPDX-License-Identifier: Apache-2.0
librros_a_SOURCES += \
	src/libredrun/os/state/state.h \
	src/libredrun/os/state/state.c \
	src/libredrun/os/state/status.c
