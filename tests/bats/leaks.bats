#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# No leaks: many create/start/wait/delete cycles (and failing creates) leave
# the mount table, the state root, the processes, the cgroups and the fd count
# of the calling shell exactly as before. The count is bounded in time:
# RR_LEAK_CYCLES (default 1000) or RR_LEAK_SECONDS (default 45), whichever
# comes first; the number done is reported.

load helpers
load lc_helpers

setup() {
	lc_setup
}

teardown() {
	lc_teardown
}

# snapshot: what a leak would change, restricted to what this test can own
# (other work may share the machine): mounts under the test dir, the state
# root, our children and processes rooted in the bundle, our fds, our cgroup.
snapshot() {
	{
		echo "mounts:"
		grep -F "$BATS_TEST_TMPDIR" /proc/self/mountinfo | cut -d' ' -f4- || true
		echo "state:"
		state_left "$RR_ROOT"
		echo "children:"
		pgrep -P "$BASHPID" | grep -v "^$BASHPID$" | while read -r p; do
			[ "$(cat /proc/$p/comm 2>/dev/null)" = pgrep ] || echo "$p"
		done || true
		echo "in-bundle:"
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" = "$B/rootfs" ] && echo "${p#/proc/}"
		done || true
		echo "fds:"
		ls /proc/$BASHPID/fd | wc -l
		echo "cgroup:"
		ls -d /sys/fs/cgroup/unified/"$ID" 2>/dev/null || true
	} >"$1"
}

@test "leaks: create/start/wait/delete cycles leave nothing behind" {
	local max=${RR_LEAK_CYCLES:-1000} secs=${RR_LEAK_SECONDS:-45} n=0 end s
	snapshot "$BATS_TEST_TMPDIR/before"
	end=$((SECONDS + secs))
	while [ "$n" -lt "$max" ] && [ "$SECONDS" -lt "$end" ]; do
		rr create -b "$B" "$ID"
		rr start "$ID"
		while :; do
			s=$(rr state "$ID")
			[[ "$s" == *'"status": "stopped"'* ]] && break
		done
		rr delete "$ID"
		n=$((n + 1))
	done
	echo "# $n cycles in $((SECONDS - end + secs)) s" >&3
	[ "$n" -ge 50 ]
	# the reaper of our zombies (bash) runs asynchronously: give it a moment
	for _ in $(seq 50); do
		snapshot "$BATS_TEST_TMPDIR/after"
		cmp -s "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" && break
		sleep 0.1
	done
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "leaks: foreground runs and failing creates leave nothing behind" {
	local i
	snapshot "$BATS_TEST_TMPDIR/before"
	for i in $(seq 30); do
		rr run -b "$B" "$ID"
	done
	jq_config "$B" '.process.cwd = "/nonexistent"'
	for i in $(seq 30); do
		run rr create -b "$B" "$ID"
		[ "$status" -eq 1 ]
	done
	jq_config "$B" '.process.cwd = "/" | .hooks = {"createRuntime":[{"path":"/bin/false"}]}'
	for i in $(seq 30); do
		run rr run -b "$B" "$ID"
		[ "$status" -eq 1 ]
	done
	for _ in $(seq 50); do
		snapshot "$BATS_TEST_TMPDIR/after"
		cmp -s "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" && break
		sleep 0.1
	done
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}
