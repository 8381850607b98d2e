#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# hooks: prestart, createRuntime, createContainer, startContainer, poststart,
# poststop at their points and namespaces, state on stdin, args, env, timeout,
# and what a failure does.

load helpers
load lc_helpers

setup() {
	lc_setup
	LOG=$BATS_TEST_TMPDIR/hooks.log
	# host hook: "<name> <status> <id> <pid> <bundle> <argv...> <env> <uts ns>"
	cat >"$BATS_TEST_TMPDIR/hook" <<EOS
#!/bin/sh
s=\$(cat)
echo "\$1 \$(echo "\$s" | jq -r '.status + " " + .id + " " + (.pid|tostring) + " " + .bundle') \$* \${HOOKVAR:-unset} \$(readlink /proc/self/ns/uts) \$(readlink /proc/self/ns/mnt)" >>$LOG
EOS
	chmod +x "$BATS_TEST_TMPDIR/hook"
	# container hook (startContainer resolves in the container): state saved inside
	cat >"$B/rootfs/bin/inhook" <<'EOS'
#!/bin/sh
cat >/tmp/start-state
printf "\n%s\n" "$1" >>/tmp/start-state
EOS
	chmod +x "$B/rootfs/bin/inhook"
	jq_config "$B" '.root.readonly = false'
}

teardown() {
	lc_teardown
}

hook() { # hook NAME: a hook object running the host script with args [hook, NAME, extra]
	jq -nc --arg p "$BATS_TEST_TMPDIR/hook" --arg n "$1" '{"path":$p,"args":["hook",$n,"x"],"env":["HOOKVAR=set"]}'
}

@test "hooks: each kind runs at its point with the state on stdin, args and env" {
	args sleep 100
	jq_config "$B" '.hooks = {"prestart":[$a],"createRuntime":[$b],"createContainer":[$c],
		"startContainer":[{"path":"/bin/inhook","args":["inhook","sc"]}],"poststart":[$d],"poststop":[$e]}' \
		--argjson a "$(hook prestart)" --argjson b "$(hook createRuntime)" --argjson c "$(hook createContainer)" \
		--argjson d "$(hook poststart)" --argjson e "$(hook poststop)"
	rr create -b "$B" "$ID"
	local pid
	pid=$(state_field "$ID" pid)
	[ "$(wc -l <"$LOG")" -eq 3 ]
	local hu hm cu cm
	hu=$(readlink /proc/self/ns/uts)
	hm=$(readlink /proc/self/ns/mnt)
	cu=$(readlink "/proc/$pid/ns/uts")
	cm=$(readlink "/proc/$pid/ns/mnt")
	run cat "$LOG"
	# prestart and createRuntime: runtime namespaces; createContainer: the container's
	[ "${lines[0]}" = "prestart created $ID $pid $B prestart x set $hu $hm" ]
	[ "${lines[1]}" = "createRuntime creating $ID $pid $B createRuntime x set $hu $hm" ]
	[ "${lines[2]}" = "createContainer creating $ID $pid $B createContainer x set $cu $cm" ]
	[ ! -e "$B/rootfs/tmp/start-state" ]
	rr start "$ID"
	[ "$(sed -n 4p "$LOG")" = "poststart running $ID $pid $B poststart x set $hu $hm" ]
	for _ in $(seq 50); do [ -s "$B/rootfs/tmp/start-state" ] && break; sleep 0.05; done
	[ "$(head -1 "$B/rootfs/tmp/start-state" | jq -r .id)" = "$ID" ]
	[ "$(sed -n 2p "$B/rootfs/tmp/start-state")" = sc ]
	rr kill "$ID" KILL
	wait_status "$ID" stopped
	rr delete "$ID"
	[ "$(sed -n 5p "$LOG")" = "poststop stopped $ID $pid $B poststop x set $hu $hm" ]
	[ "$(wc -l <"$LOG")" -eq 5 ]
}

@test "hooks: run also runs poststop after the process exits" {
	jq_config "$B" '.hooks = {"poststart":[$d],"poststop":[$e]}' \
		--argjson d "$(hook poststart)" --argjson e "$(hook poststop)"
	rr run -b "$B" "$ID"
	run cut -d' ' -f1,2 "$LOG"
	[ "${lines[0]}" = "poststart running" ]
	[ "${lines[1]}" = "poststop stopped" ]
}

@test "hooks: a failing createRuntime hook fails create, nothing is left" {
	printf '#!/bin/sh\nexit 3\n' >"$BATS_TEST_TMPDIR/fail"
	chmod +x "$BATS_TEST_TMPDIR/fail"
	jq_config "$B" '.hooks = {"createRuntime":[{"path":$f}],"poststop":[$e]}' \
		--arg f "$BATS_TEST_TMPDIR/fail" --argjson e "$(hook poststop)"
	run rr create -b "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: hook createRuntime[0] \`$BATS_TEST_TMPDIR/fail\`: exited with status 3" ]
	# the container is torn down as the spec says: poststop ran
	[ "$(cut -d' ' -f1 "$LOG")" = poststop ]
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "hooks: a failing prestart, createContainer or missing hook binary fails create" {
	create_fails '.hooks = {"createContainer":[{"path":"/bin/false"}]}' "hook createContainer[0] \`/bin/false\`: exited with status 1"
	create_fails '.hooks = {"prestart":[{"path":"/nonexistent/hook"}]}' "hook prestart[0] \`/nonexistent/hook\`: No such file or directory"
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "hooks: poststart and poststop failures only warn" {
	jq_config "$B" '.hooks = {"poststart":[{"path":"/bin/false"}],"poststop":[{"path":"/bin/false"}]}'
	run rr run -b "$B" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hook poststart[0] \`/bin/false\`: exited with status 1"* ]]
	[[ "$output" == *"hook poststop[0] \`/bin/false\`: exited with status 1"* ]]
}

@test "hooks: timeout kills the hook and fails the step" {
	printf '#!/bin/sh\nexec sleep 30\n' >"$BATS_TEST_TMPDIR/slow"
	chmod +x "$BATS_TEST_TMPDIR/slow"
	jq_config "$B" '.hooks = {"createRuntime":[{"path":$f,"timeout":1}]}' --arg f "$BATS_TEST_TMPDIR/slow"
	run rr create -b "$B" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: hook createRuntime[0] \`$BATS_TEST_TMPDIR/slow\`: timed out after 1 s" ]
	run pgrep -f "sleep 30"
	[ -z "$(state_left "$RR_ROOT")" ]
}

@test "hooks: a relative path is refused" {
	create_fails '.hooks = {"poststop":[{"path":"bin/true"}]}' "config.json: .hooks.poststop[0].path: must be an absolute path"
}
