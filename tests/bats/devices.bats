#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# /dev: the default devices and links, linux.devices, /dev/console.

load helpers
load fs_helpers

setup() {
	fs_setup
}

teardown() {
	fs_teardown
}

@test "default /dev: null zero full random urandom tty as 0666 char devices" {
	bundle_sh 'for d in null zero full random urandom tty; do stat -c "%n %F %a %t:%T" /dev/$d; done'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/null character special file 666 1:3" ]
	[ "${lines[1]}" = "/dev/zero character special file 666 1:5" ]
	[ "${lines[2]}" = "/dev/full character special file 666 1:7" ]
	[ "${lines[3]}" = "/dev/random character special file 666 1:8" ]
	[ "${lines[4]}" = "/dev/urandom character special file 666 1:9" ]
	[ "${lines[5]}" = "/dev/tty character special file 666 5:0" ]
}

@test "default /dev: fd, stdin, stdout, stderr, ptmx links" {
	bundle_sh 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done; [ -e /proc/kcore ] && readlink /dev/core; echo out > /dev/stdout'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fd -> /proc/self/fd" ]
	[ "${lines[1]}" = "stdin -> /proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout -> /proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr -> /proc/self/fd/2" ]
	[ "${lines[4]}" = "ptmx -> pts/ptmx" ]
	if [ -e /proc/kcore ]; then [ "${lines[5]}" = /proc/kcore ]; fi
	[ "${lines[-1]}" = out ]
}

@test "default /dev: nothing else, and no console without a terminal" {
	bundle_sh 'ls -A /dev | tr "\n" " "'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	local want="fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
	[ -e /proc/kcore ] && want="core $want"
	[ "$output" = "$want" ]
}

@test "default /dev without a /dev mount: the nodes go into the image's /dev" {
	bundle_sh 'stat -c "%F %t:%T" /dev/null; ls /dev'
	jq_config "$B" '.mounts |= map(select(.destination | startswith("/dev") | not))'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3" ]
	[[ "$output" != *ptmx* ]]
}

@test "/dev bind-mounted: no default devices are created in it" {
	bundle_sh 'ls -A /dev'
	jq_config "$B" '.mounts |= map(select(.destination | startswith("/dev") | not)) | .mounts += [{destination: "/dev", type: "bind", source: $h, options: ["rbind"]}] | .linux.maskedPaths = []' --arg h "$HOSTDIR"
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	host_untouched
}

@test "linux.devices: mknod with fileMode, uid, gid; fifo; nested path" {
	bundle_sh 'stat -c "%n %F %a %u:%g %t:%T" /dev/mynull /dev/sub/myzero /dev/fifo; echo x > /dev/sub/myzero && echo WRITE-OK'
	jq_config "$B" '.linux.devices = [
	    {path: "/dev/mynull", type: "c", major: 1, minor: 3, fileMode: 384, uid: 1, gid: 2},
	    {path: "/dev/sub/myzero", type: "c", major: 1, minor: 5},
	    {path: "/dev/fifo", type: "p"}]'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/mynull character special file 600 1:2 1:3" ]
	[ "${lines[1]}" = "/dev/sub/myzero character special file 666 0:0 1:5" ]
	[[ "${lines[2]}" == "/dev/fifo fifo 666 0:0 "* ]]
	[ "${lines[3]}" = WRITE-OK ]
}

@test "linux.devices: a node in a setgid directory still gets the configured group" {
	bundle_sh 'stat -c "%n %u:%g" /sgid/node /sgid/mine'
	mkdir -p "$B/rootfs/sgid"
	chgrp 5 "$B/rootfs/sgid"
	chmod 2775 "$B/rootfs/sgid"
	jq_config "$B" '.root.readonly = false | .linux.devices = [
	    {path: "/sgid/node", type: "c", major: 1, minor: 3},
	    {path: "/sgid/mine", type: "c", major: 1, minor: 3, gid: 5}]'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/sgid/node 0:0" ]
	[ "${lines[1]}" = "/sgid/mine 0:5" ]
}

@test "linux.devices: an entry replaces the default of the same path" {
	bundle_sh 'stat -c "%a %t:%T" /dev/null'
	jq_config "$B" '.linux.devices = [{path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 432}]'
	run ctr_run "$B"
	[ "$status" -eq 0 ]
	[ "$output" = "660 1:3" ]
}

@test "linux.devices: a bad entry names its field" {
	bundle_sh true
	jq_config "$B" '.linux.devices = [{path: "/dev/x", type: "q", major: 1, minor: 1}]'
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *'.linux.devices[0].type: `q` is not one of c, b, u, p'* ]]
	jq_config "$B" '.linux.devices = [{path: "/dev/x", type: "c"}]'
	run ctr_run "$B"
	[ "$status" -ne 0 ]
	[[ "$output" == *".linux.devices[0]: major and minor are required"* ]]
}

@test "in a user namespace the devices are bind-mounted from the host" {
	bundle_sh 'cat /proc/self/mountinfo; stat -c "%n %t:%T" /dev/null /dev/tty; echo x > /dev/null && echo NULL-OK'
	userns_bundle
	run ctr_run "$B" --userns
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /dev/null)" == *" /null /dev/null "* ]]
	[[ "$(mnt_line /dev/tty)" == *" /tty /dev/tty "* ]]
	[[ "$output" == *"/dev/null 1:3"* && "$output" == *NULL-OK* ]]
}

@test "terminal: /dev/console is a placeholder the pty slave is bound onto" {
	bundle_sh 'cat /proc/self/mountinfo; stat -c "%F %t" /dev/console'
	run ctr_run "$B" --terminal
	[ "$status" -eq 0 ]
	[[ "$(mnt_line /dev/console)" == *" - devpts "* ]]
	[[ "${lines[-1]}" == "character special file 88" ]]
}

@test "terminal: a /dev/console symlink planted in the image is replaced, not followed" {
	bundle_sh 'ls -l /dev/console; cat /proc/self/mountinfo'
	jq_config "$B" '.mounts |= map(select(.destination != "/dev"))'
	ln -s /etc/passwd "$B/rootfs/dev/console"
	run ctr_run "$B" --terminal
	[ "$status" -eq 0 ]
	[ -z "$(mnt_line /etc/passwd)" ]
	[[ "$(mnt_line /dev/console)" == *" - devpts "* ]]
	grep -q '^root:x:0:0' "$B/rootfs/etc/passwd"
}
