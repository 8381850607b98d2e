# SPDX-License-Identifier: Apache-2.0
librros_a_SOURCES += \
	src/libredrun/os/proc/clone.h \
	src/libredrun/os/proc/clone.c \
	src/libredrun/os/proc/sync.h \
	src/libredrun/os/proc/sync.c \
	src/libredrun/os/proc/identity.h \
	src/libredrun/os/proc/identity.c \
	src/libredrun/os/proc/terminal.h \
	src/libredrun/os/proc/terminal.c \
	src/libredrun/os/proc/child.h \
	src/libredrun/os/proc/child.c \
	src/libredrun/os/proc/parent_death.h \
	src/libredrun/os/proc/parent_death.c \
	src/libredrun/os/proc/redpak_locks.h \
	src/libredrun/os/proc/redpak_locks.c \
	src/libredrun/os/proc/fds.h \
	src/libredrun/os/proc/fds.c
