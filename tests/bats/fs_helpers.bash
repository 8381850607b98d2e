# SPDX-License-Identifier: Apache-2.0
# Shared by the root filesystem tests (rootfs, mounts, devices, hostile-rootfs).

FSRUN=${FSRUN:-${TESTS_BUILDDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/helpers/fsrun}

fs_setup() {
	requires root busybox jq
	common_setup
	[ -x "$FSRUN" ] || skip "needs tests/helpers/fsrun (built by make check)"
	B=$BATS_TEST_TMPDIR/b
	HOSTDIR=$BATS_TEST_TMPDIR/host
	mkdir -p "$HOSTDIR"
}

# userns_bundle: move $B where ids mapped into a user namespace can reach it
# (the bats temporary directory is private to root).
userns_bundle() {
	USERNS_DIR=$(mktemp -d /tmp/rr-userns-XXXXXX)
	chmod 755 "$USERNS_DIR"
	mv "$B" "$USERNS_DIR/b"
	B=$USERNS_DIR/b
}

# Nothing the test did may stay mounted on the host.
fs_teardown() {
	if [ -n "${USERNS_DIR:-}" ]; then rm -rf "$USERNS_DIR"; fi
	local leaked
	leaked=$(grep -F " $BATS_TEST_TMPDIR" /proc/self/mountinfo || true)
	[ -z "$leaked" ] || {
		echo "leaked mounts: $leaked"
		return 1
	}
}

have_redrun_run() {
	if [ -z "${HAVE_REDRUN_RUN:-}" ]; then
		HAVE_REDRUN_RUN=no
		if "$REDRUN" --help 2>&1 | grep -q '^ *run '; then HAVE_REDRUN_RUN=yes; fi
	fi
	[ "$HAVE_REDRUN_RUN" = yes ]
}

# ctr_run DIR [fsrun options]: run the bundle. `redrun run` once the runtime
# has it (and no fsrun option is asked), the rootfs driver otherwise.
# RR_FS_DRIVER=1 always uses the driver; FSRUN_OPTS adds options to every
# driver run, e.g. the whole suite as on an old kernel:
#   RR_FS_DRIVER=1 FSRUN_OPTS="--no-openat2 --legacy-mount" bats tests/bats/mounts.bats
ctr_run() {
	local d=$1
	shift
	if [ $# -eq 0 ] && [ -z "${RR_FS_DRIVER:-}" ] && have_redrun_run; then
		"$REDRUN" --root "$RR_ROOT" run --bundle "$d" "rfs$BATS_TEST_NUMBER-$$"
	else
		# shellcheck disable=SC2086
		"$FSRUN" ${FSRUN_OPTS:-} "$@" "$d"
	fi
}

# bundle_sh SCRIPT: the test bundle at $B running `sh -c SCRIPT`
bundle_sh() {
	make_bundle "$B" sh -c "$1"
}

# add_mount JSON: append one entry to .mounts
add_mount() {
	jq_config "$B" '.mounts += [$m]' --argjson m "$1"
}

# mnt_line MOUNTPOINT: the mountinfo line of MOUNTPOINT in $output (last one wins)
mnt_line() {
	printf '%s\n' "$output" | awk -v mp="$1" '$5 == mp { l = $0 } END { print l }'
}

# the host must not have gained anything in $HOSTDIR
host_untouched() {
	[ -z "$(ls -A "$HOSTDIR")" ] || {
		echo "host dir changed:"
		ls -laR "$HOSTDIR"
		return 1
	}
}
