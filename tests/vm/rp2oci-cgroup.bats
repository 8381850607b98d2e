#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# rp2oci's cgroup folding for real: run by `make check-rp2oci-vm` inside the
# QEMU VM of tests/vm (pure cgroup v2, every controller). A parent node's
# limits must constrain its child: the leaf's cgroup, created by redrun from
# the converted bundle, holds the smallest ceiling along the chain.

load ../bats/helpers

CG=/sys/fs/cgroup
# run-in-vm.sh exports the build directory, not the rp2oci binary
[ -z "${TESTS_BUILDDIR:-}" ] || RP2OCI=$TESTS_BUILDDIR/../rp2oci

setup() {
	[ "$(stat -fc %T $CG)" = cgroup2fs ] || skip "needs a pure cgroup v2 host (run through make check-rp2oci-vm)"
	requires root jq
	common_setup
	T=$BATS_TEST_TMPDIR/t
	B=$BATS_TEST_TMPDIR/b
}

teardown() {
	rr delete --force rpcg >/dev/null 2>&1 || :
	[ ! -d "$CG/rp2oci-vm" ] || find "$CG/rp2oci-vm" -depth -type d -exec rmdir {} + 2>/dev/null || :
}

# node DIR ALIAS < YAML
node() {
	mkdir -p "$1/etc"
	printf 'realpath: %s\ntimestamp: 1\nstate: Enable\n' "$1" >"$1/.rednode.yaml"
	{
		printf 'headers:\n  alias: %s\n' "$2"
		cat
	} >"$1/etc/redpak.yaml"
}

@test "a parent node's limits constrain its child" {
	node "$T/r" root <<-'EOF'
	config:
	  # the VM runs the suite chrooted: no user namespace there (EPERM)
	  share_user: enabled
	  cgrouproot: /sys/fs/cgroup/rp2oci-vm
	  cgroups:
	    mem: {max: 64M, high: 48M}
	    pids: {max: 50}
	    cpu: {max: 50000 100000, weight: 50}
	exports:
	  - {mode: Restricted, mount: /bin, path: /usr/bin}
	  - {mode: Restricted, mount: /lib, path: /usr/lib}
	  - {mode: Restricted, mount: /lib64, path: /usr/lib64}
	  - {mode: Procfs, mount: /proc}
	EOF
	node "$T/r/c" child <<-'EOF'
	config:
	  cgroups:
	    mem: {max: 128M}
	    pids: {max: 20}
	    cpu: {max: max 100000, weight: 200}
	EOF
	"$RP2OCI" --redpath "$T/r/c" --bundle "$B" -- /bin/sleep 30
	local p
	p=$CG$(jq -r .linux.cgroupsPath "$B/config.json")
	[[ "$p" == "$CG/rp2oci-vm/"*"-t-r/"*"-t-r-c" ]]
	rr create --bundle "$B" rpcg
	[ "$(cat "$p/memory.max")" = 67108864 ]  # the parent's 64M, not the child's 128M
	[ "$(cat "$p/memory.high")" = 50331648 ] # only the parent sets it
	[ "$(cat "$p/pids.max")" = 20 ]          # the child's is lower
	[ "$(cat "$p/cpu.max")" = "50000 100000" ]
	[ "$(cat "$p/cpu.weight")" = 200 ]      # not a ceiling: the youngest node's
	rr delete --force rpcg
	[ ! -d "$p" ]
}
