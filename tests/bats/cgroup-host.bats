#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroup v2 on this host as it is: hybrid (v1 controllers + a v2 hierarchy at
# /sys/fs/cgroup/unified with only hugetlb) or unified. Limits themselves are
# proven in the VM (tests/vm/cgroup.bats); here: paths, clear errors, the
# device program, freeze, and nothing left behind.

load helpers

setup() {
	requires root busybox jq
	common_setup
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		CG=/sys/fs/cgroup MODE=unified
	elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		CG=/sys/fs/cgroup/unified MODE=hybrid
	else
		skip "no cgroup v2 hierarchy mounted"
	fi
	ID=rrh-$$-$BATS_TEST_NUMBER
	B=$BATS_TEST_TMPDIR/b
	make_bundle "$B" true
	jq_config "$B" '.linux.cgroupsPath=$p' --arg p "/$ID"
	P=$CG/$ID
}

teardown() {
	rr delete --force "$ID" >/dev/null 2>&1 || :
	local leaked=
	for d in "$CG/$ID" "$CG/rrh-$$-parent/$ID" "$CG/rrh-$$-parent" "$CG/machine.slice/rrh-$ID.scope"; do
		if [ -d "$d" ]; then
			leaked="$leaked $d"
			rmdir "$d" 2>/dev/null || :
		fi
	done
	rmdir "$CG/machine.slice" 2>/dev/null || :
	[ -z "$leaked" ] || { echo "# leaked:$leaked"; false; }
}

# controller available in the v2 hierarchy?
has_ctrl() {
	grep -qw "$1" "$CG/cgroup.controllers"
}

@test "a container without limits runs in its own v2 cgroup, removed afterwards" {
	jq_config "$B" '.process.args = ["cat", "/proc/self/cgroup"]'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0::/$ID"* ]]
	[ ! -d "$P" ]
}

@test "a memory limit without the memory controller in v2: one clear error, nothing left" {
	has_ctrl memory && skip "the v2 hierarchy has the memory controller here"
	jq_config "$B" '.linux.resources = {memory: {limit: 33554432}}'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -ne 0 ]
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"the \`memory\` controller is not available in the cgroup v2 hierarchy at \`$CG\`"* ]]
	[[ "$output" == *"host cgroup mode: $MODE"* ]]
	[ ! -d "$P" ]
	[ -z "$(ls "$RR_ROOT")" ]
}

@test "pids and cpu limits without their controllers are errors too, never dropped" {
	has_ctrl pids && skip "the v2 hierarchy has the pids controller here"
	jq_config "$B" '.linux.resources = {pids: {limit: 10}}'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"\`pids\` controller"* ]]
	jq_config "$B" '.linux.resources = {cpu: {shares: 512}}'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"\`cpu\` controller"* ]]
	jq_config "$B" '.linux.resources = {unified: {"memory.high": "64M"}}'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"\`memory\` controller"* ]]
	[ ! -d "$P" ]
}

@test "what cgroup v2 cannot do is refused by name" {
	local f
	for f in '{cpu: {realtimeRuntime: 950000}}' '{network: {classID: 1048577}}' \
		'{memory: {swappiness: 60}}' '{blockIO: {leafWeight: 300}}' '{unified: {"memory.max": "12Q"}}' \
		'{unified: {"cgroup.procs": "1"}}'; do
		jq_config "$B" ".linux.resources = $f"
		run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
		echo "$f -> $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *".linux.resources."* ]]
	done
	[ ! -d "$P" ]
}

@test "hugetlb limit in the v2 hierarchy (available here)" {
	has_ctrl hugetlb || skip "no hugetlb controller in the v2 hierarchy"
	local size
	size=$(ls "$CG" | sed -n 's/^hugetlb\.\([0-9]*[KMG]B\)\.max$/\1/p' | head -1)
	[ -n "$size" ] || size=$(ls /sys/kernel/mm/hugepages | sed -n 's/^hugepages-2048kB$/2MB/p')
	[ -n "$size" ] || skip "no huge page size known"
	jq_config "$B" '.linux.resources = {hugepageLimits: [{pageSize: $s, limit: 4194304}]} |
		.process.args = ["sleep", "30"]' --arg s "$size"
	if [ "$MODE" = hybrid ] && ! grep -qw hugetlb "$CG/cgroup.subtree_control"; then
		skip "enabling hugetlb at the host's v2 root would change host-wide settings"
	fi
	rr run --detach --bundle "$B" "$ID"
	[ "$(cat "$P/hugetlb.$size.max")" = 4194304 ]
	rr delete --force "$ID"
}

@test "devices eBPF on the host's v2 hierarchy: denied device fails, allowed one works" {
	[ -e /dev/kmsg ] && [ -e /dev/full ] || skip "needs /dev/kmsg and /dev/full"
	jq_config "$B" '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11, fileMode: 420}] |
		.linux.resources = {devices: [{allow: false, access: "rwm"}]} |
		.process.args = ["sh", "-c", "echo x >/dev/kmsg || echo kmsg-denied; echo y >/dev/null && echo null-ok"]'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *kmsg-denied* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *null-ok* ]]
	# the same device allowed by a rule
	jq_config "$B" '.linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 11, access: "w"}]'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" != *kmsg-denied* ]]
	[ ! -d "$P" ]
}

@test "cgroupsPath: nested absolute, relative, systemd form; --systemd-cgroup without systemd" {
	jq_config "$B" '.linux.cgroupsPath=$p | .process.args = ["cat", "/proc/self/cgroup"]' \
		--arg p "/rrh-$$-parent/$ID"
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0::/rrh-$$-parent/$ID"* ]]
	rmdir "$CG/rrh-$$-parent"
	# relative: below the runtime's own cgroup (the test's)
	local own
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ "$own" = / ] || skip "relative path check needs the runtime in the v2 root cgroup"
	jq_config "$B" '.linux.cgroupsPath=$p' --arg p "$ID"
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[[ "$output" == *"0::/$ID"* ]]
	# slice:prefix:name onto the cgroupfs layout systemd uses
	jq_config "$B" '.linux.cgroupsPath=$p' --arg p "machine.slice:rrh:$ID"
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0::/machine.slice/rrh-$ID.scope"* ]]
	rmdir "$CG/machine.slice"
	# --systemd-cgroup needs systemd
	[ -d /run/systemd/system ] && skip "systemd runs here"
	run "$REDRUN" --root "$RR_ROOT" --systemd-cgroup run --bundle "$B" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"--systemd-cgroup: systemd is not running"* ]]
	jq_config "$B" '.linux.cgroupsPath=$p' --arg p "/a/../b"
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cgroupsPath"* ]]
}

@test "pause/resume through cgroup.freeze, ps and events --stats on the host" {
	[ -e "$CG/cgroup.freeze" ] || [ -n "$(ls "$CG"/*/cgroup.freeze 2>/dev/null)" ] ||
		skip "no cgroup.freeze"
	jq_config "$B" '.process.args = ["sleep", "30"]'
	rr run --detach --bundle "$B" "$ID"
	rr pause "$ID"
	[ "$(rr state "$ID" | jq -r .status)" = paused ]
	grep -q '^frozen 1$' "$P/cgroup.events"
	rr resume "$ID"
	[ "$(rr state "$ID" | jq -r .status)" = running ]
	run "$REDRUN" --root "$RR_ROOT" resume "$ID"
	[ "$status" -ne 0 ]
	[ "$(rr ps -f json "$ID" | jq length)" = 1 ]
	run "$REDRUN" --root "$RR_ROOT" events --stats "$ID"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .type)" = stats ]
	echo "$output" | jq -e '.data.cpu.usage.total >= 0' >/dev/null
	# update of a limit whose controller is missing: clear error
	if ! has_ctrl memory; then
		run "$REDRUN" --root "$RR_ROOT" update --memory 64M "$ID"
		[ "$status" -ne 0 ]
		[[ "$output" == *"\`memory\` controller"* ]]
	fi
	rr delete --force "$ID"
	[ ! -d "$P" ]
	run "$REDRUN" --root "$RR_ROOT" pause "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
}
