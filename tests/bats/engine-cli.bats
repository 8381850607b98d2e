#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The runc command-line behaviours podman/conmon and containerd-shim-runc-v2 rely
# on, as podman 4.3 and containerd 1.6 call them: option syntax, JSON log records,
# exit codes and the phrases engines match, create returning with the pid file
# written and the container owned by the caller.

load helpers

setup() {
	common_setup
	requires root busybox jq
	B=$BATS_TEST_TMPDIR/bundle
	make_bundle "$B" sleep 1000
	LOG=$BATS_TEST_TMPDIR/log.json
}

teardown() {
	local id
	for id in $(rr list -q 2>/dev/null); do
		rr delete --force "$id" >/dev/null 2>&1
	done
	return 0
}

# create/run hand their stdio to the container: keep it off bats' output pipe
# (as engines do, with their own pipes), or `run` waits for the container
quiet() {
	"$@" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
	local rc=$?
	cat "$BATS_TEST_TMPDIR/out"
	return $rc
}

# one JSON record per line, each exactly {"level","msg","time"}
log_is_json_records() {
	jq -e -s 'length > 0 and all(keys == ["level", "msg", "time"])' "$1" >/dev/null
}

@test "engine CLI: podman's create (--opt=value globals) and the shim's (--opt value)" {
	# conmon: global --log-format=json --log FILE, create --bundle --pid-file
	run quiet "$REDRUN" --root "$RR_ROOT" --log-format=json --log "$LOG" create --bundle "$B" \
		--pid-file "$BATS_TEST_TMPDIR/pidfile" c1
	[ "$status" -eq 0 ]
	# create returns once the pid file is written
	[ -s "$BATS_TEST_TMPDIR/pidfile" ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pidfile")
	[ "$(rr state c1 | jq -r .pid)" = "$pid" ]
	[ "$(rr state c1 | jq -r .status)" = created ]
	# the shim: --root R --log F --log-format json, flags after the id too
	cd "$B"
	run quiet "$REDRUN" --root "$RR_ROOT" --log "$LOG" --log-format json create --bundle "$B" c2 \
		--pid-file "$BATS_TEST_TMPDIR/pid2"
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/pid2" ]
}

@test "engine CLI: errors go to --log as one {level,msg,time} record, runc's phrases" {
	run "$REDRUN" --root "$RR_ROOT" --log-format=json --log "$LOG" delete nope
	[ "$status" -eq 1 ]
	log_is_json_records "$LOG"
	[ "$(jq -r .level "$LOG")" = error ]
	[ "$(jq -r .msg "$LOG")" = "container does not exist" ]
	# time is RFC 3339 (UTC)
	[[ $(jq -r .time "$LOG") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]
	# paths are written as is (podman shows the msg to the user)
	rm "$LOG"
	jq_config "$B" '.process.args = ["/no/such/binary"]'
	run quiet "$REDRUN" --root "$RR_ROOT" --log "$LOG" --log-format json create --bundle "$B" c3
	[ "$status" -eq 1 ]
	log_is_json_records "$LOG"
	[ "$(jq -s length "$LOG")" -eq 1 ]
	[[ $(jq -r .msg "$LOG") == *"/no/such/binary"* ]]
	grep -q '"/no/such/binary' "$LOG" || grep -q '`/no/such/binary' "$LOG"
	# a failed create leaves nothing behind
	run rr state c3
	[ "$status" -eq 1 ]
}

@test "engine CLI: unknown ids and stopped containers, as containerd classifies them" {
	run rr delete --force nope
	[ "$status" -eq 0 ]
	for cmd in "delete" "state" "kill"; do
		run rr $cmd nope
		[ "$status" -eq 1 ]
		[[ $output == *"container does not exist"* ]]
	done
	jq_config "$B" '.process.args = ["true"]'
	quiet rr create --bundle "$B" c4
	rr start c4
	wait_status c4 stopped
	run rr kill c4 15
	[ "$status" -eq 1 ]
	[[ $output == *"container not running"* ]]
	# the shim's `task delete -f`: kill --all 9, delete, then delete --force again
	run rr kill --all c4 9
	[ "$status" -eq 0 ]
	run rr delete c4
	[ "$status" -eq 0 ]
	run rr delete --force c4
	[ "$status" -eq 0 ]
}

@test "engine CLI: signals by number and by name" {
	# the init of a pid namespace only gets signals it handles (SIGKILL aside)
	jq_config "$B" '.process.args = ["sh", "-c", "trap \"exit 0\" USR1; while :; do sleep 0.1; done"]'
	quiet rr create --bundle "$B" c5
	rr start c5
	# wait until the trap is installed (SIGUSR1 = bit 9 of SigCgt)
	local pid i
	pid=$(rr state c5 | jq -r .pid)
	for i in $(seq 50); do
		(($(printf '%d' "0x$(awk '/^SigCgt/ { print $2 }' "/proc/$pid/status")") & 0x200)) && break
		sleep 0.1
	done
	run rr kill c5 10
	[ "$status" -eq 0 ]
	# the trap exits: the container stops
	wait_status c5 stopped
	rr delete c5
	make_bundle "$B" sleep 1000
	quiet rr create --bundle "$B" c6
	rr start c6
	run rr kill c6 SIGKILL
	[ "$status" -eq 0 ]
	wait_status c6 stopped
}

@test "engine CLI: after create the container belongs to the caller, no redrun process stays" {
	command -v python3 >/dev/null || skip "needs python3"
	# conmon and the shim are child subreapers: the container init must end up
	# as their child, with no redrun monitor in between
	run python3 - "$REDRUN" "$RR_ROOT" "$B" "$BATS_TEST_TMPDIR/pid7" <<'EOF'
import ctypes, os, subprocess, sys
redrun, root, bundle, pidfile = sys.argv[1:]
PR_SET_CHILD_SUBREAPER = 36
ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
subprocess.run([redrun, "--root", root, "create", "--bundle", bundle,
                "--pid-file", pidfile, "c7"], check=True, stdin=subprocess.DEVNULL,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
pid = int(open(pidfile).read())
ppid = [l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("PPid:")][0]
print(os.getpid(), ppid)
# nothing else of ours: every remaining child is the container
def parent(p):
    try:
        with open(f"/proc/{p}/status") as f:
            return next(l.split()[1] for l in f if l.startswith("PPid:"))
    except (OSError, StopIteration):
        return None
kids = [p for p in os.listdir("/proc")
        if p.isdigit() and p != str(pid) and parent(p) == str(os.getpid())]
print(len(kids))
EOF
	[ "$status" -eq 0 ]
	local me ppid
	read -r me ppid <<<"${lines[0]}"
	[ "$ppid" = "$me" ]
	[ "${lines[1]}" = 0 ]
}

@test "engine CLI: --version in runc's shape" {
	run "$REDRUN" --version
	[ "$status" -eq 0 ]
	[[ ${lines[0]} =~ ^redrun\ version\ [0-9] ]]
	[[ ${lines[1]} == commit:* ]]
	[[ ${lines[2]} == spec:\ * ]]
	[[ $output == *"libseccomp: "* ]]
	run "$REDRUN" -v
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "redrun version "* ]]
}
