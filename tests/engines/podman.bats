#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# podman 4.3 + conmon driving $RUNTIME (see helpers.bash): private storage and
# containers.conf, a locally built busybox image, --network none everywhere.

load helpers
bats_require_minimum_version 1.5.0

# podman with the file's private storage; every call bounded in time
podman_argv() {
	PM=(podman --root "$W/root" --runroot "$W/run" --tmpdir "$W/tmp")
}

# created by podman as root whatever --root/--runroot say (listed children first)
PODMAN_HOST_PATHS=(/var/lib/containers/cache/blob-info-cache-v1.boltdb
	/var/lib/containers/cache /var/lib/containers /run/containers/networks /run/containers)

pm() {
	timeout -k 5 "$ENGINE_TIMEOUT" "${PM[@]}" "$@"
}

setup_file() {
	engines_requires podman conmon busybox jq script timeout
	engines_resolve_runtime
	engines_workdir podman
	install_runtime_wrapper
	podman_argv
	PODMAN_HOST_PATHS+=("/run/$RUNTIME_NAME")
	cgroup_parents_snapshot libpod_parent
	host_paths_snapshot "${PODMAN_HOST_PATHS[@]}"

	# podman asks for pids.max 2048 by default: only possible where the runtime
	# has a pids controller (redrun on this hybrid host has none in cgroup v2)
	local pids_limit=2048
	runtime_has_controller pids || pids_limit=0
	# The settings this machine needs (contrib/podman/containers.conf explains each):
	# nofile/nproc within the hard limits (root lacks CAP_SYS_RESOURCE), no systemd,
	# the runtime's name in the json-log and no-cgroup lists, conmon left in the
	# caller's cgroup (no-conmon) so nothing is moved into a shared cgroup.
	cat >"$W/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
pids_limit = $pids_limit
log_driver = "k8s-file"
cgroups = "no-conmon"
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
lock_type = "file"
runtime = "$RUNTIME_NAME"
runtime_supports_json = ["crun", "runc", "$RUNTIME_NAME"]
runtime_supports_nocgroup = ["crun", "$RUNTIME_NAME"]

[engine.runtimes]
$RUNTIME_NAME = ["$RUNTIME_WRAPPER"]

[network]
network_config_dir = "$W/networks"
EOF
	export CONTAINERS_CONF=$W/containers.conf
	engines_build_image
	pm load -i "$W/busybox-oci.tar"
}

exec_with_fd3() {
	echo from-fd3 >"$W/fd3"
	pm exec --preserve-fds 1 cf sh -c 'cat <&3' 3<"$W/fd3"
}

pipe_into_container() {
	echo piped | pm run --rm -i "$IMAGE" cat
}

teardown_file() {
	[ -n "${W:-}" ] && [ -d "$W" ] || return 0
	podman_argv
	PODMAN_HOST_PATHS+=("/run/$RUNTIME_NAME")
	pm rm -a -f -t 0 >/dev/null 2>&1
	pm rmi -a -f >/dev/null 2>&1
	unmount_below_workdir
	cgroup_parents_cleanup libpod_parent
	host_paths_cleanup "${PODMAN_HOST_PATHS[@]}"
	[ -n "${ENGINES_KEEP:-}" ] || rm -rf "$W"
}

setup() {
	podman_argv
	engines_test_setup
}

teardown() {
	engines_test_teardown
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
}

@test "podman: the image is loaded and the runtime is $RUNTIME_NAME" {
	run pm images --format '{{.Repository}}:{{.Tag}}'
	[ "$status" -eq 0 ]
	[[ $output == *"$IMAGE"* ]]
	run pm info --format '{{.Host.OCIRuntime.Path}}'
	[ "$status" -eq 0 ]
	[ "$output" = "$RUNTIME_WRAPPER" ]
}

@test "podman run --rm: stdout and exit codes 0, 7 and 137 (kill) relayed" {
	run pm run --rm "$IMAGE" sh -c 'echo hello from $(hostname)'
	[ "$status" -eq 0 ]
	[[ $output == "hello from "* ]]
	run pm run --rm "$IMAGE" sh -c 'exit 7'
	[ "$status" -eq 7 ]
	# killed by a signal: podman kill -> runtime kill <id> 9, status 128+9
	pm run -d --name ck "$IMAGE" sleep 1000
	run pm kill ck
	[ "$status" -eq 0 ]
	run pm wait ck
	[ "$output" = 137 ]
	grep -q " kill [0-9a-f]\{64\} 9\$" "$W/runtime-calls.log"
	# the runtime was really used (create with the bundle conmon handed over)
	grep -q " create .*--bundle" "$W/runtime-calls.log"
}

@test "podman run: the container sees its own namespaces and rlimits" {
	run pm run --rm "$IMAGE" sh -c 'echo $$; ulimit -n; readlink /proc/self/ns/net; readlink /proc/self/ns/mnt'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = "$(ulimit -Hn)" ]
	[ "${lines[2]}" != "$(readlink /proc/self/ns/net)" ]
	[ "${lines[3]}" != "$(readlink /proc/self/ns/mnt)" ]
}

@test "podman run: failing commands give the engine's error and 126/127" {
	run -127 pm run --rm "$IMAGE" /no/such/binary
	[ "$status" -eq 127 ]
	[[ $output == *"/no/such/binary"* ]]
	run -126 pm run --rm "$IMAGE" /etc/passwd
	[ "$status" -eq 126 ]
	[[ $output == *"ermission denied"* ]]
}

@test "podman run -d, logs, exec, exec -t, stop, rm" {
	run pm run -d --name c1 "$IMAGE" sh -c 'echo started; trap "echo got-term; exit 0" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	local i
	for i in $(seq 50); do pm logs c1 2>/dev/null | grep -q started && break; sleep 0.1; done
	run pm logs c1
	[ "$output" = started ]

	# exec joins the container: same pid namespace (pid 1 is the trap loop)
	run pm exec c1 sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[[ $output == *"trap"* ]]
	run pm exec c1 sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run pm exec --user nobody c1 id -u
	[ "$status" -eq 0 ]
	[ "$output" = 65534 ]
	run pm exec -d c1 sleep 1
	[ "$status" -eq 0 ]

	# exec -t: conmon passes --console-socket, the runtime sends back the pty master
	under_pty "${PM[@]}" exec -t c1 tty
	[ "$status" -eq 0 ]
	[[ $output == *"/dev/pts/"* ]]
	grep -q " exec .*--tty.*--console-socket" "$W/runtime-calls.log"

	run pm stop -t 10 c1
	[ "$status" -eq 0 ]
	run pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' c1
	[ "$output" = "exited 0" ]
	run pm logs c1
	[[ $output == *got-term* ]]
	run pm rm c1
	[ "$status" -eq 0 ]
	run pm container exists c1
	[ "$status" -eq 1 ]
	grep -q " delete --force" "$W/runtime-calls.log"
}

@test "podman run -t: the container gets a terminal" {
	under_pty "${PM[@]}" run --rm -t "$IMAGE" tty
	[ "$status" -eq 0 ]
	[[ $output == *"/dev/pts/0"* ]]
}

@test "podman pause / unpause freeze the container" {
	pm run -d --name cp "$IMAGE" sh -c 'while :; do date +%s%N > /tmp/tick; sleep 0.05; done'
	local pid tick
	pid=$(pm inspect --format '{{.State.Pid}}' cp)
	local i
	for i in $(seq 50); do [ -s "/proc/$pid/root/tmp/tick" ] && break; sleep 0.1; done
	run pm pause cp
	[ "$status" -eq 0 ]
	run pm inspect --format '{{.State.Status}}' cp
	[ "$output" = paused ]
	# frozen: the clock file the loop writes stops changing
	tick=$(cat "/proc/$pid/root/tmp/tick")
	sleep 0.5
	[ "$(cat "/proc/$pid/root/tmp/tick")" = "$tick" ]
	run pm exec cp true
	[ "$status" -ne 0 ]
	run pm unpause cp
	[ "$status" -eq 0 ]
	run pm inspect --format '{{.State.Status}}' cp
	[ "$output" = running ]
	for i in $(seq 50); do
		[ "$(cat "/proc/$pid/root/tmp/tick")" != "$tick" ] && break
		sleep 0.1
	done
	[ "$(cat "/proc/$pid/root/tmp/tick")" != "$tick" ]
	grep -q " pause " "$W/runtime-calls.log"
	grep -q " resume " "$W/runtime-calls.log"
}

@test "podman top lists the container's processes" {
	pm run -d --name ct "$IMAGE" sh -c 'sleep 1000 & wait'
	run pm top ct pid args
	[ "$status" -eq 0 ]
	[[ $output == *"sleep 1000"* ]]
}

@test "podman run --memory / --pids-limit: applied, or a clear error" {
	# runc on this hybrid host applies both through cgroup v1; redrun only uses
	# cgroup v2, where this host has no memory/pids controller: it must refuse
	# with an error that names the controller, not start without the limit.
	if runtime_has_controller memory; then
		run pm run --rm --memory 64m "$IMAGE" sh -c \
			'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
		[ "$status" -eq 0 ]
		[ "$output" = 67108864 ]
	else
		run pm run --rm --memory 64m "$IMAGE" true
		[ "$status" -ne 0 ]
		[[ $output == *memory*controller* ]]
		[[ $output == *"OCI runtime"* ]]
	fi
	if runtime_has_controller pids; then
		run pm run --rm --pids-limit 50 "$IMAGE" sh -c \
			'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max'
		[ "$status" -eq 0 ]
		[ "$output" = 50 ]
	else
		run pm run --rm --pids-limit 50 "$IMAGE" true
		[ "$status" -ne 0 ]
		[[ $output == *pids*controller* ]]
	fi
	# a refused create leaves no container behind
	run pm ps -a -q
	[ -z "$output" ]
}

@test "podman create + start + rm -f; run --read-only --cap-drop all --user" {
	run pm create --name cc "$IMAGE" sleep 100
	[ "$status" -eq 0 ]
	run pm start cc
	[ "$status" -eq 0 ]
	run pm rm -f -t 0 cc
	[ "$status" -eq 0 ]
	run pm run --rm --read-only --cap-drop all --user 65534 "$IMAGE" sh -c \
		'id -u; grep CapEff /proc/self/status; touch /x 2>&1 || true'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[[ ${lines[1]} == *0000000000000000 ]]
	[[ ${lines[2]} == *"Read-only file system"* ]]
}

@test "podman run -i relays stdin; --init makes catatonit pid 1" {
	run pipe_into_container
	[ "$status" -eq 0 ]
	[ "$output" = piped ]
	# podman bind-mounts catatonit as /run/podman-init and makes it pid 1
	run pm run --rm --init "$IMAGE" sh -c 'tr "\0" " " </proc/1/cmdline'
	[ "$status" -eq 0 ]
	[[ $output == /run/podman-init* ]]
}

@test "podman: nothing left running after rm -a" {
	pm run -d --name cl "$IMAGE" sleep 1000
	local pid
	pid=$(pm inspect --format '{{.State.Pid}}' cl)
	[ -d "/proc/$pid" ]
	run pm rm -a -f -t 0
	[ "$status" -eq 0 ]
	run pm ps -a -q
	[ -z "$output" ]
	# the container's init is gone (a zombie until reaped counts as gone)
	local i
	for i in $(seq 50); do
		[ -d "/proc/$pid" ] || break
		grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && break
		sleep 0.1
	done
	! [ -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
}

@test "podman: contrib/podman/containers.conf runs a container" {
	# the shipped snippet as a user would install it, with only the runtime path
	# and this host's values for the settings it documents as host-dependent
	local conf=$W/contrib-containers.conf pids=""
	runtime_has_controller pids || pids='pids_limit = 0'
	sed -e "s|^redrun = .*|$RUNTIME_NAME = [\"$RUNTIME_WRAPPER\"]|" \
		-e "s|^runtime = \"redrun\"|runtime = \"$RUNTIME_NAME\"|" \
		-e "s|^#default_ulimits = .*|default_ulimits = [\"nofile=$(ulimit -Hn):$(ulimit -Hn)\", \"nproc=32768:32768\"]|" \
		-e "s|^#pids_limit = 0|$pids|" \
		-e "s|^#cgroup_manager|cgroup_manager|" -e "s|^#events_logger|events_logger|" \
		"$ENGINES_DIR/../../contrib/podman/containers.conf" >"$conf"
	# keep podman's lock and network dirs private, as in setup_file
	sed -i "s|^\[engine\]\$|&\nlock_type = \"file\"|" "$conf"
	printf '\n[network]\nnetwork_config_dir = "%s"\n' "$W/networks" >>"$conf"
	CONTAINERS_CONF=$conf run pm run --rm --network none "$IMAGE" echo contrib-ok
	[ "$status" -eq 0 ]
	[ "$output" = contrib-ok ]
}

@test "podman update --memory: runtime update --resources=FILE, or a clear error" {
	pm run -d --name cu "$IMAGE" sleep 1000
	if runtime_has_controller memory; then
		run pm update --memory 96m cu
		[ "$status" -eq 0 ]
		run pm exec cu sh -c \
			'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
		[ "$output" = 100663296 ]
	else
		run pm update --memory 96m cu
		[ "$status" -ne 0 ]
		[[ $output == *memory*controller* ]]
		# the container is untouched and still running
		run pm inspect --format '{{.State.Status}}' cu
		[ "$output" = running ]
	fi
	grep -q " update --resources=" "$W/runtime-calls.log"
}

@test "podman exec --preserve-fds passes the caller's extra fd" {
	pm run -d --name cf "$IMAGE" sleep 1000
	run exec_with_fd3
	[ "$status" -eq 0 ]
	[ "$output" = from-fd3 ]
	grep -q " exec .*--preserve-fds 1 " "$W/runtime-calls.log"
}

@test "podman run --cgroups=disabled: global --cgroup-manager disabled" {
	if [ "$RUNTIME_KIND" = runc ]; then
		# runc 1.1 has no --cgroup-manager option: podman's call fails there
		skip "runc has no --cgroup-manager option"
	fi
	run pm run --rm --cgroups=disabled "$IMAGE" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	# still in the caller's cgroups: no container cgroup was made
	[ "$output" = "$(cat /proc/self/cgroup)" ]
	grep -q -- "--cgroup-manager disabled create " "$W/runtime-calls.log"
}
