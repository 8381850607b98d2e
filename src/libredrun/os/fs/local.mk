# SPDX-License-Identifier: Apache-2.0
# The container's root filesystem: plan in the parent, set up in the child.
librros_a_SOURCES += \
	src/libredrun/os/fs/rootfs.h \
	src/libredrun/os/fs/plan.h \
	src/libredrun/os/fs/plan.c \
	src/libredrun/os/fs/setup.c \
	src/libredrun/os/fs/resolve.h \
	src/libredrun/os/fs/resolve.c \
	src/libredrun/os/fs/mount.c \
	src/libredrun/os/fs/mounts.c \
	src/libredrun/os/fs/mountinfo.c \
	src/libredrun/os/fs/devices.c \
	src/libredrun/os/fs/pivot.c \
	src/libredrun/os/fs/masked.c \
	src/libredrun/os/fs/sysctl.c \
	src/libredrun/os/fs/idmap.c \
	src/libredrun/os/fs/tmpcopyup.c
