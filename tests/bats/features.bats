#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# `redrun features`: the OCI features document, built from the runtime's tables.

load helpers

setup() {
	common_setup
}

@test "features prints one valid JSON document with the spec versions" {
	requires jq
	run "$REDRUN" features
	[ "$status" -eq 0 ]
	jq -e . <<<"$output" >/dev/null
	[ "$(jq -r .ociVersionMin <<<"$output")" = 1.0.0 ]
	[ "$(jq -r .ociVersionMax <<<"$output")" = "$("$REDRUN" --version | sed -n 's/^spec: //p')" ]
}

@test "features lists the eight namespaces and the capabilities up to the last one known" {
	requires jq
	run "$REDRUN" features
	[ "$status" -eq 0 ]
	[ "$(jq -r '.linux.namespaces | sort | join(",")' <<<"$output")" = \
		"cgroup,ipc,mount,network,pid,time,user,uts" ]
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHOWN")' <<<"$output" >/dev/null
	# every capability the running kernel has is one the runtime knows
	local last
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$(jq '.linux.capabilities | length' <<<"$output")" -ge $((last + 1)) ]
}

@test "features: seccomp actions and flags are the ones this kernel accepts" {
	requires jq
	run "$REDRUN" features
	[ "$status" -eq 0 ]
	[ "$(jq -r .linux.seccomp.enabled <<<"$output")" = true ]
	jq -e '.linux.seccomp.actions | index("SCMP_ACT_ERRNO") and index("SCMP_ACT_ALLOW")' <<<"$output" >/dev/null
	jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' <<<"$output" >/dev/null
	jq -e '.linux.seccomp.operators | length == 7' <<<"$output" >/dev/null
	# supported flags are a subset of the known ones
	jq -e '.linux.seccomp as $s | ($s.supportedFlags - $s.knownFlags) == []' <<<"$output" >/dev/null
	# the actions listed are exactly those the kernel reports available
	if grep -q user_notif /proc/sys/kernel/seccomp/actions_avail; then
		jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")' <<<"$output" >/dev/null
	fi
}

@test "features: cgroup v2 only, libseccomp version annotated" {
	requires jq
	run "$REDRUN" features
	[ "$status" -eq 0 ]
	[ "$(jq -c '.linux.cgroup | {v1, v2}' <<<"$output")" = '{"v1":false,"v2":true}' ]
	[ "$(jq -r '.annotations["io.github.seccomp.libseccomp.version"]' <<<"$output")" = \
		"$("$REDRUN" --version | sed -n 's/^libseccomp: //p')" ]
}

@test "features takes no arguments" {
	run "$REDRUN" features extra
	[ "$status" -eq 1 ]
	[[ $output == *"features: takes no arguments"* ]]
}

@test "features: mount options from the mount table, idmap mounts" {
	requires jq
	run "$REDRUN" features
	[ "$status" -eq 0 ]
	jq -e '.mountOptions | index("bind") and index("rbind") and index("ro") and index("tmpcopyup") and index("rro")' \
		<<<"$output" >/dev/null
	# filesystem data such as size= is not an option name
	jq -e '.mountOptions | all(test("=") | not)' <<<"$output" >/dev/null
	[ "$(jq -r .linux.mountExtensions.idmap.enabled <<<"$output")" = true ]
}

@test "features: the six hook kinds the runtime runs" {
	requires jq
	run "$REDRUN" features
	[ "$status" -eq 0 ]
	[ "$(jq -c .hooks <<<"$output")" = \
		'["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]
}
