#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# process.*: args, env, cwd, user, rlimits, noNewPrivileges, oomScoreAdj,
# capabilities (five sets), fds. Read back from inside the container.

load helpers
load lc_helpers

setup() {
	lc_setup
}

teardown() {
	lc_teardown
}

@test "process: args, env and cwd" {
	args sh -c 'echo "$0|$1|$FOO|$(pwd)"' first second
	jq_config "$B" '.process.env += ["FOO=bar baz"] | .process.cwd = "/tmp"'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "first|second|bar baz|/tmp" ]
}

@test "process: env is exactly process.env (nothing from the runtime's environment)" {
	args env
	run env LEAK=1 "$REDRUN" --root "$RR_ROOT" run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm " ]
}

@test "process.user: uid, gid, additionalGids, umask" {
	args sh -c 'grep -E "^(Uid|Gid|Groups):" /proc/self/status; umask'
	jq_config "$B" '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 1002], "umask": 63}'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^Uid:[[:space:]]+1000[[:space:]]+1000[[:space:]]+1000[[:space:]]+1000$ ]]
	[[ "${lines[1]}" =~ ^Gid:[[:space:]]+1001[[:space:]]+1001[[:space:]]+1001[[:space:]]+1001$ ]]
	[[ "${lines[2]}" =~ ^Groups:[[:space:]]+5\ 1002\ *$ ]]
	[ "${lines[3]}" = 0077 ]
}

@test "process.user: root keeps no host supplementary group, default umask 0022" {
	args sh -c 'grep ^Groups: /proc/self/status; umask'
	run rr run -b "$B" "$ID"
	[[ "${lines[0]}" =~ ^Groups:[[:space:]]*$ ]]
	[ "${lines[1]}" = 0022 ]
}

@test "process.rlimits: soft and hard limits are applied" {
	args sh -c 'grep -E "^Max (open files|core file size|processes)" /proc/self/limits'
	jq_config "$B" '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":512,"hard":1000},
		{"type":"RLIMIT_CORE","soft":0,"hard":4096},{"type":"RLIMIT_NPROC","soft":300,"hard":400}]'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" =~ Max\ core\ file\ size\ +0\ +4096 ]]
	[[ "$output" =~ Max\ processes\ +300\ +400 ]]
	[[ "$output" =~ Max\ open\ files\ +512\ +1000 ]]
}

@test "process.rlimits: a hard limit the host refuses is a clear error" {
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "host NOFILE hard limit is unlimited"
	if capsh --has-p=cap_sys_resource 2>/dev/null; then skip "host has CAP_SYS_RESOURCE"; fi
	jq_config "$B" '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":1024,"hard":($h + 1)}]' --argjson h "$hard"
	run rr create -b "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: config.json: .process.rlimits[0]: RLIMIT_NOFILE: cannot raise the hard limit to $((hard + 1)) above the host's $hard without CAP_SYS_RESOURCE: operation not permitted" ]
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "process.rlimits: unknown type, soft above hard" {
	create_fails '.process.rlimits = [{"type":"RLIMIT_BOGUS","soft":1,"hard":1}]' "config.json: .process.rlimits[0].type: unknown rlimit \`RLIMIT_BOGUS\`"
	create_fails '.process.rlimits = [{"type":"RLIMIT_CORE","soft":2,"hard":1}]' "config.json: .process.rlimits[0]: soft limit 2 is above the hard limit 1"
}

@test "process.noNewPrivileges: true and false" {
	args sh -c 'grep ^NoNewPrivs: /proc/self/status'
	run rr run -b "$B" "$ID"
	[[ "$output" =~ ^NoNewPrivs:[[:space:]]+1$ ]]
	jq_config "$B" '.process.noNewPrivileges = false'
	run rr run -b "$B" "$ID"
	[[ "$output" =~ ^NoNewPrivs:[[:space:]]+0$ ]]
}

@test "process.oomScoreAdj" {
	args cat /proc/self/oom_score_adj
	jq_config "$B" '.process.oomScoreAdj = 500'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 500 ]
}

cap_hex() { # cap_hex NAME: the Cap<NAME> line of $output
	echo "$output" | awk -v n="Cap$1:" '$1 == n {print $2}'
}

# root with the template set and empty sets: security.bats "caps: ..."
@test "process.capabilities: all five sets for a non-root user (ambient survives exec)" {
	args grep ^Cap /proc/self/status
	jq_config "$B" '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {"bounding":["CAP_NET_BIND_SERVICE","CAP_KILL","CAP_CHOWN"],
			"effective":["CAP_NET_BIND_SERVICE"],"permitted":["CAP_NET_BIND_SERVICE","CAP_KILL"],
			"inheritable":["CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE"]}'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "$(cap_hex Bnd)" = 0000000000000421 ]
	[ "$(cap_hex Inh)" = 0000000000000400 ]
	[ "$(cap_hex Amb)" = 0000000000000400 ]
	[ "$(cap_hex Prm)" = 0000000000000400 ]
	[ "$(cap_hex Eff)" = 0000000000000400 ]
}

@test "process.capabilities: an unknown name is a warning naming the set, the others are granted" {
	args grep ^CapBnd /proc/self/status
	jq_config "$B" '.process.capabilities.bounding += ["CAP_NOPE"]'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "redrun: config.json: .process.capabilities.bounding[3]: unknown capability \`CAP_NOPE\`, ignored" ]
	[[ "${lines[1]}" =~ ^CapBnd:[[:space:]]+0000000020000420$ ]]
}

@test "fds: only 0-2 reach the container, --preserve-fds N passes 3..3+N-1" {
	args sh -c 'ls /proc/self/fd | tr "\n" " "'
	run rr run -b "$B" "$ID" 5</dev/null 7</dev/null
	[ "$status" -eq 0 ]
	# the 3 is ls's own directory fd
	[ "$output" = "0 1 2 3 " ]
	args sh -c 'ls /proc/self/fd | tr "\n" " "; cat <&4'
	echo preserved >"$BATS_TEST_TMPDIR/f"
	run rr run --preserve-fds 2 -b "$B" "$ID" 3</dev/null 4<"$BATS_TEST_TMPDIR/f" 5</dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2 3 4 5 preserved" ]
	run rr run --preserve-fds 3 -b "$B" "$ID" 3</dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == "redrun: --preserve-fds: fd "*" is not open" ]]
}

@test "fds: LISTEN_FDS for redrun is passed on with LISTEN_PID=1" {
	args sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; ls /proc/self/fd | tr "\n" " "'
	run sh -c 'export LISTEN_FDS=2 LISTEN_PID=$$; exec "$0" --root "$1" run -b "$2" "$3"' \
		"$REDRUN" "$RR_ROOT" "$B" "$ID" 3</dev/null 4</dev/null 6</dev/null
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "2 1" ]
	[ "${lines[1]}" = "0 1 2 3 4 5 " ]
}

@test "process.args: a relative name is looked up in the container's PATH" {
	args busybox echo found
	jq_config "$B" '.process.env = ["PATH=/bin"]'
	run rr run -b "$B" "$ID"
	[ "$output" = found ]
	jq_config "$B" '.process.env = ["PATH=/nowhere"]'
	run rr run -b "$B" "$ID"
	[ "$status" -ne 0 ]
	[ "$output" = "redrun: exec: \`busybox\`: executable file not found in \$PATH" ]
}
