#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The root itself: root.path, root.readonly, rootfsPropagation, pivot_root and
# its no-pivot fallback, sysctl, masked and readonly paths, personality.

load helpers
load fs_helpers

setup() {
	fs_setup
}

teardown() {
	fs_teardown
}

@test "root.path relative to the bundle" {
	bundle_sh 'cat /etc/group; cat /proc/self/mountinfo'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *"nogroup:x:65534:"* ]]
	[[ "$(mnt_line /)" == *"/b/rootfs / "* ]]
}

@test "root.path absolute" {
	bundle_sh 'cat /proc/self/mountinfo'
	mv "$B/rootfs" "$BATS_TEST_TMPDIR/elsewhere"
	jq_config "$B" '.root.path = $p' --arg p "$BATS_TEST_TMPDIR/elsewhere"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /)" == *"/elsewhere / "* ]]
}

@test "root.path that does not exist is an error naming the field" {
	bundle_sh true
	jq_config "$B" '.root.path = "nope"'
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *".root.path"* ]]
}

@test "root.readonly: the root is mounted read-only" {
	bundle_sh 'cat /proc/self/mountinfo; touch /newfile && echo WROTE'
	run ctr_run "$B"
	[[ "$(mnt_line /)" =~ \ /\ ro, ]]
	[[ "$output" != *WROTE* ]]
	[ ! -e "$B/rootfs/newfile" ]
}

@test "root.readonly false: the root is writable" {
	bundle_sh 'cat /proc/self/mountinfo; touch /newfile && echo WROTE'
	jq_config "$B" '.root.readonly = false'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /)" =~ \ /\ rw, ]]
	[[ "$output" == *WROTE* ]]
	[ -e "$B/rootfs/newfile" ]
}

@test "rootfsPropagation: rprivate by default" {
	bundle_sh 'cat /proc/self/mountinfo'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	local l
	l=$(mnt_line /)
	[[ "$l" != *shared:* && "$l" != *master:* ]]
}

@test "rootfsPropagation: shared, rshared, unbindable, runbindable, private, slave" {
	local p
	for p in shared rshared unbindable runbindable private rprivate slave rslave; do
		bundle_sh 'cat /proc/self/mountinfo'
		jq_config "$B" '.linux.rootfsPropagation = $p' --arg p "$p"
		run ctr_run "$B"
		echo "$p: $output"
		[ "$status" -eq 0 ]
		case $p in
		shared) [[ "$(mnt_line /)" == *shared:* && "$(mnt_line /proc)" != *shared:* ]] ;;
		rshared) [[ "$(mnt_line /)" == *shared:* && "$(mnt_line /proc)" == *shared:* ]] ;;
		unbindable) [[ "$(mnt_line /)" == *unbindable* && "$(mnt_line /proc)" != *unbindable* ]] ;;
		runbindable) [[ "$(mnt_line /proc)" == *unbindable* ]] ;;
		*) [[ "$(mnt_line /)" != *shared:* ]] ;;
		esac
	done
}

@test "rootfsPropagation: an unknown mode is refused" {
	bundle_sh true
	jq_config "$B" '.linux.rootfsPropagation = "sideways"'
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *".linux.rootfsPropagation: \`sideways\` is not a propagation mode"* ]]
}

@test "no-pivot: MS_MOVE and chroot instead of pivot_root" {
	bundle_sh 'cat /proc/self/mountinfo; ls /'
	run ctr_run "$B" --no-pivot
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /)" == *"/b/rootfs / "* ]]
	[[ "$output" == *bin* ]]
}

@test "no-pivot through redrun run --no-pivot" {
	have_redrun_run || skip "needs redrun run"
	bundle_sh 'cat /proc/self/mountinfo; ls /'
	run rr run --no-pivot --bundle "$B" "rfs$BATS_TEST_NUMBER-$$"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /)" == *"/b/rootfs / "* ]]
	[[ "$output" == *bin* ]]
}

@test "red-pak shape: a tmpfs root with host directories bound read-only runs busybox" {
	bundle_sh true
	mkdir -p "$HOSTDIR/bin"
	cp -a "$B/rootfs/bin/." "$HOSTDIR/bin/"
	rm -rf "$B/rootfs" && mkdir "$B/rootfs"
	jq_config "$B" '.root.readonly = false | .mounts = [
	    {destination: "/", type: "tmpfs", source: "tmpfs", options: ["mode=755"]},
	    {destination: "/bin", type: "bind", source: $bin, options: ["rbind", "ro", "nosuid", "nodev"]}
	  ] + .mounts + [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]
	  | .process.args = ["sh", "-c", "echo volatile > /tmp/f && cat /tmp/f; touch /bin/x || echo RO-BIN; touch /rootfile && echo RW-ROOT; cat /proc/self/mountinfo"]' \
		--arg bin "$HOSTDIR/bin"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *volatile* && "$output" == *RO-BIN* && "$output" == *RW-ROOT* ]]
	[[ "$(mnt_line /)" == *" - tmpfs "* ]]
	[[ "$(mnt_line /bin)" =~ \ /bin\ ro,nosuid,nodev ]]
	# the volatile root left nothing behind
	[ -z "$(ls -A "$B/rootfs")" ]
	[ ! -e "$HOSTDIR/bin/x" ]
}

@test "sysctl: namespaced keys are written in the container, the host keeps its values" {
	local host_fwd host_shm
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	host_shm=$(cat /proc/sys/kernel/shmmni)
	bundle_sh 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni'
	jq_config "$B" '.linux.sysctl = {"net.ipv4.ip_forward": $f, "kernel.shmmni": "1234"}' \
		--arg f "$((1 - host_fwd))"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$((1 - host_fwd))" ]
	[ "${lines[1]}" = 1234 ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
	[ "$(cat /proc/sys/kernel/shmmni)" = "$host_shm" ]
}

@test "sysctl: a host-wide key is refused" {
	bundle_sh true
	jq_config "$B" '.linux.sysctl = {"kernel.panic": "5"}'
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *"\`kernel.panic\` is not in a separate kernel namespace"* ]]
}

@test "sysctl: a key of a namespace the container does not own is refused" {
	bundle_sh true
	jq_config "$B" '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *"\`net.ipv4.ip_forward\` needs a network namespace"* ]]
	jq_config "$B" '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.msgmax": "1"}'
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *"needs a ipc namespace"* ]]
}

@test "maskedPaths: files read empty, directories are empty and read-only" {
	bundle_sh 'cat /proc/self/mountinfo; echo "keys=[$(cat /proc/keys)]"; echo "fw=[$(ls -A /sys/firmware)]"; touch /sys/firmware/x || echo FW-RO'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *"keys=[]"* && "$output" == *"fw=[]"* && "$output" == *FW-RO* ]]
	[[ "$(mnt_line /proc/keys)" == *"/null /proc/keys "* ]]
	[[ "$(mnt_line /sys/firmware)" =~ \ /sys/firmware\ ro, ]]
}

@test "maskedPaths: a masked path that is a symlink in the image is not followed" {
	bundle_sh 'cat /proc/self/mountinfo; cat /etc/passwd'
	ln -s /etc/passwd "$B/rootfs/etc/masked"
	jq_config "$B" '.linux.maskedPaths += ["/etc/masked", "/does/not/exist"]'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *"root:x:0:0"* ]]
	[ -z "$(mnt_line /etc/passwd)" ]
	[ -z "$(mnt_line /etc/masked)" ]
}

@test "readonlyPaths: /proc/sys and an image directory become read-only" {
	mkdir -p "$B/rootfs/data"
	bundle_sh 'cat /proc/self/mountinfo; echo x > /proc/sys/kernel/domainname || echo SYS-RO; touch /data/f || echo DATA-RO; touch /other && echo OTHER-RW'
	mkdir -p "$B/rootfs/data"
	jq_config "$B" '.root.readonly = false | .linux.readonlyPaths += ["/data"]'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *SYS-RO* && "$output" == *DATA-RO* && "$output" == *OTHER-RW* ]]
	[[ "$(mnt_line /proc/sys)" =~ \ /proc/sys\ ro, ]]
	[[ "$(mnt_line /data)" =~ \ /data\ ro, ]]
}

@test "personality: LINUX32 makes uname report a 32-bit machine" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
	bundle_sh 'uname -m'
	jq_config "$B" '.linux.personality = {domain: "LINUX32"}'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
	jq_config "$B" '.linux.personality = {domain: "LINUX"}'
	run ctr_run "$B"
	[ "$output" = x86_64 ]
	jq_config "$B" '.linux.personality = {domain: "BSD"}'
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *".linux.personality.domain"* ]]
}
