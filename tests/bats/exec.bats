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

# ---------------------------------------------------------------------------
# A rootless runtime: redrun run by uid 65534, the bundle from
# `spec --rootless` (the container in its own user namespace, where 0 is
# 65534). The container's pid namespace belongs to that user namespace, so
# exec must enter the user namespace before it can join the pid namespace.

PROBE=${TESTS_BUILDDIR:-$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)}/helpers/escape-probe

# rr_unpriv ARG...: redrun as uid/gid 65534 without supplementary groups
rr_unpriv() {
	setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$REDRUN" --root "$RR_ROOT" "$@"
}

# rootless_bundle ARG...: the `spec --rootless` config for uid 65534 with
# process.args = ARG..., its rootfs and state root within that uid's reach
rootless_bundle() {
	command -v setpriv >/dev/null || skip "needs setpriv"
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$REDRUN" ||
		skip "the redrun binary is out of reach of uid 65534"
	if [ -r /proc/sys/kernel/unprivileged_userns_clone ] &&
		[ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" = 0 ]; then
		skip "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0)"
	fi
	[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
		skip "user namespaces are disabled (user.max_user_namespaces=0)"
	if command -v unshare >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user true ||
			skip "uid 65534 cannot create a user namespace here"
	fi
	local d=$BATS_TEST_TMPDIR
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	chmod -R a+rX "$B"
	chown 65534:65534 "$RR_ROOT" "$B"
	rm "$B/config.json"
	(cd "$B" && setpriv --reuid=65534 --regid=65534 --clear-groups "$REDRUN" spec --rootless)
	jq_config "$B" '.process.terminal = false | .process.args = $a' \
		--argjson a "$(jq -nc '$ARGS.positional' --args -- "$@")"
}

@test "exec: a rootless runtime execs into its running container: namespaces, ids, exit status" {
	rootless_bundle sleep 100
	# written by the exec parent for itself (its child is born non-dumpable)
	jq_config "$B" '.process.oomScoreAdj = 500'
	rr_unpriv run -d -b "$B" "$ID"
	local pid n i
	pid=$(rr_unpriv state "$ID" | jq -r .pid)
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	run rr_unpriv exec "$ID" sh -c 'for n in pid user mnt ipc uts cgroup net; do readlink /proc/self/ns/$n; done
		id -u; id -g; grep -E "^(Uid|Gid):" /proc/self/status; cat /proc/self/uid_map /proc/self/oom_score_adj; exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
	i=0
	for n in pid user mnt ipc uts cgroup net; do
		[ "${lines[$i]}" = "$(readlink "/proc/$pid/ns/$n")" ]
		i=$((i + 1))
	done
	[ "${lines[7]}" = 0 ]
	[ "${lines[8]}" = 0 ]
	[[ "${lines[9]}" =~ ^Uid:[[:space:]]+0[[:space:]]+0[[:space:]]+0[[:space:]]+0$ ]]
	[[ "${lines[10]}" =~ ^Gid:[[:space:]]+0[[:space:]]+0[[:space:]]+0[[:space:]]+0$ ]]
	[[ "${lines[11]}" =~ ^[[:space:]]*0[[:space:]]+65534[[:space:]]+1$ ]]
	[ "${lines[12]}" = 500 ]
	run rr_unpriv exec "$ID" false
	[ "$status" -eq 1 ]
	run rr_unpriv exec "$ID" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	# seen from the host: uid 65534, and the exec'd process in the init's pid namespace
	rr_unpriv exec -d --pid-file "$B/epid" "$ID" sleep 100
	local epid
	epid=$(cat "$B/epid")
	grep -Eq "^Uid:[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534$" "/proc/$epid/status"
	[ "$(readlink "/proc/$epid/ns/pid")" = "$(readlink "/proc/$pid/ns/pid")" ]
	[ "$(readlink "/proc/$epid/ns/user")" = "$(readlink "/proc/$pid/ns/user")" ]
	rr_unpriv delete --force "$ID"
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "escape: rootless, the container's root (CAP_SYS_PTRACE in its user namespace) never opens the runtime binary of an exec" {
	[ -x "$PROBE" ] || skip "tests/helpers/escape-probe not built (make check builds it)"
	rootless_bundle /bin/probe scan-exe 4
	cp "$PROBE" "$B/rootfs/bin/probe"
	chmod a+rx "$B/rootfs/bin/probe"
	local c='["CAP_SYS_PTRACE","CAP_SYS_ADMIN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_KILL","CAP_SETUID","CAP_SETGID"]'
	jq_config "$B" '.process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}' --argjson c "$c"
	rr_unpriv create --bundle "$B" "$ID" >"$BATS_TEST_TMPDIR/scan.out" 2>&1 </dev/null
	# by design (docs/security.md): the created init is still the runtime
	run rr_unpriv exec "$ID" /bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == "redrun: exec into a created container needs CAP_SYS_PTRACE: "* ]]
	rr_unpriv start "$ID"
	local i ok=0
	for i in $(seq 30); do
		rr_unpriv exec "$ID" /bin/true && ok=$((ok + 1))
	done
	wait_status "$ID" stopped
	cat "$BATS_TEST_TMPDIR/scan.out"
	[ "$ok" -eq 30 ]
	grep -q '^scan-exe: opened 0 foreign' "$BATS_TEST_TMPDIR/scan.out"
	! grep -q '^foreign-exe-write: ok' "$BATS_TEST_TMPDIR/scan.out"
	rr_unpriv delete "$ID"
}
