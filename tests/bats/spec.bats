#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# redrun spec: the default config.json, runc-shaped, rootful and rootless.

load helpers

setup() {
	common_setup
	requires jq
	B=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$B"
}

@test "spec writes a runc-shaped default config into the current directory" {
	cd "$B"
	run "$REDRUN" spec
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	jq -e '.ociVersion == "1.3.0"' config.json
	jq -e '.process.terminal == true and .process.args == ["sh"] and .process.cwd == "/"' config.json
	jq -e '.process.user == {"uid": 0, "gid": 0}' config.json
	jq -e '.process.env | index("TERM=xterm") != null' config.json
	jq -e '.process.capabilities.bounding == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]' config.json
	jq -e '.process.capabilities.effective == .process.capabilities.bounding and .process.capabilities.permitted == .process.capabilities.bounding' config.json
	jq -e '.process.rlimits == [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]' config.json
	jq -e '.process.noNewPrivileges == true' config.json
	jq -e '.root == {"path": "rootfs", "readonly": true} and .hostname == "redrun"' config.json
	jq -e '[.mounts[].destination] == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]' config.json
	jq -e '.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5") != null' config.json
	jq -e '.mounts[] | select(.destination == "/sys") | .type == "sysfs"' config.json
	jq -e '[.linux.namespaces[].type] == ["pid", "network", "ipc", "uts", "mount", "cgroup"]' config.json
	jq -e '.linux.resources.devices == [{"allow": false, "access": "rwm"}]' config.json
	jq -e '.linux.maskedPaths | index("/proc/kcore") != null' config.json
	jq -e '.linux.readonlyPaths | index("/proc/sys") != null' config.json
	jq -e '.linux | has("uidMappings") | not' config.json
}

@test "spec --bundle and -b write into the given directory, tab-indented" {
	run "$REDRUN" spec --bundle "$B"
	[ "$status" -eq 0 ]
	[ -f "$B/config.json" ]
	mkdir "$B/other"
	run "$REDRUN" spec -b "$B/other"
	[ "$status" -eq 0 ]
	cmp "$B/config.json" "$B/other/config.json"
	grep -q "^	\"ociVersion\": \"1.3.0\",$" "$B/config.json"
}

@test "spec refuses to overwrite an existing config.json" {
	echo '{"keep": true}' >"$B/config.json"
	run "$REDRUN" spec -b "$B"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: File $B/config.json exists. Remove it first" ]
	[ "$(cat "$B/config.json")" = '{"keep": true}' ]
}

@test "spec into a missing directory fails naming the path" {
	run "$REDRUN" spec -b "$B/missing"
	[ "$status" -eq 1 ]
	[[ "$output" == *"\`$B/missing/config.json\`: No such file or directory"* ]]
}

@test "spec rejects unknown options and arguments" {
	run "$REDRUN" spec --frob
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown option \`--frob\`"* ]]
	run "$REDRUN" spec -b "$B" extra
	[ "$status" -eq 1 ]
	[[ "$output" == *"unexpected argument \`extra\`"* ]]
}

@test "spec --rootless maps the caller, keeps the host network, binds /sys, sets no resources" {
	run "$REDRUN" spec --rootless -b "$B"
	[ "$status" -eq 0 ]
	local c=$B/config.json uid gid
	uid=$(id -u)
	gid=$(id -g)
	jq -e '[.linux.namespaces[].type] == ["pid", "ipc", "uts", "mount", "cgroup", "user"]' "$c"
	jq -e --argjson u "$uid" '.linux.uidMappings == [{"containerID": 0, "hostID": $u, "size": 1}]' "$c"
	jq -e --argjson g "$gid" '.linux.gidMappings == [{"containerID": 0, "hostID": $g, "size": 1}]' "$c"
	jq -e '.mounts[] | select(.destination == "/sys") | .type == "none" and .source == "/sys" and (.options | index("rbind") != null)' "$c"
	jq -e '[.mounts[].options // [] | .[] | select(startswith("gid=") or startswith("uid="))] == []' "$c"
	jq -e '.linux | has("resources") | not' "$c"
}

@test "spec equals the runc-shaped corpus config but for version and hostname" {
	run "$REDRUN" spec -b "$B"
	[ "$status" -eq 0 ]
	jq -S . "$B/config.json" >"$B/a.json"
	jq -S . "$TESTS_SRCDIR/data/configs/good/runc-spec.json" >"$B/b.json"
	jq -e -n --slurpfile a "$B/a.json" --slurpfile b "$B/b.json" \
		'($a[0] | del(.ociVersion, .hostname)) == ($b[0] | del(.ociVersion, .hostname))'
}
