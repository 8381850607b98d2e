# SPDX-License-Identifier: Apache-2.0
# make check: C unit tests (TAP, no root) and bats integration tests (root).
TEST_EXTENSIONS = .bats
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
BATS_LOG_DRIVER = $(LOG_DRIVER)
BATS_LOG_COMPILER = $(top_srcdir)/tests/run-bats.sh
AM_TESTS_ENVIRONMENT = \
	REDRUN='$(abs_top_builddir)/redrun'; export REDRUN; \
	RP2OCI='$(abs_top_builddir)/rp2oci'; export RP2OCI; \
	TESTS_SRCDIR='$(abs_top_srcdir)/tests'; export TESTS_SRCDIR; \
	TESTS_BUILDDIR='$(abs_top_builddir)/tests'; export TESTS_BUILDDIR;

UNIT_LDADD = librrcore.a libocispec-lite.a librrcore.a $(YAJL_LIBS)

check_PROGRAMS += tests/unit/test_core
tests_unit_test_core_SOURCES = tests/unit/test_core.c tests/unit/tap.h
tests_unit_test_core_LDADD = $(UNIT_LDADD)

UNIT_TESTS += tests/unit/test_core

check_PROGRAMS += tests/unit/test_json
tests_unit_test_json_SOURCES = tests/unit/test_json.c tests/unit/tap.h
tests_unit_test_json_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_json

check_PROGRAMS += tests/unit/test_state
tests_unit_test_state_SOURCES = tests/unit/test_state.c tests/unit/tap.h
tests_unit_test_state_LDADD = librros.a $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_state

check_PROGRAMS += tests/unit/test_sync
tests_unit_test_sync_SOURCES = tests/unit/test_sync.c tests/unit/tap.h
tests_unit_test_sync_LDADD = librros.a $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_sync

check_PROGRAMS += tests/unit/test_seccomp
tests_unit_test_seccomp_SOURCES = tests/unit/test_seccomp.c tests/unit/tap.h tests/unit/files.h
tests_unit_test_seccomp_LDADD = librros.a $(UNIT_LDADD) $(SECCOMP_LIBS)
UNIT_TESTS += tests/unit/test_seccomp

check_PROGRAMS += tests/unit/test_seccomp_bpf
tests_unit_test_seccomp_bpf_SOURCES = tests/unit/test_seccomp_bpf.c tests/unit/tap.h tests/unit/files.h \
	tests/helpers/bpf_interp.c tests/helpers/bpf_interp.h
tests_unit_test_seccomp_bpf_LDADD = librros.a $(UNIT_LDADD) $(SECCOMP_LIBS)
UNIT_TESTS += tests/unit/test_seccomp_bpf

check_PROGRAMS += tests/unit/test_seccomp_cache
tests_unit_test_seccomp_cache_SOURCES = tests/unit/test_seccomp_cache.c tests/unit/tap.h tests/unit/files.h
tests_unit_test_seccomp_cache_LDADD = librros.a $(UNIT_LDADD) $(SECCOMP_LIBS)
UNIT_TESTS += tests/unit/test_seccomp_cache

# Helpers of the security/seccomp bats tests: a static probe that runs as the
# container process, and the host end of a seccomp listenerPath.
check_PROGRAMS += tests/helpers/escape-probe tests/helpers/seccomp-listener tests/helpers/console-socket
tests_helpers_escape_probe_SOURCES = tests/helpers/escape-probe.c
tests_helpers_escape_probe_CFLAGS = $(RR_CFLAGS)
tests_helpers_escape_probe_LDFLAGS = -static
tests_helpers_seccomp_listener_SOURCES = tests/helpers/seccomp-listener.c tests/helpers/accept-one.h
tests_helpers_console_socket_SOURCES = tests/helpers/console-socket.c tests/helpers/accept-one.h

check_PROGRAMS += tests/unit/test_cgroup_keys
tests_unit_test_cgroup_keys_SOURCES = tests/unit/test_cgroup_keys.c tests/unit/tap.h
tests_unit_test_cgroup_keys_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_cgroup_keys

check_PROGRAMS += tests/unit/test_fs_resolve
tests_unit_test_fs_resolve_SOURCES = tests/unit/test_fs_resolve.c tests/unit/tap.h tests/unit/files.h
tests_unit_test_fs_resolve_LDADD = librros.a $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_fs_resolve

check_PROGRAMS += tests/unit/test_fs_mountinfo
tests_unit_test_fs_mountinfo_SOURCES = tests/unit/test_fs_mountinfo.c tests/unit/tap.h
tests_unit_test_fs_mountinfo_LDADD = librros.a $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_fs_mountinfo

check_PROGRAMS += tests/unit/test_mount_options
tests_unit_test_mount_options_SOURCES = tests/unit/test_mount_options.c tests/unit/tap.h
tests_unit_test_mount_options_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_mount_options

# rootfs module driver for tests/bats/{rootfs,mounts,devices,hostile-rootfs}.bats
check_PROGRAMS += tests/helpers/fsrun
tests_helpers_fsrun_SOURCES = tests/helpers/fsrun.c
tests_helpers_fsrun_LDADD = librros.a $(UNIT_LDADD)

check_PROGRAMS += tests/unit/test_cgroup_convert
tests_unit_test_cgroup_convert_SOURCES = tests/unit/test_cgroup_convert.c tests/unit/tap.h
tests_unit_test_cgroup_convert_LDADD = librros.a $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_cgroup_convert
check_PROGRAMS += tests/unit/test_cg_devices
tests_unit_test_cg_devices_SOURCES = tests/unit/test_cg_devices.c tests/unit/tap.h
tests_unit_test_cg_devices_LDADD = librros.a $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_cg_devices

check_PROGRAMS += tests/unit/test_cgroup_host
tests_unit_test_cgroup_host_SOURCES = tests/unit/test_cgroup_host.c tests/unit/tap.h
tests_unit_test_cgroup_host_LDADD = librros.a $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_cgroup_host

# Integration tests need root; each .bats file skips with a reason otherwise.
BATS_TESTS += tests/bats/lifecycle.bats
BATS_TESTS += tests/bats/process.bats tests/bats/namespaces.bats tests/bats/hooks.bats
BATS_TESTS += tests/bats/terminal.bats tests/bats/leaks.bats tests/bats/exec.bats
BATS_TESTS += \
	tests/bats/cli.bats \
	tests/bats/parent-death.bats \
	tests/bats/cgroup-host.bats \
	tests/bats/rootfs.bats \
	tests/bats/mounts.bats \
	tests/bats/devices.bats \
	tests/bats/hostile-rootfs.bats \
	tests/bats/spec.bats \
	tests/bats/rp2oci.bats \
	tests/bats/rp2oci-errors.bats \
	tests/bats/redpak-annotations.bats \
	tests/bats/features.bats \
	tests/bats/engine-cli.bats \
	tests/bats/seccomp.bats \
	tests/bats/security.bats
EXTRA_DIST += $(BATS_TESTS) tests/run-bats.sh tests/bats/helpers.bash tests/bats/bundle-config.json tests/bats/fs_helpers.bash
EXTRA_DIST += tests/bats/lc_helpers.bash
include $(top_srcdir)/tests/bench/local.mk

check_PROGRAMS += tests/unit/test_ocispec
tests_unit_test_ocispec_SOURCES = tests/unit/test_ocispec.c tests/unit/tap.h tests/unit/files.h
tests_unit_test_ocispec_LDADD = $(UNIT_LDADD)
UNIT_TESTS += tests/unit/test_ocispec
EXTRA_DIST += tests/data
include $(top_srcdir)/tests/engines/local.mk
include $(top_srcdir)/tests/fuzz/local.mk

check_PROGRAMS += tests/unit/test_rp2oci_expand
tests_unit_test_rp2oci_expand_SOURCES = tests/unit/test_rp2oci_expand.c tests/unit/tap.h
tests_unit_test_rp2oci_expand_LDADD = librp2oci.a $(UNIT_LDADD) $(YAML_LIBS)
UNIT_TESTS += tests/unit/test_rp2oci_expand
include $(top_srcdir)/tests/fuzz/rp2oci.mk
include tests/vm/local.mk
include tests/vm/rp2oci.mk
