# SPDX-License-Identifier: Apache-2.0
librros_a_SOURCES +=
librros_a_SOURCES += src/libredrun/os/container/features.c src/libredrun/os/container/features.h
librros_a_SOURCES += \
	src/libredrun/os/container/container.h \
	src/libredrun/os/container/internal.h \
	src/libredrun/os/container/common.c \
	src/libredrun/os/container/hooks.h \
	src/libredrun/os/container/hooks.c \
	src/libredrun/os/container/create.c \
	src/libredrun/os/container/start.c \
	src/libredrun/os/container/state.c \
	src/libredrun/os/container/kill.c \
	src/libredrun/os/container/delete.c \
	src/libredrun/os/container/run.c \
	src/libredrun/os/container/list.c \
	src/libredrun/os/container/exec.c
librros_a_SOURCES += src/libredrun/os/container/control.h src/libredrun/os/container/pause.c \
	src/libredrun/os/container/resume.c src/libredrun/os/container/update.c \
	src/libredrun/os/container/events.c src/libredrun/os/container/ps.c
