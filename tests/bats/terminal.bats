#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# process.terminal: the pty master over --console-socket (SCM_RIGHTS, as
# conmon and the containerd shim receive it), consoleSize, and the foreground
# relay of `run` without a socket.

load helpers
load lc_helpers

setup() {
	lc_setup
	command -v python3 >/dev/null || skip "needs python3 (console socket receiver)"
	SOCK=$BATS_TEST_TMPDIR/console.sock
	RECV_PID=""
}

teardown() {
	[ -z "$RECV_PID" ] || kill "$RECV_PID" 2>/dev/null || true
	lc_teardown
}

# recv_console: accept one connection on $SOCK, take the fd, write the
# payload (pts name) to $BATS_TEST_TMPDIR/name and everything read from the
# master to $BATS_TEST_TMPDIR/out; writes "hello\n" to the master first.
recv_console() {
	python3 - "$SOCK" "$BATS_TEST_TMPDIR" <<'EOF_PY' &
import array, os, socket, sys
path, d = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(d + "/listening", "w").close()
c, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = c.recvmsg(256, socket.CMSG_LEN(4))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[:4])
open(d + "/name", "w").write(msg.decode())
m = fds[0]
os.write(m, b"hello\n")
out = b""
while True:
    try:
        b = os.read(m, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
open(d + "/out", "wb").write(out)
EOF_PY
	RECV_PID=$!
	for _ in $(seq 100); do [ -e "$BATS_TEST_TMPDIR/listening" ] && return 0; sleep 0.05; done
	return 1
}

@test "terminal: the pty master goes over --console-socket, the process has it as its terminal" {
	recv_console
	args sh -c 'read l; echo "got $l"; tty; stty size; ls -l /proc/self/fd/0 | sed "s/.*-> //"'
	jq_config "$B" '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
	rr create -b "$B" --console-socket "$SOCK" "$ID"
	rr start "$ID"
	wait "$RECV_PID"
	RECV_PID=""
	[[ "$(cat "$BATS_TEST_TMPDIR/name")" =~ ^/dev/pts/[0-9]+$ ]]
	run tr -d '\r' <"$BATS_TEST_TMPDIR/out"
	[[ "$output" == *"got hello"* ]]
	[[ "$output" == *"30 100"* ]]
	[[ "$output" =~ /dev/pts/[0-9]+ ]]
	wait_status "$ID" stopped
}

@test "terminal: create without a console socket, or a socket without a terminal, is refused" {
	create_fails '.process.terminal = true' "config.json: .process.terminal is true: --console-socket is required when the container is detached"
	jq_config "$B" '.process.terminal = false'
	run rr create -b "$B" --console-socket "$SOCK" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: --console-socket given but config.json: .process.terminal is false" ]
	jq_config "$B" '.process.terminal = true'
	run rr create -b "$B" --console-socket "$BATS_TEST_TMPDIR/nosock" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: --console-socket \`$BATS_TEST_TMPDIR/nosock\`: No such file or directory" ]
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "terminal: foreground run relays the terminal (under script), exit status kept" {
	command -v script >/dev/null || skip "needs script (util-linux)"
	args sh -c 'tty; stty size; exit 5'
	jq_config "$B" '.process.terminal = true'
	run script -qec "stty rows 25 cols 90; $REDRUN --root $RR_ROOT run -b $B $ID" /dev/null </dev/null
	[ "$status" -eq 5 ]
	[[ "$output" =~ /dev/pts/[0-9]+ ]]
	[[ "$output" == *"25 90"* ]]
}

@test "terminal: exec --tty --console-socket into a running container" {
	args sleep 100
	rr run -d -b "$B" "$ID"
	recv_console
	rr exec -d --tty --console-socket "$SOCK" "$ID" sh -c 'read l; echo "exec got $l"; tty'
	wait "$RECV_PID"
	RECV_PID=""
	run tr -d '\r' <"$BATS_TEST_TMPDIR/out"
	[[ "$output" == *"exec got hello"* ]]
	[[ "$output" =~ /dev/pts/[0-9]+ ]]
}
