#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The lifecycle commands: create, start, state, kill, delete, run, list, and
# their bad input, with runc's exact messages.

load helpers
load lc_helpers

setup() {
	lc_setup
}

teardown() {
	lc_teardown
}

@test "create/start/state/kill/delete: the full lifecycle" {
	args sleep 100
	# the init holds create's stdio until it execs (engines rely on that), so
	# capture into a file: bats' `run` would wait for the pipe to close
	rr create --bundle "$B" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(state_field "$ID" status)" = created ]
	[ "$(state_field "$ID" pid)" = "$pid" ]
	[ "$(state_field "$ID" bundle)" = "$B" ]
	[ "$(state_field "$ID" ociVersion)" = 1.3.0 ]
	# the container init is a child of the caller: no redrun process is left
	[ "$(awk '/^PPid:/{print $2}' "/proc/$pid/status")" = "$BASHPID" ]
	[ "$(cat "/proc/$pid/comm")" = redrun ] || [ "$(cat "/proc/$pid/comm")" != "" ]
	rr start "$ID"
	[ "$(state_field "$ID" status)" = running ]
	[ "$(cat "/proc/$pid/comm")" = sleep ]
	rr kill "$ID" KILL
	wait_status "$ID" stopped
	[ "$(state_field "$ID" pid)" = 0 ]
	rr delete "$ID"
	run rr state "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: container does not exist" ]
}

@test "create: --opt=value and --opt value, -b, flags after the id" {
	args sleep 100
	rr create --bundle="$B" --pid-file="$BATS_TEST_TMPDIR/p1" "$ID"
	[ -s "$BATS_TEST_TMPDIR/p1" ]
	rr create "${ID}b" -b "$B" --pid-file "$BATS_TEST_TMPDIR/p2"
	[ -s "$BATS_TEST_TMPDIR/p2" ]
	[ "$(state_field "${ID}b" status)" = created ]
}

@test "create: the bundle defaults to the current directory" {
	cd "$B"
	rr create "$ID"
	[ "$(state_field "$ID" bundle)" = "$B" ]
}

@test "run: foreground returns the exit status of the process" {
	args sh -c 'echo out; echo err >&2; exit 3'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = out ]
	[ "${lines[1]}" = err ]
	# removed after the run (no --keep)
	run rr state "$ID"
	[ "$output" = "redrun: container does not exist" ]
}

@test "run: a process killed by a signal gives 128+N" {
	no_pidns
	args sh -c 'kill -KILL $$'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 137 ]
}

@test "run: signals sent to redrun are relayed to the container" {
	args sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.05; done'
	# not through the rr function: $! must be redrun itself, not a subshell
	"$REDRUN" --root "$RR_ROOT" run -b "$B" "$ID" >"$BATS_TEST_TMPDIR/out" &
	local bg=$!
	wait_status "$ID" running
	for _ in $(seq 50); do grep -q ready "$BATS_TEST_TMPDIR/out" && break; sleep 0.05; done
	kill -TERM "$bg"
	local st=0
	wait "$bg" || st=$?
	[ "$st" -eq 7 ]
	grep -q got-term "$BATS_TEST_TMPDIR/out"
}

@test "run --detach: returns after the pid file, process owned by the caller" {
	args sleep 100
	rr run -d -b "$B" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(state_field "$ID" status)" = running ]
	[ "$(awk '/^PPid:/{print $2}' "/proc/$pid/status")" = "$BASHPID" ]
	run rr delete "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: cannot delete container \`$ID\` that is not stopped: running" ]
	rr delete --force "$ID"
	[ ! -d "$RR_ROOT/$ID" ]
}

@test "run --keep: the stopped container stays until delete" {
	args true
	rr run --keep -b "$B" "$ID"
	[ "$(state_field "$ID" status)" = stopped ]
	rr delete "$ID"
}

@test "state: created, running, stopped and the OCI fields" {
	args sleep 100
	jq_config "$B" '.annotations = {"org.example.k": "v"}'
	rr create -b "$B" "$ID"
	run rr state "$ID"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.ociVersion and .id and .status and .pid and .bundle' >/dev/null
	[ "$(echo "$output" | jq -r '.annotations["org.example.k"]')" = v ]
	rr start "$ID"
	[ "$(state_field "$ID" status)" = running ]
}

@test "start: twice, and on a stopped container" {
	args sh -c 'exit 0'
	rr create -b "$B" "$ID"
	rr start "$ID"
	wait_status "$ID" stopped
	run rr start "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: cannot start a container that has stopped" ]
	args sleep 100
	rr create -b "$B" "${ID}b"
	rr start "${ID}b"
	run rr start "${ID}b"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: cannot start an already running container" ]
}

@test "kill: signal names with or without SIG, numbers, default TERM" {
	no_pidns
	args sh -c 'trap "exit 0" TERM; while :; do sleep 0.05; done'
	local s
	for s in SIGKILL KILL kill 9 ""; do
		rr run -d -b "$B" "$ID"
		rr kill "$ID" $s
		wait_status "$ID" stopped
		rr delete "$ID"
	done
}

@test "kill: bad signal, stopped container, unknown id" {
	args sleep 100
	rr create -b "$B" "$ID"
	run rr kill "$ID" FOO
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: kill: unknown signal \`FOO\`" ]
	run rr kill "$ID" 0x
	[ "$status" -eq 1 ]
	rr kill "$ID" 9
	wait_status "$ID" stopped
	run rr kill "$ID" 9
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: container not running" ]
	run rr kill nosuch 9
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: container does not exist" ]
}

@test "kill --all: every process of the container's cgroup" {
	[ -d /sys/fs/cgroup/unified ] || skip "needs a cgroup v2 hierarchy"
	no_pidns
	args sh -c 'sleep 100 & sleep 100 & wait'
	rr run -d -b "$B" "$ID"
	local cg
	cg=/sys/fs/cgroup/unified/$ID
	for _ in $(seq 50); do [ "$(wc -l <"$cg/cgroup.procs")" -ge 3 ] && break; sleep 0.05; done
	[ "$(wc -l <"$cg/cgroup.procs")" -ge 3 ]
	rr kill --all "$ID" KILL
	wait_status "$ID" stopped
	for _ in $(seq 50); do [ ! -s "$cg/cgroup.procs" ] && break; sleep 0.05; done
	[ ! -s "$cg/cgroup.procs" ]
}

@test "delete: unknown id, --force of an unknown id, created container" {
	run rr delete nosuch
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: container does not exist" ]
	run rr delete --force nosuch
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	args sleep 100
	rr create -b "$B" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	# a created container is deleted without --force, its process killed
	rr delete "$ID"
	[ ! -d "$RR_ROOT/$ID" ]
	run grep -E '^State:\s+[RSD]' "/proc/$pid/status"
	[ "$status" -ne 0 ]
	# a second delete --force after a delete (containerd does this) exits 0
	rr delete --force "$ID"
}

@test "duplicate id: already exists, the first container is untouched" {
	args sleep 100
	rr create -b "$B" "$ID"
	run rr create -b "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: container \`$ID\` already exists" ]
	[ "$(state_field "$ID" status)" = created ]
}

@test "concurrent creates of one id: exactly one wins" {
	args sleep 100
	local i
	for i in 1 2 3 4; do
		("$REDRUN" --root "$RR_ROOT" create -b "$B" "$ID" >/dev/null 2>&1 && echo ok >>"$BATS_TEST_TMPDIR/wins") &
	done
	wait
	[ "$(wc -l <"$BATS_TEST_TMPDIR/wins")" -eq 1 ]
	[ "$(state_field "$ID" status)" = created ]
}

@test "invalid ids are refused before any path use" {
	local id
	for id in "a/b" ".." "../x" ".hidden" "a b"; do
		run rr create -b "$B" "$id"
		[ "$status" -eq 1 ]
		[[ "$output" == "redrun: invalid container id"* ]]
	done
	run rr state ""
	[ "$status" -eq 1 ]
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "malformed config, missing config, missing rootfs: one line naming the file, nothing left" {
	echo '{"ociVersion": "1.3.0", "process": ' >"$B/config.json"
	run rr create -b "$B" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == "redrun: config.json: "* ]]
	[ "${#lines[@]}" -eq 1 ]
	rm "$B/config.json"
	run rr create -b "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: open \`$B/config.json\`: No such file or directory" ]
	make_bundle "$B" true
	rm -rf "$B/rootfs"
	run rr create -b "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: config.json: .root.path \`$B/rootfs\`: No such file or directory" ]
	run rr create -b "$BATS_TEST_TMPDIR/nope" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: bundle \`$BATS_TEST_TMPDIR/nope\`: No such file or directory" ]
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "errors in the container child come back to create; nothing is left" {
	create_fails '.process.cwd = "/nonexistent"' "config.json: .process.cwd \`/nonexistent\`: No such file or directory"
	make_bundle "$B" /bin/no-such-binary
	run rr run -b "$B" "$ID"
	[ "$status" -ne 0 ]
	[ "$output" = "redrun: exec: \`/bin/no-such-binary\`: No such file or directory" ]
	make_bundle "$B" no-such-binary
	run rr create -b "$B" "$ID"
	[ "$output" = "redrun: exec: \`no-such-binary\`: executable file not found in \$PATH" ]
	jq_config "$B" '.process.args = ["true"] | .mounts += [{"destination":"/x","type":"bogusfs","source":"none"}]'
	run rr create -b "$B" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/x"* ]]
	[ -z "$(state_left "$RR_ROOT")" ]
	[ ! -d "/sys/fs/cgroup/unified/$ID" ]
	run pgrep -f "$BATS_TEST_TMPDIR"
	[ "$status" -ne 0 ]
}

@test "state survives a reboot on disk: another boot id reads as stopped and is deletable" {
	args sleep 100
	rr create -b "$B" "$ID"
	jq '.boot_id = "00000000-0000-0000-0000-000000000000"' "$RR_ROOT/$ID/state.json" >"$BATS_TEST_TMPDIR/s"
	local pid
	pid=$(state_field "$ID" pid)
	cp "$BATS_TEST_TMPDIR/s" "$RR_ROOT/$ID/state.json"
	[ "$(state_field "$ID" status)" = stopped ]
	run rr kill "$ID" 9
	[ "$output" = "redrun: container not running" ]
	# delete still empties the container's cgroup: the process goes with it
	rr delete "$ID"
	kill -9 "$pid" 2>/dev/null || true
}

@test "a reused pid (other start time) is not the container" {
	args sleep 100
	rr create -b "$B" "$ID"
	local pid
	pid=$(state_field "$ID" pid)
	jq '.start_time += 1' "$RR_ROOT/$ID/state.json" >"$BATS_TEST_TMPDIR/s"
	cp "$BATS_TEST_TMPDIR/s" "$RR_ROOT/$ID/state.json"
	[ "$(state_field "$ID" status)" = stopped ]
	# kill must not signal whatever now has that pid
	run rr kill "$ID" 9
	[ "$output" = "redrun: container not running" ]
	grep -q '^State:\s*S' "/proc/$pid/status"
	rr delete "$ID"
	kill -9 "$pid" 2>/dev/null || true
}

@test "corrupted state.json: a clear error naming the file, delete --force cleans up" {
	args sleep 100
	rr create -b "$B" "$ID"
	local pid
	pid=$(state_field "$ID" pid)
	echo '{"id": ' >"$RR_ROOT/$ID/state.json"
	run rr state "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == "redrun: corrupted state file \`$RR_ROOT/$ID/state.json\`: "* ]]
	run rr delete "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == "redrun: corrupted state file \`$RR_ROOT/$ID/state.json\`: "* ]]
	# --force removes it anyway (an engine must not stay wedged), saying what it could not clean
	run rr delete --force "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"removing the state; its processes and cgroup are unknown"* ]]
	[ ! -d "$RR_ROOT/$ID" ]
	kill -9 "$pid"
	for _ in $(seq 50); do rmdir "/sys/fs/cgroup/unified/$ID" 2>/dev/null && break; sleep 0.05; done
}

@test "list: table, json, -q" {
	args sleep 100
	rr create -b "$B" "$ID"
	rr run -d -b "$B" "${ID}b"
	run rr list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
	[[ "${lines[1]}" =~ ^$ID\ +[0-9]+\ +created\ +$B ]]
	[[ "${lines[2]}" =~ ^${ID}b\ +[0-9]+\ +running ]]
	run rr list --format json
	[ "$(echo "$output" | jq -r 'map(.id) | join(",")')" = "$ID,${ID}b" ]
	[ "$(echo "$output" | jq -r '.[1].status')" = running ]
	run rr list -q
	[ "$output" = "$ID
${ID}b" ]
	run rr list --format=xml
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: --format: unknown format \`xml\` (table or json)" ]
}

@test "command line errors: missing id, extra args, unknown flag" {
	run rr start
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: start: expects exactly 1 argument (the container id), got 0" ]
	run rr delete a b
	[ "$status" -eq 1 ]
	run rr create --bogus "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: create: unknown or incomplete flag \`--bogus\`" ]
	run rr create --preserve-fds x "$ID"
	[ "$output" = "redrun: --preserve-fds: \`x\` is not a count of fds" ]
	run rr create -b
	[ "$status" -eq 1 ]
}

@test "--log FILE --log-format json: the error as a JSON line" {
	run "$REDRUN" --root "$RR_ROOT" --log "$BATS_TEST_TMPDIR/log.json" --log-format=json state nosuch
	[ "$status" -eq 1 ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/log.json" | jq -r .level)" = error ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/log.json" | jq -r .msg)" = "container does not exist" ]
}

@test "--cgroup-manager disabled: no cgroup at all" {
	args sh -c 'cat /proc/self/cgroup'
	run "$REDRUN" --root "$RR_ROOT" --cgroup-manager disabled run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" != *"::/$ID"* ]]
	[ ! -d "/sys/fs/cgroup/unified/$ID" ]
}

@test "the frozen config: editing the bundle after create changes nothing" {
	args sh -c 'echo original'
	rr create -b "$B" "$ID"
	args sh -c 'echo edited'
	rr start "$ID"
	wait_status "$ID" stopped
	jq -e '.process.args[2] == "echo original"' "$RR_ROOT/$ID/config.json"
}

@test "state: paused while the cgroup is frozen; delete refuses, --force kills it" {
	[ -d /sys/fs/cgroup/unified ] || skip "needs a cgroup v2 hierarchy"
	args sleep 100
	rr run -d -b "$B" "$ID"
	rr pause "$ID"
	[ "$(state_field "$ID" status)" = paused ]
	run rr delete "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: cannot delete container \`$ID\` that is not stopped: paused" ]
	rr resume "$ID"
	[ "$(state_field "$ID" status)" = running ]
	rr pause "$ID"
	rr delete --force "$ID"
	[ ! -d "/sys/fs/cgroup/unified/$ID" ]
}

@test "clone fallback: without clone3 the container still lands in its cgroup and namespaces" {
	args sh -c 'grep "^0::" /proc/self/cgroup; echo $$'
	run env REDRUN_TEST_NO_CLONE3=1 "$REDRUN" --root "$RR_ROOT" run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	if [ -d /sys/fs/cgroup/unified ]; then [ "${lines[0]}" = "0::/$ID" ]; fi
	[ "${lines[-1]}" = 1 ]
	args sleep 100
	env REDRUN_TEST_NO_CLONE3=1 "$REDRUN" --root "$RR_ROOT" create -b "$B" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	[ "$(awk '/^PPid:/{print $2}' "/proc/$(cat "$BATS_TEST_TMPDIR/pid")/status")" = "$BASHPID" ]
}
