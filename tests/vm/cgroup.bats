#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroup v2 for real: run by `make check-cgroup-vm` inside a QEMU VM booting a
# pure cgroup v2 hierarchy with every controller (tests/vm/vmrun.sh). Values
# are read back from the container's cgroup files; limits are enforced, not
# just written.

load ../bats/helpers

CG=/sys/fs/cgroup

setup_file() {
	[ "$(stat -fc %T $CG)" = cgroup2fs ] || return 0
	# make_bundle links every busybox applet: ~400 processes at ~50 ms each
	# in the VM; the tests need a handful
	export BASE=$BATS_FILE_TMPDIR/base
	mkdir -p "$BASE/rootfs"/{bin,etc,tmp,proc,sys,dev,root}
	cp "$(command -v busybox)" "$BASE/rootfs/bin/busybox"
	local a
	for a in sh cat head dd sleep true echo; do ln -s busybox "$BASE/rootfs/bin/$a"; done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$BASE/rootfs/etc/passwd"
	jq '.process.args=["true"]' "$TESTS_SRCDIR/bats/bundle-config.json" >"$BASE/config.json"
}

setup() {
	[ "$(stat -fc %T $CG)" = cgroup2fs ] || skip "needs a pure cgroup v2 host (run through make check-cgroup-vm)"
	requires root busybox jq
	common_setup
	B=$BATS_TEST_TMPDIR/b
	mkdir -p "$B"
	cp -a "$BASE/rootfs" "$B/rootfs"
	cp "$BASE/config.json" "$B/config.json"
	ID=c$BATS_TEST_NUMBER
	jq_config "$B" '.linux.cgroupsPath=$p' --arg p "/rr-vm/$ID"
	P=$CG/rr-vm/$ID
}

teardown() {
	rr delete --force "$ID" >/dev/null 2>&1 || :
	[ ! -d "$P" ] || { echo "# leaked cgroup $P"; rmdir "$P"; false; }
	rmdir "$CG/rr-vm" 2>/dev/null || :
}

# val FILE: first line of the container's cgroup file
val() {
	local v
	read -r v <"$P/$1" # a builtin: every exec costs in the VM
	echo "$v"
}

@test "every linux.resources field is written with runc's conversion" {
	jq_config "$B" '.linux.resources = {
		memory: {limit: 67108864, reservation: 16777216, swap: 100663296},
		cpu: {shares: 512, quota: 50000, period: 100000, burst: 20000, idle: 0,
		      cpus: "0", mems: "0"},
		pids: {limit: 42},
		blockIO: {weight: 500,
		          throttleReadBpsDevice: [{major: 7, minor: 0, rate: 1048576}],
		          throttleWriteIOPSDevice: [{major: 7, minor: 0, rate: 120}]},
		hugepageLimits: [{pageSize: "2MB", limit: 4194304}],
		unified: {"memory.high": "50331648", "memory.min": "1048576",
		          "memory.swap.high": "max", "memory.oom.group": "1",
		          "cpu.weight.nice": "5", "pids.max": "43", "cpuset.cpus.partition": "member"}
	}'
	rr create --bundle "$B" "$ID"
	[ "$(val memory.max)" = 67108864 ]
	[ "$(val memory.low)" = 16777216 ]
	[ "$(val memory.swap.max)" = 33554432 ] # swap is memory+swap in OCI
	[ "$(val cpu.max)" = "50000 100000" ]
	[ "$(val cpu.max.burst)" = 20000 ]
	[ "$(val cpu.idle)" = 0 ]
	[ "$(val cpuset.cpus)" = 0 ]
	[ "$(val cpuset.mems)" = 0 ]
	[ "$(val hugetlb.2MB.max)" = 4194304 ]
	if [ -e "$P/io.bfq.weight" ]; then
		[ "$(val io.bfq.weight)" = "default 500" ]
	else
		[ "$(val io.weight)" = "default 4950" ] # 1 + (500-10)*9999/990
	fi
	grep -q '^7:0 rbps=1048576 wbps=max riops=max wiops=120$' "$P/io.max"
	# unified is applied last, verbatim
	[ "$(val memory.high)" = 50331648 ]
	[ "$(val memory.min)" = 1048576 ]
	[ "$(val memory.swap.high)" = max ]
	[ "$(val memory.oom.group)" = 1 ]
	[ "$(val cpu.weight.nice)" = 5 ]
	[ "$(val pids.max)" = 43 ]
	[ "$(val cpuset.cpus.partition)" = member ]
	# cpu.weight.nice 5 rewrote cpu.weight; check the shares conversion alone
	rr delete --force "$ID"
	jq_config "$B" '.linux.resources = {cpu: {shares: 512}, pids: {limit: 42}}'
	rr create --bundle "$B" "$ID"
	[ "$(val cpu.weight)" = 20 ] # 1 + (512-2)*9999/262142
	[ "$(val pids.max)" = 42 ]
	rr delete "$ID"
	[ ! -d "$P" ]
}

@test "rdma limits on a soft-RoCE device (rdma_rxe over a veth pair)" {
	command -v rdma >/dev/null || skip "needs the rdma tool (iproute2)"
	ip link add rrveth0 type veth peer name rrveth1 || skip "no veth"
	ip link set rrveth0 up
	if ! rdma link add rrxe0 type rxe netdev rrveth0; then
		ip link del rrveth0
		skip "no rdma_rxe"
	fi
	jq_config "$B" '.linux.resources = {rdma: {rrxe0: {hcaHandles: 3, hcaObjects: 100}}}'
	local r=0
	rr create --bundle "$B" "$ID" || r=1
	[ $r = 0 ] && { [ "$(val rdma.max)" = "rrxe0 hca_handle=3 hca_object=100" ] || r=1; }
	rr delete --force "$ID" || r=1
	rdma link delete rrxe0
	ip link del rrveth0
	[ $r = 0 ]
}

@test "memory.max exceeded: the process is OOM-killed and events reports it" {
	jq_config "$B" '.linux.resources = {memory: {limit: 33554432, swap: 33554432}} |
		.process.args = ["sh", "-c", "read x </dev/null; sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd=$?; sleep 60"]'
	rr create --bundle "$B" "$ID"
	"$REDRUN" --root "$RR_ROOT" events --interval 30s "$ID" >"$BATS_TEST_TMPDIR/events" &
	local ev=$!
	rr start "$ID"
	local i
	for i in $(seq 100); do
		grep -q '"type":"oom"' "$BATS_TEST_TMPDIR/events" && break
		sleep 0.1
	done
	kill $ev
	grep -q "{\"type\":\"oom\",\"id\":\"$ID\"}" "$BATS_TEST_TMPDIR/events"
	[ "$(sed -n 's/^oom_kill //p' "$P/memory.events")" -ge 1 ]
	run "$REDRUN" --root "$RR_ROOT" events --stats "$ID"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq .data.memory.events.oom_kill)" -ge 1 ]
	[ "$(echo "$output" | jq .data.memory.usage.limit)" = 33554432 ]
}

@test "OOM kill of the container's init: run exits 137" {
	jq_config "$B" '.linux.resources = {memory: {limit: 33554432, swap: 33554432}} |
		.process.args = ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[ "$status" -eq 137 ]
	[ ! -d "$P" ]
}

@test "fork beyond pids.max fails" {
	jq_config "$B" '.linux.resources = {pids: {limit: 5}} |
		.process.args = ["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 3 & done; wait"]'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	[[ "$output" == *"can't fork"* ]]
	[ ! -d "$P" ]
}

@test "devices: a denied device cannot be opened, an allowed one can" {
	# two unbound loop devices (the VM loads the loop module): only the rules differ
	jq_config "$B" '.linux.devices = [
			{path: "/dev/loop0", type: "b", major: 7, minor: 0, fileMode: 432},
			{path: "/dev/loop1", type: "b", major: 7, minor: 1, fileMode: 432},
			{path: "/dev/kmsg", type: "c", major: 1, minor: 11, fileMode: 420}] |
		.linux.resources = {devices: [
			{allow: false, access: "rwm"},
			{allow: true, type: "b", major: 7, minor: 1, access: "r"},
			{allow: true, type: "c", major: 1, minor: 11, access: "w"}]} |
		.process.args = ["sh", "-c", "head -c1 /dev/loop1 >/dev/null && echo loop1-ok; head -c1 /dev/loop0 >/dev/null || echo loop0-denied; echo redrun-devices-test >/dev/kmsg && echo kmsg-write-ok; cat /dev/null && echo null-ok"]'
	run "$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	echo "$output"
	[[ "$output" == *loop1-ok* ]]
	[[ "$output" == *loop0-denied* ]]
	[[ "$output" == *"/dev/loop0"*"Operation not permitted"* ]]
	[[ "$output" == *kmsg-write-ok* ]]
	[[ "$output" == *null-ok* ]]
	[ ! -d "$P" ]
}

@test "pause freezes (state says paused), resume continues" {
	jq_config "$B" '.root.readonly = false | .process.args = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i >/tmp/n; sleep 0.1; done"]'
	rr run --detach --bundle "$B" "$ID"
	sleep 0.5
	rr pause "$ID"
	[ "$(rr state "$ID" | jq -r .status)" = paused ]
	grep -q '^frozen 1$' "$P/cgroup.events"
	local a b
	a=$(cat "$B/rootfs/tmp/n")
	sleep 0.5
	b=$(cat "$B/rootfs/tmp/n")
	[ "$a" = "$b" ]
	run "$REDRUN" --root "$RR_ROOT" pause "$ID"
	[ "$status" -ne 0 ]
	rr resume "$ID"
	[ "$(rr state "$ID" | jq -r .status)" = running ]
	grep -q '^frozen 0$' "$P/cgroup.events"
	sleep 0.5
	[ "$(cat "$B/rootfs/tmp/n")" -gt "$b" ]
	# delete --force of a paused container: killed, cgroup removed
	rr pause "$ID"
	rr delete --force "$ID"
	[ ! -d "$P" ]
}

@test "update changes live limits (flags and -r)" {
	jq_config "$B" '.linux.resources = {memory: {limit: 33554432}} | .process.args = ["sleep", "60"]'
	rr run --detach --bundle "$B" "$ID"
	rr update --memory 64m --memory-swap 128M --memory-reservation 8388608 --pids-limit 7 \
		--cpu-quota 30000 --cpu-period 100000 --cpu-shares 1024 --cpuset-cpus 1 --cpuset-mems 0 \
		--blkio-weight 100 "$ID"
	[ "$(val memory.max)" = 67108864 ]
	[ "$(val memory.swap.max)" = 67108864 ]
	[ "$(val memory.low)" = 8388608 ]
	[ "$(val pids.max)" = 7 ]
	[ "$(val cpu.max)" = "30000 100000" ]
	[ "$(val cpu.weight)" = 39 ]
	[ "$(val cpuset.cpus)" = 1 ]
	[ -e "$P/io.bfq.weight" ] || [ "$(val io.weight)" = "default 910" ]
	echo '{"pids": {"limit": 9}, "memory": {"swap": 100663296}}' | rr update -r - "$ID"
	[ "$(val pids.max)" = 9 ]
	[ "$(val memory.swap.max)" = 33554432 ] # against the 64 MiB limit in place
	run "$REDRUN" --root "$RR_ROOT" update --memory 12Q "$ID"
	[ "$status" -ne 0 ]
	run "$REDRUN" --root "$RR_ROOT" update --cpu-rt-runtime 1000 "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *realtimeRuntime* ]]
}

@test "ps lists the container's processes; kill --all and delete leave no cgroup" {
	jq_config "$B" '.process.args = ["sh", "-c", "sleep 60 & sleep 61 & wait"]'
	rr run --detach --bundle "$B" "$ID"
	sleep 0.3
	run "$REDRUN" --root "$RR_ROOT" ps --format json "$ID"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq length)" -eq 3 ]
	[ "$(echo "$output" | jq -c 'sort')" = "$(sort -n "$P/cgroup.procs" | jq -sc .)" ]
	run "$REDRUN" --root "$RR_ROOT" ps "$ID"
	[[ "${lines[0]}" == *PID* ]]
	[[ "$output" == *"sleep 61"* ]]
	rr kill --all "$ID" KILL
	for i in $(seq 50); do [ -z "$(cat "$P/cgroup.procs")" ] && break; sleep 0.1; done
	[ -z "$(cat "$P/cgroup.procs")" ]
	rr delete "$ID"
	[ ! -d "$P" ]
}

@test "default cgroup path is the runtime's own cgroup + id; controllers enabled in parents" {
	jq_config "$B" 'del(.linux.cgroupsPath) | .linux.resources = {pids: {limit: 11}} | .process.args = ["sleep", "60"]'
	P=$CG/$ID
	rr run --detach --bundle "$B" "$ID"
	[ "$(val pids.max)" = 11 ]
	grep -qw pids "$CG/cgroup.subtree_control"
	local pid
	pid=$(rr state "$ID" | jq .pid)
	[ "$(cat /proc/$pid/cgroup)" = "0::/$ID" ]
	rr delete --force "$ID"
	[ ! -d "$P" ]
}
