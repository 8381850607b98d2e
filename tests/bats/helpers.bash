# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the integration tests. Each test gets its own state root
# and bundle under $BATS_TEST_TMPDIR, and teardown checks nothing leaked.

REDRUN=${REDRUN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/redrun}
RP2OCI=${RP2OCI:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/rp2oci}
TESTS_SRCDIR=${TESTS_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# requires WHAT...: skip the test with a reason when a capability is absent.
requires() {
	local w
	for w in "$@"; do
		case $w in
		root) [ "$(id -u)" = 0 ] || skip "needs root" ;;
		busybox) command -v busybox >/dev/null || skip "needs busybox-static" ;;
		jq) command -v jq >/dev/null || skip "needs jq" ;;
		runc) command -v runc >/dev/null || skip "needs runc" ;;
		*) skip "unknown requirement $w" ;;
		esac
	done
}

# state_left ROOT: the entries of a state root other than redrun's spare
# directories (up to four emptied container directories, `.spare.N`, kept for
# the next create: see src/libredrun/os/state/state.c); a spare that is not
# empty is reported.
state_left() {
	local e
	for e in $(ls -A "$1" 2>/dev/null); do
		case $e in
		.spare.[0-3]) [ -n "$(ls -A "$1/$e")" ] || continue ;;
		esac
		printf '%s ' "$e"
	done
}

# redrun with the test's private state root
rr() {
	"$REDRUN" --root "$RR_ROOT" "$@"
}

# wait_status ID STATUS: poll `state` until the container reaches STATUS (10 s max).
wait_status() {
	local i s
	for i in $(seq 200); do
		s=$("$REDRUN" --root "$RR_ROOT" state "$1" 2>/dev/null | jq -r .status)
		[ "$s" = "$2" ] && return 0
		sleep 0.05
	done
	echo "container $1 is $s, not $2"
	return 1
}

common_setup() {
	RR_ROOT=$BATS_TEST_TMPDIR/state
	mkdir -p "$RR_ROOT"
}

# make_bundle DIR [ARG...]: busybox-static rootfs + the template config with
# process.args = ARG... (default: true). Edit further with jq_config.
make_bundle() {
	local d=$1
	shift
	[ $# -gt 0 ] || set -- true
	mkdir -p "$d/rootfs"/{bin,etc,tmp,proc,sys,dev,root}
	cp "$(command -v busybox)" "$d/rootfs/bin/busybox"
	local a
	for a in $(busybox --list); do
		[ -e "$d/rootfs/bin/$a" ] || ln -s busybox "$d/rootfs/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$d/rootfs/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$d/rootfs/etc/group"
	jq --argjson a "$(jq -nc '$ARGS.positional' --args -- "$@")" '.process.args=$a' \
		"$TESTS_SRCDIR/bats/bundle-config.json" >"$d/config.json"
}

# jq_config DIR FILTER [jq args...]: edit DIR/config.json in place.
jq_config() {
	local d=$1 f=$2
	shift 2
	jq "$@" "$f" "$d/config.json" >"$d/config.json.new" && mv "$d/config.json.new" "$d/config.json"
}

# rp2oci_tree SRC DST: copy a node tree and give every directory holding a
# config a status file (state Enable) unless it brings its own.
rp2oci_tree() {
	local src=$1 dst=$2 f d
	rm -rf "$dst"
	mkdir -p "$dst"
	cp -r "$src"/. "$dst"/
	find "$dst" -path '*/etc/redpak.yaml' -o -path '*/etc/redpack.yaml' | while read -r f; do
		d=${f%/etc/*}
		[ -e "$d/.rednode.yaml" ] ||
			printf 'realpath: %s\ntimestamp: 1\nstate: Enable\n' "$d" >"$d/.rednode.yaml"
	done
}

# rp2oci_env CMD...: run with a fixed, minimal environment (golden outputs
# must not depend on the caller's).
rp2oci_env() {
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CGROUPS_MOUNT_POINT=/sys/fs/cgroup "$@"
}
