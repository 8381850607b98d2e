# SPDX-License-Identifier: Apache-2.0
librros_a_SOURCES += \
	src/libredrun/os/security/seccomp.h \
	src/libredrun/os/security/seccomp_internal.h \
	src/libredrun/os/security/seccomp.c \
	src/libredrun/os/security/seccomp_bpf.c \
	src/libredrun/os/security/seccomp_compile_child.c \
	src/libredrun/os/security/seccomp_cache.c \
	src/libredrun/os/security/seccomp_notify.c \
	src/libredrun/os/security/lsm.h \
	src/libredrun/os/security/lsm.c \
	src/libredrun/os/security/smack.h \
	src/libredrun/os/security/smack.c
