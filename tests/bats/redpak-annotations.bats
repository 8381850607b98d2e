#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# red-pak annotations emitted by rp2oci that redrun honours:
#  - bzh.redpesk.redpak.lock-files: the container holds a shared lock on each
#    listed file (bwrap --lock-file), visible from the host with fcntl locks;
#  - bzh.redpesk.redpak.smack: the Smack label, refused where Smack is absent.
# (die-with-parent is in parent-death.bats, new-session in rp2oci-run.bats.)

load helpers
load lc_helpers
bats_require_minimum_version 1.5.0

setup() {
	lc_setup
	LOCK=$BATS_TEST_TMPDIR/node.lock
	echo lock >"$LOCK"
	touch "$B/rootfs/node.lock"
}

teardown() {
	lc_teardown
}

# host_lock FILE: try a POSIX write lock (what a package manager would take)
# without waiting; prints "free" or "held"
host_lock() {
	python3 -c '
import fcntl, sys
f = open(sys.argv[1], "r+")
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("free")
except OSError:
    print("held")' "$1"
}

with_lock_file() {
	jq_config "$B" '.mounts += [{"destination": "/node.lock", "type": "bind", "source": $s,
		"options": ["bind", "ro"]}] | .annotations["bzh.redpesk.redpak.lock-files"] = "[\"/node.lock\"]"' \
		--arg s "$LOCK"
}

@test "lock-files: the lock is held from create until the container is gone, across exec" {
	command -v python3 >/dev/null || skip "needs python3 (fcntl locks from the host)"
	with_lock_file
	args sleep 100
	[ "$(host_lock "$LOCK")" = free ]
	rr create -b "$B" "$ID"
	[ "$(host_lock "$LOCK")" = held ]
	rr start "$ID"
	wait_status "$ID" running
	# after execve: the fd went through
	[ "$(host_lock "$LOCK")" = held ]
	rr kill "$ID" KILL
	wait_status "$ID" stopped
	[ "$(host_lock "$LOCK")" = free ]
	rr delete "$ID"
}

@test "lock-files: the lock fd is the one fd the container gets beyond 0-2" {
	with_lock_file
	args ls -l /proc/self/fd
	run --separate-stderr rr run -b "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	# 0-2, the directory ls reads, and the lock
	[ "$(echo "$output" | grep -c -- ' -> ')" -eq 4 ]
	[ "$(echo "$output" | grep -c -- ' -> /node.lock$')" -eq 1 ]
	# without the annotation: 0-2 and the directory
	make_bundle "$B" ls -l /proc/self/fd
	run --separate-stderr rr run -b "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c -- ' -> ')" -eq 3 ]
	[ "$(echo "$output" | grep -c -- 'node.lock')" -eq 0 ]
}

@test "lock-files: a file write-locked on the host makes create fail" {
	command -v python3 >/dev/null || skip "needs python3 (fcntl locks from the host)"
	with_lock_file
	run --separate-stderr python3 -c '
import fcntl, subprocess, sys
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
sys.exit(subprocess.run(sys.argv[2:]).returncode)' "$LOCK" "$REDRUN" --root "$RR_ROOT" run -b "$B" "$ID"
	echo "$stderr"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"annotation \`bzh.redpesk.redpak.lock-files\`: \`/node.lock\`: locked for writing by another process"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	run rr state "$ID"
	[ "$status" -ne 0 ]
}

@test "lock-files: a bad annotation value is one clear line at create" {
	bad() {
		jq_config "$B" '.annotations["bzh.redpesk.redpak.lock-files"] = $v' --arg v "$1"
		run --separate-stderr rr create -b "$B" "$ID"
		echo "$stderr"
		[ "$status" -ne 0 ]
		# a third argument: $2 is only the start of the message
		if [ -n "${3:-}" ]; then
			[[ "$stderr" == "redrun: annotation \`bzh.redpesk.redpak.lock-files\`: $2"* ]]
		else
			[ "$stderr" = "redrun: annotation \`bzh.redpesk.redpak.lock-files\`: $2" ]
		fi
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		run rr state "$ID"
		[ "$status" -ne 0 ]
	}
	bad '{"a": 1}' "not a JSON array of absolute paths"
	bad '["/ok", "relative"]' "[1]: not an absolute path"
	bad '[7]' "[0]: not an absolute path"
	bad '/node.lock' "not a JSON array of absolute paths: value: line 1, column 1: invalid JSON: " prefix
	bad '["/missing"]' "\`/missing\`: open \`/missing\` inside the container root: No such file or directory"
}

@test "smack: the annotation is refused where Smack is not enabled" {
	[ ! -d /sys/fs/smackfs ] || [ "$(stat -f -c %t /sys/fs/smackfs)" != 43415d53 ] ||
		skip "Smack is enabled here; the refusal path cannot be tested"
	jq_config "$B" '.annotations["bzh.redpesk.redpak.smack"] = "App:node"'
	run --separate-stderr rr run -b "$B" "$ID"
	echo "$stderr"
	[ "$status" -ne 0 ]
	[ "$stderr" = "redrun: annotation \`bzh.redpesk.redpak.smack\`: label \`App:node\` requested but SMACK is not enabled on this host" ]
	run rr state "$ID"
	[ "$status" -ne 0 ]
}

@test "smack: a malformed label is refused on any host" {
	jq_config "$B" '.annotations["bzh.redpesk.redpak.smack"] = "-bad label"'
	run --separate-stderr rr run -b "$B" "$ID"
	[ "$status" -ne 0 ]
	[ "$stderr" = "redrun: annotation \`bzh.redpesk.redpak.smack\`: invalid Smack label \`-bad label\`" ]
}
