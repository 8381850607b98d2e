#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec: joins every namespace and the cgroup of the container, same process
# setup path as the container's process; flags as conmon and the shim pass them.

load helpers
load lc_helpers

setup() {
	lc_setup
	args sleep 100
}

teardown() {
	lc_teardown
}

@test "exec: joins every namespace and the cgroup, exit status relayed" {
	jq_config "$B" '.linux.namespaces += [{"type":"cgroup"}]'
	rr run -d -b "$B" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run rr exec "$ID" sh -c 'for n in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$n; done; grep "^0::" /proc/self/cgroup; exit 6'
	[ "$status" -eq 6 ]
	local i=0 n
	for n in pid net ipc uts mnt cgroup; do
		[ "${lines[$i]}" = "$(readlink "/proc/$pid/ns/$n")" ]
		i=$((i + 1))
	done
	[ "${lines[6]}" = "0::/" ]
	[ -d "/sys/fs/cgroup/unified/$ID" ]
}

@test "exec --detach --pid-file: returns at once, the process is the caller's child in the container's cgroup" {
	command -v python3 >/dev/null || skip "needs python3"
	rr run -d -b "$B" "$ID"
	# like conmon and the shim, the caller is a child subreaper: once redrun has
	# written the pid file and exited, the exec'd process is the caller's child
	run python3 - "$REDRUN" "$RR_ROOT" "$ID" "$BATS_TEST_TMPDIR/epid" <<'EOF'
import ctypes, os, subprocess, sys
redrun, root, cid, pidfile = sys.argv[1:]
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
subprocess.run([redrun, "--root", root, "exec", "--detach", "--pid-file", pidfile, cid,
                "sleep", "50"], check=True, stdin=subprocess.DEVNULL,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
pid = int(open(pidfile).read())
ppid = [l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("PPid:")][0]
print(os.getpid(), ppid)
EOF
	[ "$status" -eq 0 ]
	local caller ppid
	read -r caller ppid <<<"$output"
	[ "$ppid" = "$caller" ]
	grep -qx "$(cat "$BATS_TEST_TMPDIR/epid")" "/sys/fs/cgroup/unified/$ID/cgroup.procs"
}

@test "exec --process FILE (the shim's and conmon's form), flags in any order" {
	rr run -d -b "$B" "$ID"
	jq -n '{"args":["sh","-c","echo $A; pwd; id -u"],"env":["A=from-json","PATH=/bin"],"cwd":"/tmp","user":{"uid":1000,"gid":1000}}' >"$BATS_TEST_TMPDIR/process.json"
	run rr exec --process "$BATS_TEST_TMPDIR/process.json" --pid-file "$BATS_TEST_TMPDIR/p" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "from-json
/tmp
1000" ]
	[ -s "$BATS_TEST_TMPDIR/p" ]
}

@test "exec: --env, --cwd, --user, --additional-gids, --cap, --no-new-privs" {
	rr run -d -b "$B" "$ID"
	run rr exec --env X=1 -e Y=2 --cwd /tmp --user 1000:1001 -g 7 --cap CAP_CHOWN --no-new-privs "$ID" \
		sh -c 'echo "$X$Y $(pwd)"; grep -E "^(Uid|Gid|Groups|CapBnd|NoNewPrivs):" /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "12 /tmp" ]
	[[ "$output" =~ Uid:[[:space:]]+1000 ]]
	[[ "$output" =~ Gid:[[:space:]]+1001 ]]
	[[ "$output" =~ Groups:[[:space:]]+7 ]]
	[[ "$output" =~ CapBnd:[[:space:]]+0000000020000421 ]]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]]
}

@test "exec: bad input and wrong states" {
	run rr exec nosuch true
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: container does not exist" ]
	rr create -b "$B" "$ID"
	rr start "$ID"
	run rr exec "$ID" /bin/nope
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: exec: \`/bin/nope\`: No such file or directory" ]
	run rr exec "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: exec: a command or --process FILE is required" ]
	run rr exec --cap CAP_NOPE "$ID" true
	[ "$output" = "redrun: --cap: unknown capability \`CAP_NOPE\`" ]
	run rr exec --user x "$ID" true
	[ "$output" = "redrun: --user \`x\`: expected UID[:GID]" ]
	run rr exec --cwd relative "$ID" true
	[ "$output" = "redrun: config.json: .process.cwd: must be an absolute path" ]
	rr kill "$ID" KILL
	wait_status "$ID" stopped
	run rr exec "$ID" true
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: cannot exec in a stopped container" ]
}

@test "exec: only fds 0-2 reach the process, --preserve-fds passes more" {
	rr run -d -b "$B" "$ID"
	run rr exec "$ID" sh -c 'ls /proc/self/fd | tr "\n" " "' 5</dev/null
	[ "$output" = "0 1 2 3 " ]
	run rr exec --preserve-fds 1 "$ID" sh -c 'ls /proc/self/fd | tr "\n" " "' 3</dev/null 5</dev/null
	[ "$output" = "0 1 2 3 4 " ]
}
