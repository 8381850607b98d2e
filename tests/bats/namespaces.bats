#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# linux.namespaces: all eight created or joined by path, user namespace maps,
# timeOffsets, hostname/domainname, and the bad inputs.

load helpers
load lc_helpers

setup() {
	lc_setup
	HOLDER=""
}

teardown() {
	[ -z "$HOLDER" ] || kill -9 "$HOLDER" 2>/dev/null || true
	lc_teardown
	[ -z "${USERNS_DIR:-}" ] || rm -rf "$USERNS_DIR"
}

ALL8='[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"},{"type":"time"},{"type":"user"}]'
MAPS='.linux.uidMappings = [{"containerID":0,"hostID":300000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":300000,"size":65536}]'

# userns_ready: the bundle where mapped ids can reach it, root owned by the mapped root
userns_ready() {
	USERNS_DIR=$(mktemp -d /tmp/rr-lc-userns-XXXXXX)
	chmod 755 "$USERNS_DIR"
	mv "$B" "$USERNS_DIR/b"
	B=$USERNS_DIR/b
	chown -R 300000:300000 "$B/rootfs"
}

@test "namespaces: all eight created, each differs from the host's" {
	userns_ready
	args sh -c 'for n in pid net ipc uts mnt cgroup time user; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	jq_config "$B" ".linux.namespaces = $ALL8 | $MAPS | .root.readonly = false"
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 8 ]
	local n l
	for l in "${lines[@]}"; do
		n=${l%% *}
		[ "${l#* }" != "$(readlink "/proc/self/ns/$n")" ] || {
			echo "$n is the host's"
			return 1
		}
	done
}

@test "namespaces: a new network namespace (made by the runtime after the clone) is the container's before its sysfs, sysctl and process" {
	# sysfs first and last: the child joins the namespace before either
	args sh -c 'readlink /proc/self/ns/net; ls /sys/class/net; ls /sys2/class/net; cut -d: -f1 /proc/net/dev | tail -n +3; cat /proc/sys/net/ipv4/ip_forward'
	local f=1
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || f=0
	jq_config "$B" '.linux.sysctl = {"net.ipv4.ip_forward": $f} |
		.mounts = [{"destination":"/sys2","type":"sysfs","source":"sysfs","options":["ro"]}] + .mounts' --arg f "$f"
	mkdir -p "$B/rootfs/sys2"
	local before
	before=$(cat /proc/sys/net/ipv4/ip_forward)
	run rr run -b "$B" "$ID"
	rmdir "$B/rootfs/sys2"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(readlink /proc/self/ns/net)" ]
	[ "${lines[1]}" = lo ] && [ "${lines[2]}" = lo ] && [ "$(echo "${lines[3]}" | tr -d ' ')" = lo ]
	[ "${lines[4]}" = "$f" ]
	[ "${#lines[@]}" -eq 5 ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$before" ]
}

@test "namespaces: joined by path (network, uts, ipc) share the holder's" {
	unshare --net --uts --ipc sleep 100 &
	HOLDER=$!
	for _ in $(seq 50); do [ "$(readlink /proc/$HOLDER/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.05; done
	args sh -c 'for n in net uts ipc; do readlink /proc/self/ns/$n; done'
	jq_config "$B" '.linux.namespaces = [{"type":"pid"},{"type":"mount"},
		{"type":"network","path":"/proc/\($p)/ns/net"},{"type":"uts","path":"/proc/\($p)/ns/uts"},
		{"type":"ipc","path":"/proc/\($p)/ns/ipc"}] | del(.hostname)' --arg p "$HOLDER"
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$HOLDER/ns/net)" ]
	[ "${lines[1]}" = "$(readlink /proc/$HOLDER/ns/uts)" ]
	[ "${lines[2]}" = "$(readlink /proc/$HOLDER/ns/ipc)" ]
}

@test "namespaces: pid namespace joined by path" {
	unshare --pid --fork --mount-proc sleep 100 &
	HOLDER=$!
	local inner=""
	for _ in $(seq 50); do
		inner=$(pgrep -P "$HOLDER" sleep || true)
		[ -n "$inner" ] && break
		sleep 0.05
	done
	args sh -c 'readlink /proc/self/ns/pid'
	jq_config "$B" '.linux.namespaces = [{"type":"mount"},{"type":"pid","path":"/proc/\($p)/ns/pid"}] | del(.hostname)' --arg p "$inner"
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/$inner/ns/pid)" ]
}

@test "namespaces: mount namespace joined by path, the root is set up in it" {
	unshare --mount --propagation private sleep 100 &
	HOLDER=$!
	for _ in $(seq 50); do [ "$(readlink /proc/$HOLDER/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.05; done
	args sh -c 'readlink /proc/self/ns/mnt; ls /bin/busybox'
	jq_config "$B" '.linux.namespaces |= map(if .type == "mount" then .path = "/proc/\($p)/ns/mnt" else . end)' --arg p "$HOLDER"
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$HOLDER/ns/mnt)" ]
	[ "${lines[1]}" = /bin/busybox ]
}

@test "namespaces: no namespace listed shares the host's (no pid namespace: not pid 1)" {
	args sh -c 'echo $$; readlink /proc/self/ns/net'
	jq_config "$B" '.linux.namespaces = [{"type":"mount"}] | del(.hostname)'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != 1 ]
	[ "${lines[1]}" = "$(readlink /proc/self/ns/net)" ]
}

@test "user namespace: maps written by the parent, root inside is the mapped id outside" {
	userns_ready
	args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; sleep 100'
	jq_config "$B" ".linux.namespaces += [{\"type\":\"user\"}] | $MAPS | .root.readonly = false"
	rr run -d -b "$B" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[[ "$(cat /proc/$pid/uid_map)" =~ ^[[:space:]]*0[[:space:]]+300000[[:space:]]+65536$ ]]
	[[ "$(cat /proc/$pid/gid_map)" =~ ^[[:space:]]*0[[:space:]]+300000[[:space:]]+65536$ ]]
	[ "$(awk '/^Uid:/{print $2}' /proc/$pid/status)" = 300000 ]
}

@test "timeOffsets: boottime and monotonic offsets in a new time namespace" {
	args sh -c 'cut -d. -f1 /proc/uptime'
	jq_config "$B" '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"boottime":{"secs":86400000,"nanosecs":0},"monotonic":{"secs":1000,"nanosecs":5}}'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" -ge 86400000 ]
}

@test "hostname and domainname in the new uts namespace, the host keeps its own" {
	local host
	host=$(hostname)
	args sh -c 'hostname; cat /proc/sys/kernel/domainname'
	jq_config "$B" '.hostname = "box1" | .domainname = "example.org"'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = box1 ]
	[ "${lines[1]}" = example.org ]
	[ "$(hostname)" = "$host" ]
}

@test "cgroup namespace: the container sees its cgroup as the root" {
	[ -d /sys/fs/cgroup/unified ] || skip "needs a cgroup v2 hierarchy"
	args sh -c 'grep "^0::" /proc/self/cgroup'
	jq_config "$B" '.linux.namespaces += [{"type":"cgroup"}]'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "0::/" ]
}

@test "namespaces: bad input is refused before anything is created" {
	jq_config "$B" '.linux.namespaces += [{"type":"bogus"}]'
	run rr create -b "$B" "$ID"
	[[ "$output" == "redrun: config.json: .linux.namespaces[5].type: unknown namespace \`bogus\`"* ]]
	make_bundle "$B" true
	create_fails '.linux.namespaces += [{"type":"uts"}]' "config.json: .linux.namespaces[5].type: duplicate namespace \`uts\` (also [3])"
	make_bundle "$B" true
	create_fails '.linux.namespaces[1].path = "proc/1/ns/net"' "config.json: .linux.namespaces[1].path: must be absolute"
	create_fails '.linux.namespaces[1].path = "/etc/hostname"' "config.json: .linux.namespaces[1].path: \`/etc/hostname\` is not a namespace file"
	create_fails '.linux.namespaces[1].path = "/proc/self/ns/uts"' "config.json: .linux.namespaces[1].path: \`/proc/self/ns/uts\` is not a network namespace"
	create_fails '.linux.namespaces[1].path = "/nonexistent/ns"' "config.json: .linux.namespaces[1].path \`/nonexistent/ns\`: No such file or directory"
	make_bundle "$B" true
	create_fails "$MAPS" "config.json: .linux.uidMappings: needs a user namespace in .linux.namespaces"
	make_bundle "$B" true
	create_fails '.linux.timeOffsets = {"boottime":{"secs":1}}' "config.json: .linux.timeOffsets: needs a time namespace in .linux.namespaces"
	create_fails '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"realtime":{"secs":1}}' "config.json: .linux.timeOffsets: unknown clock \`realtime\` (monotonic or boottime)"
	make_bundle "$B" true
	jq_config "$B" '.linux.namespaces |= map(select(.type != "uts"))'
	run rr create -b "$B" "$ID"
	[[ "$output" == "redrun: config.json: .hostname: needs a uts namespace"* ]]
	[ -z "$(state_left "$RR_ROOT")" ]
}
