#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# containerd 1.6 + containerd-shim-runc-v2 driving $RUNTIME (ctr --runc-binary):
# a private containerd (config, root, state and socket under one temp dir, killed
# by its PID in teardown_file), the locally built busybox image.

load helpers
bats_require_minimum_version 1.5.0

ctr_argv() {
	CTR=(ctr -a "$W/containerd.sock" -n "$NS")
	# ctr's default spec asks cpu.shares 1024; where the runtime has no cpu
	# controller (redrun on a hybrid host) leave the cpu resources out
	RUNOPTS=(--runc-binary "$RUNTIME_WRAPPER" --fifo-dir "$W/fifo")
	runtime_has_controller cpu || RUNOPTS+=(--cpu-shares 0)
}

c() {
	timeout -k 5 "$ENGINE_TIMEOUT" "${CTR[@]}" "$@"
}

# wait_task_status ID STATUS: ctr task ls shows the task in STATUS
wait_task_status() {
	local i
	for i in $(seq 100); do
		c task ls | awk -v id="$1" '$1 == id { print $3 }' | grep -qx "$2" && return 0
		sleep 0.1
	done
	echo "task $1 never reached $2: $(c task ls)"
	return 1
}

setup_file() {
	engines_requires containerd ctr containerd-shim-runc-v2 busybox jq script timeout
	engines_resolve_runtime
	engines_workdir ctrd
	install_runtime_wrapper
	# namespace = cgroup parent (/<ns>/<id>) and the shim's runtime root
	# (/run/containerd/runc/<ns>): unique per run, removed in teardown_file
	NS=rrtest${W##*.}
	export NS
	cgroup_parents_snapshot "$NS"
	local d
	: >"$W/run-containerd.before"
	for d in /run/containerd /run/containerd/runc /run/containerd/s /run/containerd/fifo; do
		[ -d "$d" ] && echo "$d" >>"$W/run-containerd.before"
	done
	cat >"$W/config.toml" <<EOF
version = 2
root = "$W/root"
state = "$W/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$W/containerd.sock"
[ttrpc]
  address = "$W/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$W/opt"
EOF
	containerd --config "$W/config.toml" >"$W/containerd.log" 2>&1 &
	echo $! >"$W/containerd.pid"
	local i
	for i in $(seq 100); do
		[ -S "$W/containerd.sock" ] && break
		sleep 0.05
	done
	ctr_argv
	c version >/dev/null
	engines_build_image
	c images import "$W/busybox-oci.tar"
}

teardown_file() {
	[ -n "${W:-}" ] && [ -d "$W" ] || return 0
	ctr_argv
	local id pid
	if [ -S "$W/containerd.sock" ]; then
		for id in $(c container ls -q 2>/dev/null); do
			c task delete -f "$id" >/dev/null 2>&1
			c container rm "$id" >/dev/null 2>&1
		done
	fi
	pid=$(cat "$W/containerd.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	# left behind by containerd: the shim's runtime root and the namespace cgroups
	rm -rf "/run/containerd/runc/$NS"
	for d in /run/containerd/fifo /run/containerd/s /run/containerd/runc /run/containerd; do
		grep -qxF "$d" "$W/run-containerd.before" || rmdir "$d" 2>/dev/null
	done
	cgroup_parents_cleanup "$NS"
	unmount_below_workdir
	[ -n "${ENGINES_KEEP:-}" ] || rm -rf "$W"
}

setup() {
	ctr_argv
	engines_test_setup
}

teardown() {
	engines_test_teardown
	local id
	for id in $(c container ls -q 2>/dev/null); do
		c task delete -f "$id" >/dev/null 2>&1
		c container rm "$id" >/dev/null 2>&1
	done
	return 0
}

@test "ctr: image imported, containerd up" {
	run c images ls -q
	[ "$status" -eq 0 ]
	[[ $output == *"$IMAGE"* ]]
}

@test "ctr run --rm: output and exit status relayed" {
	run c run --rm "${RUNOPTS[@]}" "$IMAGE" r1 sh -c 'echo pid $$; exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = "pid 1" ]
	run c run --rm "${RUNOPTS[@]}" "$IMAGE" r2 true
	[ "$status" -eq 0 ]
	# the shim's calls, with global options before the command
	grep -q -- "--root /run/containerd/runc/$NS --log .*--log-format json create --bundle" \
		"$W/runtime-calls.log"
	run c container ls -q
	[ -z "$output" ]
}

@test "ctr run: a failing command reports the runtime's error" {
	run c run --rm "${RUNOPTS[@]}" "$IMAGE" r3 /no/such/binary
	[ "$status" -ne 0 ]
	[[ $output == *"/no/such/binary"* ]]
	run c container ls -q
	[ -z "$output" ]
}

@test "ctr run -d, task exec, task ps, task kill, task delete" {
	run c run -d "${RUNOPTS[@]}" "$IMAGE" d1 sh -c 'trap "echo term; exit 3" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	wait_task_status d1 RUNNING

	# exec joins the container's pid namespace; its exit status comes back
	run c task exec --fifo-dir "$W/fifo" --exec-id e1 d1 sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[[ $output == *trap* ]]
	run c task exec --fifo-dir "$W/fifo" --exec-id e2 d1 sh -c 'exit 4'
	[ "$status" -eq 4 ]

	# task ps = runtime `ps --format json`: the init's host pid is listed
	local pid
	pid=$(c task ls | awk '$1 == "d1" { print $2 }')
	run c task ps d1
	[ "$status" -eq 0 ]
	[[ $output == *"$pid"* ]]

	run c task kill -s SIGTERM d1
	[ "$status" -eq 0 ]
	wait_task_status d1 STOPPED
	run c task delete d1
	[ "$status" -eq 0 ]
	[[ $output == *"exit code 3"* ]]
	run c container rm d1
	[ "$status" -eq 0 ]
	grep -q " exec --process .*--detach --pid-file " "$W/runtime-calls.log"
	grep -q " kill [^ ]*d1 15\$" "$W/runtime-calls.log"
}

@test "ctr task pause / resume" {
	run c run -d "${RUNOPTS[@]}" "$IMAGE" p1 sh -c 'while :; do date +%s%N > /tmp/tick; sleep 0.05; done'
	[ "$status" -eq 0 ]
	wait_task_status p1 RUNNING
	local pid tick i
	pid=$(c task ls | awk '$1 == "p1" { print $2 }')
	for i in $(seq 50); do [ -s "/proc/$pid/root/tmp/tick" ] && break; sleep 0.1; done
	run c task pause p1
	[ "$status" -eq 0 ]
	wait_task_status p1 PAUSED
	tick=$(cat "/proc/$pid/root/tmp/tick")
	sleep 0.5
	[ "$(cat "/proc/$pid/root/tmp/tick")" = "$tick" ]
	run c task resume p1
	[ "$status" -eq 0 ]
	wait_task_status p1 RUNNING
	for i in $(seq 50); do
		[ "$(cat "/proc/$pid/root/tmp/tick")" != "$tick" ] && break
		sleep 0.1
	done
	[ "$(cat "/proc/$pid/root/tmp/tick")" != "$tick" ]
}

@test "ctr -t: run and task exec with a terminal (console socket)" {
	under_pty "${CTR[@]}" run --rm -t "${RUNOPTS[@]}" "$IMAGE" t1 tty
	[ "$status" -eq 0 ]
	[[ $output == *"/dev/pts/0"* ]]
	grep -q " create .*--console-socket " "$W/runtime-calls.log"

	run c run -d "${RUNOPTS[@]}" "$IMAGE" t2 sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status t2 RUNNING
	under_pty "${CTR[@]}" task exec --fifo-dir "$W/fifo" -t --exec-id te t2 tty
	[ "$status" -eq 0 ]
	[[ $output == *"/dev/pts/"* ]]
	grep -q " exec .*--console-socket " "$W/runtime-calls.log"
}

@test "ctr task delete -f: kill --all, then delete twice is fine" {
	run c run -d "${RUNOPTS[@]}" "$IMAGE" f1 sleep 1000
	[ "$status" -eq 0 ]
	wait_task_status f1 RUNNING
	local pid
	pid=$(c task ls | awk '$1 == "f1" { print $2 }')
	run c task delete -f f1
	[ "$status" -eq 0 ]
	run c container rm f1
	[ "$status" -eq 0 ]
	grep -q " kill --all [^ ]*f1 9\$" "$W/runtime-calls.log"
	local i
	for i in $(seq 50); do
		[ -d "/proc/$pid" ] || break
		grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && break
		sleep 0.1
	done
	! [ -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
	# nothing of the container left in the runtime's state
	[ ! -e "/run/containerd/runc/$NS/f1" ]
}

@test "ctr: contrib/containerd/config.toml is accepted by containerd" {
	run containerd --config "$ENGINES_DIR/../../contrib/containerd/config.toml" config dump
	[ "$status" -eq 0 ]
	local block
	block=$(sed -n '/containerd.runtimes.redrun.options\]/,/^ *\[/p' <<<"$output")
	[[ $block == *'BinaryName = "/usr/local/bin/redrun"'* ]]
	[[ $output == *'runtime_type = "io.containerd.runc.v2"'* ]]
}
