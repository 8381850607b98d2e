#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Images that try to make the runtime mount or create something outside the
# rootfs. Every case runs with openat2, with the component walk that replaces
# it (--no-openat2), and as on an old kernel (no openat2, no new mount API),
# and checks the host afterwards.

load helpers
load fs_helpers

setup() {
	fs_setup
	SRC=$BATS_TEST_TMPDIR/src
	mkdir -p "$SRC"
	echo payload >"$SRC/file"
}

teardown() {
	if [ -n "${SWAPPER:-}" ]; then kill "$SWAPPER" 2>/dev/null || true; wait "$SWAPPER" 2>/dev/null || true; fi
	fs_teardown
}

# both resolution strategies
MODES=("" "--no-openat2" "--no-openat2 --legacy-mount")

run_modes() {
	local m
	for m in "${MODES[@]}"; do
		# shellcheck disable=SC2086
		run ctr_run "$B" $m
		echo "mode [${m:-openat2}] status $status: $output"
		"$@" || return 1
	done
}

@test "mount target behind an absolute symlink to a host directory stays in the rootfs" {
	bundle_sh 'cat /proc/self/mountinfo'
	ln -s "$HOSTDIR" "$B/rootfs/mnt"
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/mnt/sub", type: "bind", source: $s, options: ["bind"]}')"
	add_mount '{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs"}'
	add_mount "$(jq -nc --arg s "$SRC/file" '{destination: "/mnt/deep/er/file", type: "bind", source: $s, options: ["bind"]}')"
	check() {
		[ "$status" -eq 0 ] && [ -n "$(mnt_line "$HOSTDIR/sub")" ] && [ -n "$(mnt_line "$HOSTDIR/t")" ]
	}
	run_modes check
	host_untouched
	[ -d "$B/rootfs$HOSTDIR/sub" ] && [ -f "$B/rootfs$HOSTDIR/deep/er/file" ]
}

@test "../ in a destination and in symlinks cannot climb out" {
	bundle_sh 'cat /proc/self/mountinfo'
	ln -s ../../../../../../../.. "$B/rootfs/up"
	local rel=${HOSTDIR#/}
	add_mount "$(jq -nc --arg s "$SRC" --arg d "/../../../../../$rel/a" '{destination: $d, type: "bind", source: $s, options: ["bind"]}')"
	add_mount "$(jq -nc --arg s "$SRC" --arg d "/up/$rel/b" '{destination: $d, type: "bind", source: $s, options: ["bind"]}')"
	check() { [ "$status" -eq 0 ]; }
	run_modes check
	host_untouched
	[ -d "$B/rootfs/$rel/a" ] && [ -d "$B/rootfs/$rel/b" ]
}

@test "a symlinked /etc pointing at the host's /etc gets nothing written on the host" {
	local name=rr-hostile-$$-$BATS_TEST_NUMBER
	bundle_sh true
	rm -rf "$B/rootfs/etc"
	ln -s /etc "$B/rootfs/etc"
	add_mount "$(jq -nc --arg s "$SRC/file" --arg d "/etc/$name" '{destination: $d, type: "bind", source: $s, options: ["bind"]}')"
	check() { [ ! -e "/etc/$name" ]; }
	run_modes check
	[ ! -e "/etc/$name" ]
}

@test "proc on a symlinked /proc is refused" {
	bundle_sh true
	rmdir "$B/rootfs/proc"
	ln -s "$HOSTDIR" "$B/rootfs/proc"
	check() { [ "$status" -ne 0 ] && [[ "$output" == *"mount \`/proc\` (.mounts[0]): must be mounted on a directory, not a symlink"* ]]; }
	run_modes check
	host_untouched
}

@test "sysfs on a symlinked /sys is refused" {
	bundle_sh true
	rmdir "$B/rootfs/sys"
	ln -s /proc "$B/rootfs/sys"
	check() { [ "$status" -ne 0 ] && [[ "$output" == *"mount \`/sys\`"*"not a symlink"* ]]; }
	run_modes check
}

@test "a symlinked /dev pointing at a host directory: devices land inside the rootfs" {
	bundle_sh 'stat -c %t:%T /dev/null'
	rmdir "$B/rootfs/dev"
	ln -s "$HOSTDIR" "$B/rootfs/dev"
	check() { [ "$status" -eq 0 ] && [ "${lines[-1]}" = 1:3 ]; }
	run_modes check
	host_untouched
	# without a /dev mount the nodes are made in the image, still inside it
	jq_config "$B" '.mounts |= map(select(.destination | startswith("/dev") | not))'
	run_modes check
	host_untouched
	[ -c "$B/rootfs$HOSTDIR/null" ]
}

@test "a /dev/null that is not the null device is never used to mask" {
	bundle_sh 'cat /proc/keys'
	jq_config "$B" '.mounts |= map(select(.destination | startswith("/dev") | not)) | .mounts += [{destination: "/dev", type: "bind", source: $h, options: ["rbind"]}]' --arg h "$HOSTDIR"
	ln -s /proc/sys/kernel/core_pattern "$HOSTDIR/null"
	check() { [ "$status" -ne 0 ] && [[ "$output" == *"not the null device"* ]]; }
	run_modes check
	rm "$HOSTDIR/null"
	touch "$HOSTDIR/null"
	run_modes check
}

@test "masked paths planted as symlinks by the image are left alone" {
	bundle_sh 'cat /proc/self/mountinfo'
	mkdir -p "$B/rootfs/secrets"
	ln -s /etc/passwd "$B/rootfs/secrets/a"
	ln -s ../etc "$B/rootfs/secrets/b"
	jq_config "$B" '.linux.maskedPaths += ["/secrets/a", "/secrets/b"]'
	check() { [ "$status" -eq 0 ] && [ -z "$(mnt_line /etc/passwd)" ] && [ -z "$(mnt_line /etc)" ]; }
	run_modes check
}

@test "a symlink swapped while mounting never redirects a mount or a create to the host" {
	bundle_sh true
	jq_config "$B" '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	add_mount "$(jq -nc --arg s "$SRC/file" '{destination: "/race/x/file", type: "bind", source: $s, options: ["bind"]}')"
	add_mount '{"destination": "/race/t", "type": "tmpfs", "source": "tmpfs"}'
	local r=$B/rootfs
	mkdir -p "$r/race.dir"
	# flip /race between a real directory and a symlink to the host directory
	(
		set +e
		while :; do
			ln -sfn "$HOSTDIR" "$r/race.lnk" && mv -T "$r/race.lnk" "$r/race" 2>/dev/null
			rm -f "$r/race" 2>/dev/null
			mkdir -p "$r/race" 2>/dev/null
			rmdir "$r/race" 2>/dev/null
		done
	) &
	SWAPPER=$!
	local i m ok=0 failed=0
	for i in $(seq 1 30); do
		for m in "${MODES[@]}"; do
			# shellcheck disable=SC2086
			if ctr_run "$B" $m >/dev/null 2>&1; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
		done
	done
	echo "# runs: $ok set up, $failed refused" >&3
	kill "$SWAPPER"
	wait "$SWAPPER" 2>/dev/null || true
	SWAPPER=
	host_untouched
	fs_teardown
}
