#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# .mounts: each type and option, read back from /proc/self/mountinfo inside
# the container.

load helpers
load fs_helpers

setup() {
	fs_setup
	SRC=$BATS_TEST_TMPDIR/src
	mkdir -p "$SRC"
	echo hello >"$SRC/file"
}

teardown() {
	if mountpoint -q "$SRC/sub" 2>/dev/null; then umount "$SRC/sub"; fi
	if [ -n "${V2_CGROUP:-}" ]; then v2_view_cleanup; fi
	fs_teardown
}

# v2_view CMD...: run CMD in a private mount namespace with cgroup2 mounted
# on /sys/fs/cgroup, hiding the host's own cgroup mounts (the pure-v2 view
# of a hybrid host); exits 99 when that mount cannot be made.
v2_view() {
	unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup || exit 99
		"$@"' sh "$@"
}

# what a test left in the v2 view: its container, its cgroup $V2_CGROUP
v2_view_cleanup() {
	local rc=0
	v2_view sh -c '"$1" --root "$2" delete --force "$3" >/dev/null 2>&1
		[ ! -d "/sys/fs/cgroup$4" ] || { rmdir "/sys/fs/cgroup$4"; echo "leaked cgroup $4"; exit 1; }' \
		sh "$REDRUN" "$RR_ROOT" "$V2_ID" "$V2_CGROUP" || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 99 ]
}

@test "bind: a directory, destination created inside the root" {
	bundle_sh 'cat /proc/self/mountinfo; cat /mnt/a/b/file'
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/mnt/a/b", type: "bind", source: $s, options: ["bind"]}')"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *hello* ]]
	[ -n "$(mnt_line /mnt/a/b)" ]
	[ -d "$B/rootfs/mnt/a/b" ]
}

@test "bind: a file, destination created as a file" {
	bundle_sh 'cat /proc/self/mountinfo; cat /etc/bound; [ -f /etc/bound ] && echo IS-FILE'
	add_mount "$(jq -nc --arg s "$SRC/file" '{destination: "/etc/bound", source: $s, options: ["bind"]}')"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *hello* && "$output" == *IS-FILE* ]]
	[ -f "$B/rootfs/etc/bound" ]
}

@test "bind: file source onto an existing directory is an error" {
	mkdir -p "$B/rootfs/etc/dir"
	bundle_sh true
	mkdir -p "$B/rootfs/etc/dir"
	add_mount "$(jq -nc --arg s "$SRC/file" '{destination: "/etc/dir", type: "bind", source: $s, options: ["bind"]}')"
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount \`/etc/dir\` (.mounts[6])"* ]]
}

@test "bind: relative source is relative to the bundle" {
	bundle_sh 'cat /mnt/file'
	mkdir -p "$B/data" && echo rel >"$B/data/file"
	add_mount '{"destination": "/mnt", "type": "bind", "source": "data", "options": ["bind"]}'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "$output" = rel ]
}

@test "bind vs rbind: submounts only with rbind; ro, rro" {
	mkdir -p "$SRC/sub"
	mount -t tmpfs -o size=64k tmpfs "$SRC/sub"
	bundle_sh 'cat /proc/self/mountinfo; touch /m/rbind-ro/sub/f && echo SUB-RW; touch /m/rro/sub/f || echo SUB-RO'
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/m/bind", type: "bind", source: $s, options: ["bind"]}')"
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/m/rbind-ro", type: "bind", source: $s, options: ["rbind", "ro"]}')"
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/m/rro", type: "bind", source: $s, options: ["rbind", "rro"]}')"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ -z "$(mnt_line /m/bind/sub)" ]
	[[ "$(mnt_line /m/rbind-ro)" =~ \ /m/rbind-ro\ ro, ]]
	[[ "$(mnt_line /m/rbind-ro/sub)" =~ \ /m/rbind-ro/sub\ rw, ]]
	[[ "$(mnt_line /m/rro)" =~ \ /m/rro\ ro, ]]
	[[ "$(mnt_line /m/rro/sub)" =~ \ /m/rro/sub\ ro, ]]
	[[ "$output" == *SUB-RW* && "$output" == *SUB-RO* ]]
	rm -f "$SRC/sub/f"
}

@test "per-mount flags: nosuid nodev noexec noatime strictatime nodiratime nosymfollow" {
	bundle_sh 'cat /proc/self/mountinfo'
	local m
	for m in "a:nosuid,nodev,noexec" "b:noatime" "c:strictatime" "d:nodiratime" "e:nosymfollow" "f:rw,suid,dev,exec,relatime"; do
		add_mount "$(jq -nc --arg s "$SRC" --arg d "/m/${m%%:*}" --arg o "${m#*:}" \
			'{destination: $d, type: "bind", source: $s, options: (["bind"] + ($o | split(",")))}')"
	done
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /m/a)" =~ \ /m/a\ rw,nosuid,nodev,noexec, ]]
	[[ "$(mnt_line /m/b)" == *",noatime "* ]]
	[[ "$(mnt_line /m/c)" =~ \ /m/c\ rw\  ]]
	[[ "$(mnt_line /m/d)" == *"nodiratime"* ]]
	[[ "$(mnt_line /m/e)" == *"nosymfollow"* ]]
	[[ "$(mnt_line /m/f)" =~ \ /m/f\ rw,relatime\  ]]
}

@test "recursive attributes: rnosuid rnodev rnoexec rnoatime rnosymfollow reach submounts" {
	mkdir -p "$SRC/sub"
	mount -t tmpfs -o size=64k tmpfs "$SRC/sub"
	bundle_sh 'cat /proc/self/mountinfo'
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/m", type: "bind", source: $s, options: ["rbind", "rnosuid", "rnodev", "rnoexec", "rnoatime", "rnosymfollow"]}')"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /m/sub)" =~ \ /m/sub\ rw,nosuid,nodev,noexec,noatime,nosymfollow ]]
}

@test "propagation options on a mount: rshared, private, unbindable" {
	bundle_sh 'cat /proc/self/mountinfo'
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/m/shared", type: "bind", source: $s, options: ["rbind", "rshared"]}')"
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/m/private", type: "bind", source: $s, options: ["rbind", "private"]}')"
	add_mount '{"destination": "/m/unb", "type": "tmpfs", "source": "tmpfs", "options": ["unbindable"]}'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /m/shared)" == *shared:* ]]
	[[ "$(mnt_line /m/private)" != *shared:* ]]
	[[ "$(mnt_line /m/unb)" == *unbindable* ]]
}

@test "tmpfs: data options are passed to the filesystem" {
	bundle_sh 'cat /proc/self/mountinfo; stat -c %a /t'
	add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1024k", "mode=700", "nr_inodes=100"]}'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /t)" == *"size=1024k"*"nr_inodes=100"*"mode=700"* ]]
	[ "${lines[-1]}" = 700 ]
}

@test "superblock options: sync, dirsync, lazytime reach the filesystem" {
	bundle_sh 'cat /proc/self/mountinfo'
	add_mount '{"destination": "/s", "type": "tmpfs", "source": "tmpfs", "options": ["sync", "dirsync", "lazytime", "noexec", "nodiratime", "silent"]}'
	add_mount '{"destination": "/a", "type": "tmpfs", "source": "tmpfs", "options": ["sync", "async", "mand", "nomand"]}'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /s)" =~ \ /s\ rw,noexec,nodiratime,.*\ -\ tmpfs\ tmpfs\ rw,sync,dirsync,lazytime ]]
	[[ "$(mnt_line /a)" != *sync* ]]
}

@test "tmpfs with tmpcopyup starts with the image's content" {
	mkdir -p "$B/rootfs/opt/data/sub"
	bundle_sh 'cat /opt/data/sub/f; ls -l /opt/data; echo new > /opt/data/n && echo WROTE; grep " /opt/data " /proc/self/mountinfo'
	mkdir -p "$B/rootfs/opt/data/sub"
	echo from-image >"$B/rootfs/opt/data/sub/f"
	ln -s sub/f "$B/rootfs/opt/data/link"
	add_mount '{"destination": "/opt/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *from-image* && "$output" == *WROTE* && "$output" == *"link -> sub/f"* ]]
	[[ "$output" == *" - tmpfs "* ]]
	[ ! -e "$B/rootfs/opt/data/n" ]
}

@test "proc, sysfs, devpts, mqueue are mounted with their options" {
	bundle_sh 'cat /proc/self/mountinfo'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /proc)" == *" - proc "* ]]
	[[ "$(mnt_line /sys)" =~ \ /sys\ ro,nosuid,nodev,noexec.*\ -\ sysfs\  ]]
	[[ "$(mnt_line /dev/pts)" == *" - devpts "*"ptmxmode=666"* ]]
	[[ "$(mnt_line /dev/mqueue)" =~ nosuid,nodev,noexec.*\ -\ mqueue\  ]]
	[[ "$(mnt_line /dev/shm)" == *" - tmpfs shm "* ]]
}

@test "sysfs in a user namespace without a network namespace: /sys bound read-only" {
	bundle_sh 'cat /proc/self/mountinfo; touch /sys/fs/cgroup/x || echo SYS-RO'
	jq_config "$B" '.linux.namespaces |= map(select(.type != "network"))'
	userns_bundle
	run ctr_run "$B" --userns
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /sys)" =~ \ /sys\ ro,nosuid,nodev,noexec ]]
	[[ "$output" == *SYS-RO* ]]
}

@test "cgroup2 in a cgroup namespace shows its own cgroup as the root" {
	[ -e /proc/self/ns/cgroup ] || skip "needs cgroup namespaces"
	grep -q " - cgroup2 " /proc/self/mountinfo || skip "needs a cgroup2 hierarchy"
	bundle_sh 'cat /proc/self/mountinfo; ls /sys/fs/cgroup/cgroup.procs'
	jq_config "$B" '.linux.namespaces += [{type: "cgroup"}] | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup2", source: "cgroup2", options: ["nosuid", "nodev", "noexec"]}]'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /sys/fs/cgroup)" =~ ^[0-9]+\ [0-9]+\ [0-9:]+\ /\ /sys/fs/cgroup\ rw,nosuid,nodev,noexec.*\ -\ cgroup2\  ]]
	[[ "$output" == */sys/fs/cgroup/cgroup.procs* ]]
}

@test "cgroup2 without a cgroup namespace: the container's own cgroup is bound as the root" {
	local cg2=
	# the visible cgroup2 mount, as the cgroup manager finds it
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		cg2=/sys/fs/cgroup
	elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		cg2=/sys/fs/cgroup/unified
	fi
	[ -n "$cg2" ] || skip "needs a cgroup2 hierarchy"
	CGDIR=$cg2/rr-rootfs-test-$$
	mkdir "$CGDIR"
	bundle_sh 'cat /proc/self/mountinfo; ls /sys/fs/cgroup/cgroup.procs'
	jq_config "$B" '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup2", source: "cgroup2", options: ["nosuid", "nodev", "noexec"]}]'
	local p
	for p in "/rr-rootfs-test-$$" "$CGDIR"; do
		run ctr_run "$B" --cgroup "$p"
		[ "$status" -eq 0 ] || break
		[[ "$(mnt_line /sys/fs/cgroup)" =~ ^[0-9]+\ [0-9]+\ [0-9:]+\ /rr-rootfs-test-$$\ /sys/fs/cgroup\ rw,nosuid,nodev,noexec.*\ -\ cgroup2\  ]] || break
	done
	rmdir "$CGDIR"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /sys/fs/cgroup)" =~ ^[0-9]+\ [0-9]+\ [0-9:]+\ /rr-rootfs-test-$$\ /sys/fs/cgroup\ rw,nosuid,nodev,noexec.*\ -\ cgroup2\  ]]
}

@test "cgroup without a cgroup namespace, under a cgroup2 mount hiding the host's: the container's cgroup is bound" {
	command -v unshare >/dev/null || skip "needs unshare (util-linux)"
	grep -qw cgroup2 /proc/filesystems || skip "needs cgroup2"
	have_redrun_run || skip "needs redrun run"
	local own
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -n "$own" ] || skip "this process has no cgroup v2 path"
	V2_ID=rfs$BATS_TEST_NUMBER-$$
	V2_CGROUP=${own%/}/$V2_ID
	# `redrun spec`'s cgroup mount, without the cgroup namespace
	bundle_sh 'cat /proc/self/cgroup; while read p; do echo "procs:$p"; done </sys/fs/cgroup/cgroup.procs; cat /proc/self/mountinfo'
	add_mount '{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}'
	run v2_view sh -c '"$1" --root "$2" run --bundle "$3" "$4"; rc=$?
		[ ! -d "/sys/fs/cgroup$5" ] || echo LEAKED-CGROUP
		exit $rc' sh "$REDRUN" "$RR_ROOT" "$B" "$V2_ID" "$V2_CGROUP"
	[ "$status" -ne 99 ] || skip "cannot mount cgroup2 over /sys/fs/cgroup in a private mount namespace (e.g. already cgroup2 there: nothing to hide)"
	echo "$output"
	[ "$status" -eq 0 ]
	# the container's own cgroup is the root of its /sys/fs/cgroup, holding only its pid 1
	printf '%s\n' "$output" | grep -qx "0::$V2_CGROUP"
	[ "$(printf '%s\n' "$output" | grep -c '^procs:')" -eq 1 ]
	[[ "$output" == *procs:1* ]]
	[[ "$(mnt_line /sys/fs/cgroup)" =~ ^[0-9]+\ [0-9]+\ [0-9:]+\ $V2_CGROUP\ /sys/fs/cgroup\ ro,.*\ -\ cgroup2\  ]]
	[[ "$output" != *LEAKED-CGROUP* ]]
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "mqueue in a user namespace without an ipc namespace: the host's bound" {
	mountpoint -q /dev/mqueue || skip "the host has no /dev/mqueue to bind"
	bundle_sh 'cat /proc/self/mountinfo'
	jq_config "$B" '.linux.namespaces |= map(select(.type != "ipc"))'
	userns_bundle
	run ctr_run "$B" --userns
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /dev/mqueue)" =~ nosuid,nodev,noexec.*\ -\ mqueue\  ]]
}

@test "cgroup (v1 name) is mounted as the cgroup2 hierarchy" {
	grep -q " - cgroup2 " /proc/self/mountinfo || skip "needs a cgroup2 hierarchy"
	bundle_sh 'cat /proc/self/mountinfo'
	jq_config "$B" '.linux.namespaces += [{type: "cgroup"}] | .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["ro"]}]'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /sys/fs/cgroup)" =~ \ ro,.*\ -\ cgroup2\  ]]
}

@test "overlay: lower and upper directories from the host" {
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
	grep -qw overlay /proc/filesystems || skip "needs overlayfs"
	local o=$BATS_TEST_TMPDIR/ov
	mkdir -p "$o/lower" "$o/upper" "$o/work"
	echo low >"$o/lower/l"
	bundle_sh 'cat /ov/l; echo up > /ov/u; grep " /ov " /proc/self/mountinfo'
	add_mount "$(jq -nc --arg o "$o" '{destination: "/ov", type: "overlay", source: "overlay", options: ["lowerdir=\($o)/lower", "upperdir=\($o)/upper", "workdir=\($o)/work"]}')"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *low* && "$output" == *" - overlay "* ]]
	[ "$(cat "$o/upper/u")" = up ]
}

@test "any other filesystem type by name (ramfs) with data options" {
	grep -qw ramfs /proc/filesystems || skip "needs ramfs"
	bundle_sh 'grep " /r " /proc/self/mountinfo; stat -c %a /r'
	add_mount '{"destination": "/r", "type": "ramfs", "source": "none", "options": ["mode=711"]}'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[[ "$output" == *" - ramfs "* ]]
	[ "${lines[-1]}" = 711 ]
}

@test "idmap: an id-mapped bind shows the mapped owner" {
	bundle_sh 'stat -c %u:%g /im/file; grep " /im " /proc/self/mountinfo'
	chown 0:0 "$SRC/file"
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/im", type: "bind", source: $s, options: ["bind", "idmap"],
		uidMappings: [{containerID: 0, hostID: 1000, size: 10}], gidMappings: [{containerID: 0, hostID: 2000, size: 10}]}')"
	run ctr_run "$B"
	if [[ "$output" == *"id-map the mount"*"Invalid argument"* ]]; then
		skip "the filesystem of $SRC does not support id-mapped mounts"
	fi
	if [[ "$output" == *"needs linux 5."* ]]; then
		skip "id-mapped mounts need the new mount API (FSRUN_OPTS=${FSRUN_OPTS:-})"
	fi
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000:2000 ]
	[[ "$output" == *idmapped* ]]
}

@test "idmap in a user namespace: the mapped mount is made by the parent, attached by the child" {
	bundle_sh 'stat -c %u:%g /im/file'
	mkdir -p "$B/rootfs/im"
	chown 0:0 "$SRC/file"
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/im", type: "bind", source: $s, options: ["bind", "idmap"],
		uidMappings: [{containerID: 0, hostID: 100000, size: 65536}], gidMappings: [{containerID: 0, hostID: 100000, size: 65536}]}')"
	userns_bundle
	run ctr_run "$B" --userns
	if [[ "$output" == *"id-map the mount"*"Invalid argument"* ]]; then
		skip "the filesystem of $SRC does not support id-mapped mounts"
	fi
	if [[ "$output" == *"needs linux 5."* ]]; then
		skip "id-mapped mounts need the new mount API (FSRUN_OPTS=${FSRUN_OPTS:-})"
	fi
	[ "$status" -eq 0 ]
	# on-disk 0 -> host 100000 through the mount -> 0 again inside the container's user namespace
	[ "$output" = 0:0 ]
}

@test "validation: each bad mount names its field" {
	bundle_sh true
	local cases=(
		'{"destination": "rel", "type": "tmpfs"}|.mounts[6].destination: `rel` must be absolute'
		'{"destination": "/x"}|.mounts[6].type: is required unless the mount is a bind mount'
		'{"destination": "/x", "options": ["rbind"]}|.mounts[6].source: a bind mount needs a source'
		'{"destination": "/x", "type": "bind", "source": "/tmp", "options": ["idmap"]}|.mounts[6].uidMappings: an id-mapped mount needs uid mappings'
		'{"destination": "/x", "type": "tmpfs", "options": ["idmap"]}|.mounts[6].options: id-mapped mounts must be bind mounts'
		'{"destination": "/x", "type": "proc", "options": ["tmpcopyup"]}|.mounts[6].options: `tmpcopyup` is only valid for a tmpfs mount'
	)
	local c
	cp "$B/config.json" "$B/orig.json"
	for c in "${cases[@]}"; do
		cp "$B/orig.json" "$B/config.json"
		add_mount "${c%%|*}"
		run ctr_run "$B"
		echo "$output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"config.json: ${c#*|}"* ]]
	done
}

@test "without the new mount API (Linux < 5.12): flags by remount, recursive ones per submount" {
	mkdir -p "$SRC/sub"
	mount -t tmpfs -o size=64k tmpfs "$SRC/sub"
	bundle_sh 'cat /proc/self/mountinfo; cat /proc/keys; ls -A /sys/firmware'
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/m/ro", type: "bind", source: $s, options: ["rbind", "ro", "nosuid"]}')"
	add_mount "$(jq -nc --arg s "$SRC" '{destination: "/m/rro", type: "bind", source: $s, options: ["rbind", "rro", "rnoexec"]}')"
	add_mount "$(jq -nc --arg s "$SRC/file" '{destination: "/m/file", type: "bind", source: $s, options: ["bind", "noatime"]}')"
	add_mount '{"destination": "/m/t", "type": "tmpfs", "source": "tmpfs", "options": ["rnodev", "rshared"]}'
	run ctr_run "$B" --legacy-mount --no-openat2
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /)" =~ \ /\ ro, ]]
	[[ "$(mnt_line /m/ro)" =~ \ /m/ro\ ro,nosuid, ]]
	[[ "$(mnt_line /m/ro/sub)" =~ \ /m/ro/sub\ rw, ]]
	[[ "$(mnt_line /m/rro)" =~ \ /m/rro\ ro,noexec, ]]
	[[ "$(mnt_line /m/rro/sub)" =~ \ /m/rro/sub\ ro,noexec, ]]
	[[ "$(mnt_line /m/file)" =~ \ /m/file\ rw,noatime ]]
	[[ "$(mnt_line /m/t)" =~ \ /m/t\ rw,nodev,.*shared: ]]
	[[ "$(mnt_line /proc/keys)" == *"/null /proc/keys "* ]]
	[[ "$(mnt_line /sys/firmware)" =~ \ /sys/firmware\ ro, ]]
	[[ "$(mnt_line /proc/sys)" =~ \ /proc/sys\ ro, ]]
}
