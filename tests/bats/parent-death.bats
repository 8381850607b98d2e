#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# red-pak's die-with-parent (annotation bzh.redpesk.redpak.die-with-parent,
# emitted by rp2oci): the container dies with the process that launched it.

load helpers
load lc_helpers

setup() {
	lc_setup
	args sleep 100
}

teardown() {
	lc_teardown
}

# launch_and_kill_runtime: start `redrun run` in the background, wait until the
# container runs, SIGKILL the runtime (not the container), echo the container pid
launch_and_kill_runtime() {
	"$REDRUN" --root "$RR_ROOT" run -b "$B" "$ID" </dev/null >/dev/null 2>&1 &
	local rt=$!
	wait_status "$ID" running >/dev/null
	state_field "$ID" pid
	kill -KILL "$rt"
	wait "$rt" 2>/dev/null || true
}

# gone PID: true once the process has exited (zombies count as gone), 5 s max
gone() {
	local i
	for i in $(seq 100); do
		[ -e "/proc/$1" ] || return 0
		[ "$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null)" != Z ] || return 0
		sleep 0.05
	done
	return 1
}

@test "die-with-parent: the container is killed when redrun run dies" {
	jq_config "$B" '.annotations["bzh.redpesk.redpak.die-with-parent"] = "true"'
	local pid
	pid=$(launch_and_kill_runtime)
	[ -n "$pid" ]
	gone "$pid"
	rr delete --force "$ID"
}

@test "die-with-parent also holds after the switch to another user" {
	jq_config "$B" '.annotations["bzh.redpesk.redpak.die-with-parent"] = "true"
		| .process.user = {"uid": 65534, "gid": 65534}'
	local pid
	pid=$(launch_and_kill_runtime)
	gone "$pid"
	rr delete --force "$ID"
}

@test "without the annotation the container outlives the runtime" {
	local pid
	pid=$(launch_and_kill_runtime)
	[ -n "$pid" ]
	! gone "$pid" 2>/dev/null || false
	rr delete --force "$ID"
}
