# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the engine suite (podman.bats, containerd.bats).
#
# RUNTIME names the OCI runtime the engines are pointed at: a path (the built
# redrun) or a command name (runc). Each .bats file gets a private world under
# one temp dir -- podman storage/runroot/containers.conf, or a containerd with its
# own config/root/state/socket -- and removes it in teardown_file. The runtime is
# called through runtime-log.sh, so a failing test prints the exact runtime calls.
#
# Nothing here changes host networking: podman always runs with --network none and
# containerd only creates containers without a network namespace setup.

ENGINES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# every engine command is bounded: a hung runtime fails the test, not the suite
ENGINE_TIMEOUT=${ENGINE_TIMEOUT:-60}
IMAGE=localhost/busybox:latest

# engines_requires CMD...: skip the whole file (from setup_file) or test when a
# tool is missing; the suite installs nothing by itself (contrib/install-deps.sh --all)
engines_requires() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "needs $c (contrib/install-deps.sh --all)"
	done
}

# resolve RUNTIME to an absolute path; RUNTIME_NAME is the name engines see
engines_resolve_runtime() {
	local r=${RUNTIME:-${REDRUN:-}}
	[ -n "$r" ] || skip "RUNTIME is not set"
	if [[ $r != */* ]]; then
		r=$(command -v "$r") || skip "runtime ${RUNTIME} not found"
	fi
	[ -x "$r" ] || skip "runtime $r is not executable"
	RUNTIME=$(readlink -f "$r")
	RUNTIME_NAME=${RUNTIME##*/}
	RUNTIME_KIND=other
	case $("$RUNTIME" --version 2>/dev/null | head -n1) in
	redrun\ version*) RUNTIME_KIND=redrun ;;
	runc\ version*) RUNTIME_KIND=runc ;;
	esac
	export RUNTIME RUNTIME_NAME RUNTIME_KIND
}

# engines_workdir PREFIX: the file's private dir. Short and under /tmp on purpose:
# conmon and the shim put unix sockets below it (108-byte sun_path limit).
engines_workdir() {
	W=$(mktemp -d "/tmp/rr-$1.XXXXXX")
	mkdir -p "$W/bin"
	export W
	: >"$W/runtime-calls.log"
}

# install the logging wrapper as $W/bin/$RUNTIME_NAME (podman picks behaviour by the
# runtime's name, so the wrapper keeps the real name)
install_runtime_wrapper() {
	sed -e "s|@REAL@|$RUNTIME|" -e "s|@LOG@|$W/runtime-calls.log|" \
		"$ENGINES_DIR/runtime-log.sh" >"$W/bin/$RUNTIME_NAME"
	chmod 0755 "$W/bin/$RUNTIME_NAME"
	RUNTIME_WRAPPER=$W/bin/$RUNTIME_NAME
	export RUNTIME_WRAPPER
}

# The cgroup hierarchy the runtime puts limits in decides which limits an engine
# may ask for. runc 1.1 uses the v1 controllers on a hybrid host; redrun uses
# cgroup v2 only (on a hybrid host the v2 mount at /sys/fs/cgroup/unified, which
# here has hugetlb alone). runtime_has_controller NAME tells which case we are in.
cgroup_v2_root() {
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo /sys/fs/cgroup
	elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		echo /sys/fs/cgroup/unified
	fi
}

runtime_has_controller() {
	local c=$1 v2
	v2=$(cgroup_v2_root)
	if [ -n "$v2" ] && grep -qw "$c" "$v2/cgroup.controllers" 2>/dev/null; then
		return 0
	fi
	[ "$RUNTIME_KIND" = redrun ] && return 1
	# runc on a hybrid or v1 host: a mounted v1 hierarchy of that name
	[ "$v2" = /sys/fs/cgroup ] && return 1
	local ctl=$c
	[ "$c" = io ] && ctl=blkio
	mountpoint -q "/sys/fs/cgroup/$ctl" 2>/dev/null
}

# Remember which top-level cgroup dirs exist before the file runs, so that
# teardown removes the parents the engines created (podman's /libpod_parent,
# containerd's /<namespace>) and nothing that was there before.
CGROUP_PARENTS_FILE=
cgroup_parents_snapshot() {
	CGROUP_PARENTS_FILE=$W/cgroup-parents.before
	export CGROUP_PARENTS_FILE
	local name d
	: >"$CGROUP_PARENTS_FILE"
	for name in "$@"; do
		for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
			[ -d "$d" ] && echo "$d" >>"$CGROUP_PARENTS_FILE"
		done
	done
	return 0
}

# cgroup_parents_cleanup NAME...: rmdir (depth first, empty dirs only) what the
# engines left under /sys/fs/cgroup/*/NAME when it did not exist before
cgroup_parents_cleanup() {
	local name d
	for name in "$@"; do
		for d in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
			[ -d "$d" ] || continue
			grep -qxF "$d" "$CGROUP_PARENTS_FILE" 2>/dev/null && continue
			find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
		done
	done
	return 0
}

# unmount whatever is still mounted below $W (overlay merged dirs, shm, rootfs)
unmount_below_workdir() {
	local m
	awk -v w="$W/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	return 0
}

# engines_build_image: the busybox image archive both engines load
engines_build_image() {
	"$ENGINES_DIR/make-oci-image.sh" "$W/busybox-oci.tar" "$IMAGE"
}

# Per-test bookkeeping: remember where the runtime log stood so a failing test
# shows only its own runtime calls.
engines_test_setup() {
	LOG_MARK=$(wc -l <"$W/runtime-calls.log")
}

engines_test_teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "# last command's output (status ${status:-}):"
		printf '%s\n' "${output:-}" | tail -n 20 | sed 's/^/#   /'
		echo "# runtime calls of this test ($RUNTIME_NAME):"
		tail -n +"$((LOG_MARK + 1))" "$W/runtime-calls.log" | sed 's/^/#   /'
	fi
}

# under_pty CMD...: run CMD with a pseudo-terminal as its stdio (engines refuse
# -t without a real terminal on stdin); output with CRs stripped in $output
under_pty() {
	local q
	printf -v q ' %q' "$@"
	run timeout -k 5 "$ENGINE_TIMEOUT" script -qec "${q# }" /dev/null
	output=${output//$'\r'/}
}

# Host paths an engine creates outside its private dirs whatever it is told
# (podman: its image blob-info cache and netavark's run dir; the runtime's default
# state root when the engine passes no --root). host_paths_snapshot records which
# existed; host_paths_cleanup removes the others: files, then directories only
# when empty, deepest first -- never anything that was there before.
host_paths_snapshot() {
	local p
	: >"$W/host-paths.before"
	for p in "$@"; do
		[ -e "$p" ] && echo "$p" >>"$W/host-paths.before"
	done
	return 0
}

host_paths_cleanup() {
	local p
	for p in "$@"; do
		[ -e "$p" ] || continue
		grep -qxF "$p" "$W/host-paths.before" 2>/dev/null && continue
		if [ -d "$p" ]; then
			rmdir "$p" 2>/dev/null
		else
			rm -f "$p"
		fi
	done
	return 0
}
