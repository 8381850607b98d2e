#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# rp2oci's errors (redpak-format.md §7): exit 1, exactly one line on stderr
# naming the file:line and key, and no config.json left in the bundle.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	T=$BATS_TEST_TMPDIR/t
	B=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$T" "$B"
	# a stale config.json must not survive a failed conversion
	echo '{}' >"$B/config.json"
}

# node DIR ALIAS: DIR/.rednode.yaml (state Enable) and etc/redpak.yaml made of
# a header plus the YAML read from stdin
node() {
	local d=$1 alias=$2
	mkdir -p "$d/etc"
	printf 'realpath: %s\ntimestamp: 1\nstate: Enable\n' "$d" >"$d/.rednode.yaml"
	{
		printf 'headers:\n  alias: %s\n' "$alias"
		cat
	} >"$d/etc/redpak.yaml"
}

# fails MESSAGE ARGS...: rp2oci ARGS fails with exactly "rp2oci: MESSAGE"
fails() {
	local want=$1
	shift
	run --separate-stderr "$RP2OCI" --bundle "$B" "$@"
	echo "status=$status stderr=$stderr"
	[ "$status" -eq 1 ]
	[ "$stderr" = "rp2oci: $want" ]
	[ ! -e "$B/config.json" ]
	[ ! -e "$B/config.json.tmp" ]
}

@test "errors: command line" {
	run --separate-stderr "$RP2OCI" --bundle "$B"
	[ "$status" -eq 1 ] && [ "$stderr" = "rp2oci: missing --redpath NODE_DIR" ]
	run --separate-stderr "$RP2OCI" --redpath "$T"
	[ "$status" -eq 1 ] && [ "$stderr" = "rp2oci: missing --bundle OUT_DIR" ]
	run --separate-stderr "$RP2OCI" --bogus --redpath "$T" --bundle "$B"
	[ "$status" -eq 1 ] && [ "$stderr" = "rp2oci: unknown option \`--bogus'" ] ||
		[ "$stderr" = "rp2oci: unknown option \`--bogus\`" ]
}

@test "errors: redpath not a directory, not a node, no config" {
	fails "--redpath \`$T/none\`: No such file or directory" --redpath "$T/none"
	touch "$T/file"
	fails "--redpath \`$T/file\`: not a directory" --redpath "$T/file"
	mkdir "$T/plain"
	fails "--redpath \`$T/plain\`: not a red-pak node (no regular .rednode.yaml)" --redpath "$T/plain"
	node "$T/n" n </dev/null
	rm "$T/n/etc/redpak.yaml"
	fails "$T/n: node has no config etc/redpak.yaml" --redpath "$T/n"
}

@test "errors: --rootfs must exist" {
	node "$T/n" n </dev/null
	fails "--rootfs \`$T/nope\`: not an existing directory" --redpath "$T/n" --rootfs "$T/nope"
}

@test "errors: YAML syntax with file:line" {
	node "$T/n" n <<-'EOF'
	config:
	  hostname: [unclosed
	EOF
	fails "$T/n/etc/redpak.yaml:5: invalid YAML: did not find expected ',' or ']'" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	exports: &x
	  - {mode: Tmpfs, mount: *x}
	EOF
	fails "$T/n/etc/redpak.yaml:4: unknown YAML alias \`*x\`" --redpath "$T/n"
}

@test "errors: unknown, duplicate, missing keys and empty sections" {
	node "$T/n" n <<-'EOF'
	config:
	  hostname: a
	  bogus: 1
	EOF
	fails "$T/n/etc/redpak.yaml:5: unknown key \`config.bogus\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	config:
	  hostname: a
	  HOSTNAME: b
	EOF
	fails "$T/n/etc/redpak.yaml:5: duplicate key \`config.HOSTNAME\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	config:
	EOF
	fails "$T/n/etc/redpak.yaml:3: config: empty section" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	exports:
	  - {mode: Public, path: /x}
	EOF
	fails "$T/n/etc/redpak.yaml:4: missing key \`exports[0].mount\`" --redpath "$T/n"
	printf 'headers:\n  name: x\n' >"$T/n/etc/redpak.yaml"
	fails "$T/n/etc/redpak.yaml:2: missing key \`headers.alias\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	config:
	  capabilities:
	    - {cap: cap_kill}
	EOF
	fails "$T/n/etc/redpak.yaml:5: missing key \`config.capabilities[0].add\`" --redpath "$T/n"
}

@test "errors: bad enums (export mode, tri-state, environ mode, status state)" {
	node "$T/n" n <<-'EOF'
	exports:
	  - {mode: Bogus, mount: /x}
	EOF
	fails "$T/n/etc/redpak.yaml:4: exports[0].mode: unknown value \`Bogus\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	config:
	  die-with-parent: maybe
	EOF
	fails "$T/n/etc/redpak.yaml:4: config.die-with-parent: unknown value \`maybe\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	environ:
	  - {key: A, value: b, mode: Sometimes}
	EOF
	fails "$T/n/etc/redpak.yaml:4: environ[0].mode: unknown value \`Sometimes\`" --redpath "$T/n"
	node "$T/n" n </dev/null
	printf 'realpath: /x\ntimestamp: 1\nstate: enable\n' >"$T/n/.rednode.yaml"
	fails "$T/n/.rednode.yaml:3: state: unknown value \`enable\`" --redpath "$T/n"
	printf 'realpath: /x\ntimestamp: 1\nstate: Disable\n' >"$T/n/.rednode.yaml"
	fails "$T/n/.rednode.yaml:1: state: node state is \`Disable\`, not \`Enable\`" --redpath "$T/n"
}

@test "errors: invalid alias, environ without value" {
	node "$T/n" 'bad alias' </dev/null
	fails "$T/n/etc/redpak.yaml:2: headers.alias: invalid alias \`bad alias\` (letters, digits and +-_@: only)" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	environ:
	  - {key: A, mode: Static}
	EOF
	fails "$T/n/etc/redpak.yaml:4: environ[0]: mode Static needs a value" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	environ:
	  - {key: PATH, value: /bin}
	  - {key: A=B, value: x}
	EOF
	fails "$T/n/etc/redpak.yaml:5: environ[1].key: invalid variable name \`A=B\`" --redpath "$T/n"
}

@test "errors: a broken ancestor breaks the chain" {
	node "$T/p" p <<-'EOF'
	config:
	  share_net: [1]
	EOF
	node "$T/p/c" c </dev/null
	fails "$T/p/etc/redpak.yaml:4: config.share_net: expected a scalar" --redpath "$T/p/c"
	printf 'realpath: /x\nstate: Enable\n' >"$T/p/.rednode.yaml"
	fails "$T/p/.rednode.yaml:1: missing key \`timestamp\`" --redpath "$T/p/c"
}

@test "errors: duplicate export or variable with different definitions in one config" {
	node "$T/n" n <<-'EOF'
	exports:
	  - {mode: Public, mount: /x, path: /a}
	  - {mode: Public, mount: /X/, path: /b}
	EOF
	fails "$T/n/etc/redpak.yaml:5: exports[1]: \`/X\` already exported differently at line 4" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	environ:
	  - {key: A, value: one}
	  - {key: a, value: two}
	EOF
	fails "$T/n/etc/redpak.yaml:5: environ[1]: \`a\` already defined differently at line 4" --redpath "$T/n"
}

@test "errors: capabilities (unknown name, re-added after an ancestor drop, same config)" {
	node "$T/n" n <<-'EOF'
	config:
	  capabilities:
	    - {cap: cap_bogus, add: 1}
	EOF
	fails "$T/n/etc/redpak.yaml:5: config.capabilities[0].cap: unknown capability \`cap_bogus\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	config:
	  capabilities:
	    - {cap: net_raw, add: 1}
	EOF
	fails "$T/n/etc/redpak.yaml:5: config.capabilities[0].cap: unknown capability \`net_raw\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	config:
	  capabilities:
	    - {cap: cap_kill, add: 1}
	    - {cap: CAP_KILL, add: 0}
	EOF
	fails "$T/n/etc/redpak.yaml:6: config.capabilities[1]: \`CAP_KILL\` both added and dropped" --redpath "$T/n"
	node "$T/p" p <<-'EOF'
	config:
	  capabilities:
	    - {cap: cap_kill, add: 0}
	EOF
	node "$T/p/c" c <<-'EOF'
	config:
	  capabilities:
	    - {cap: cap_kill, add: 1}
	EOF
	fails "$T/p/c/etc/redpak.yaml:5: config.capabilities: \`cap_kill\` is added but an ancestor drops it ($T/p/etc/redpak.yaml:5)" --redpath "$T/p/c"
}

@test "errors: namespace shared after an ancestor disabled it" {
	node "$T/p" p <<-'EOF'
	config:
	  share_net: disabled
	EOF
	node "$T/p/c" c <<-'EOF'
	config:
	  share_net: enabled
	EOF
	fails "$T/p/etc/redpak.yaml:4: config.share_net: \`disabled\` here conflicts with \`enabled\` in $T/p/c/etc/redpak.yaml" --redpath "$T/p/c"
}

@test "errors: umask, set-user, set-group" {
	node "$T/n" n <<-'EOF'
	config:
	  umask: 089
	EOF
	fails "$T/n/etc/redpak.yaml:4: config.umask: \`089\` is not an octal umask" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	config:
	  set-user: no-such-user-rp2oci
	EOF
	fails "$T/n/etc/redpak.yaml:4: config.set-user: unknown user \`no-such-user-rp2oci\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	config:
	  set-group: no-such-group-rp2oci
	EOF
	fails "$T/n/etc/redpak.yaml:4: config.set-group: unknown group \`no-such-group-rp2oci\`" --redpath "$T/n"
}

@test "errors: Internal export that is not an open fd, export escaping the root" {
	node "$T/n" n <<-'EOF'
	exports:
	  - {mode: Internal, mount: /x, path: '987'}
	EOF
	fails "$T/n/etc/redpak.yaml:4: exports: Internal path \`987\` is not an open file descriptor" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	exports:
	  - {mode: Tmpfs, mount: /a/../../etc}
	EOF
	fails "$T/n/etc/redpak.yaml:4: exports[0].mount: \`/a/../../etc\` escapes the container root" --redpath "$T/n"
}

@test "errors: malformed cgroup value goes through the runtime's key table" {
	node "$T/n" n <<-'EOF'
	config:
	  cgroups:
	    mem:
	      max: 12Q
	EOF
	run --separate-stderr "$RP2OCI" --bundle "$B" --redpath "$T/n"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "rp2oci: $T/n/etc/redpak.yaml:6: config.cgroups.mem: \`memory.max\`: invalid value \`12Q\`: "* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[ ! -e "$B/config.json" ]
}

@test "errors: seccomp section (names through the runtime's tables, numbers, shape)" {
	sc() {
		node "$T/n" n <<-EOF
		seccomp:
		  defaultAction: allow
		  syscalls:
		    - {$1}
		EOF
	}
	f=$T/n/etc/redpak.yaml
	sc 'names: [mkdir], action: deny'
	fails "$f:6: seccomp.syscalls[0].action: unknown action \`deny\`" --redpath "$T/n"
	sc 'names: [mkdir], action: errno, errnoRet: EPERM'
	fails "$f:6: seccomp.syscalls[0].errnoRet: \`EPERM\` is not a non-negative integer" --redpath "$T/n"
	sc 'names: [mkdir], action: errno, errnoRet: 4096'
	fails "$f:6: seccomp.syscalls[0].errnoRet: 4096 is out of range (0-4094)" --redpath "$T/n"
	sc 'names: [mkdir], action: allow, errnoRet: 1'
	fails "$f:6: seccomp.syscalls[0].errnoRet: only valid with the Errno or Trace action, not \`allow\`" --redpath "$T/n"
	sc 'names: [mkdir], action: errno, args: [{index: 0, value: 1, op: like}]'
	fails "$f:6: seccomp.syscalls[0].args[0].op: unknown operator \`like\`" --redpath "$T/n"
	sc 'names: [mkdir], action: errno, args: [{index: 0, value: 1x, op: eq}]'
	fails "$f:6: seccomp.syscalls[0].args[0].value: \`1x\` is not a non-negative integer" --redpath "$T/n"
	sc 'names: [mkdir], action: errno, args: [{index: 6, value: 1, op: eq}]'
	fails "$f:6: seccomp.syscalls[0].args[0].index: 6 is out of range (0-5)" --redpath "$T/n"
	sc 'names: [mkdir], action: errno, args: [{index: 0, op: eq}]'
	fails "$f:6: missing key \`seccomp.syscalls[0].args[0].value\`" --redpath "$T/n"
	sc 'names: [MkDir], action: errno'
	fails "$f:6: seccomp.syscalls[0].names[0]: invalid syscall name \`MkDir\`" --redpath "$T/n"
	sc 'names: mkdir, action: errno'
	fails "$f:6: seccomp.syscalls[0].names: expected a sequence" --redpath "$T/n"
	sc 'names: [mkdir], action: notify'
	fails "$f:6: seccomp.syscalls[0].action: \`notify\` is not supported (a node cannot name a seccomp agent)" --redpath "$T/n"
	sc 'names: [mkdir], action: errno, errno: 1'
	fails "$f:6: unknown key \`seccomp.syscalls[0].errno\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	seccomp:
	  defaultAction: allow
	  architectures: [x86_64, vax]
	EOF
	fails "$f:4: seccomp.architectures[1]: unknown architecture \`vax\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	seccomp:
	  defaultAction: allow
	  flags: [tsync, fast]
	EOF
	fails "$f:4: seccomp.flags[1]: unknown flag \`fast\`" --redpath "$T/n"
	node "$T/n" n <<-'EOF'
	seccomp:
	  syscalls:
	    - {names: [mkdir], action: errno}
	EOF
	fails "$f:4: missing key \`seccomp.defaultAction\`" --redpath "$T/n"
}

@test "errors: a node may not replace its ancestor's seccomp filter" {
	node "$T/p" p <<-'EOF'
	seccomp:
	  defaultAction: allow
	  syscalls:
	    - {names: [mount], action: errno, errnoRet: 1}
	EOF
	node "$T/p/c" c <<-'EOF'
	seccomp:
	  defaultAction: allow
	EOF
	fails "$T/p/c/etc/redpak.yaml:4: seccomp: differs from the section of ancestor $T/p/etc/redpak.yaml:4 (a node may not replace its ancestors' filter)" --redpath "$T/p/c"
	# an ancestor's section is checked even where the leaf's would apply
	node "$T/p" p <<-'EOF'
	seccomp:
	  defaultAction: nope
	EOF
	fails "$T/p/etc/redpak.yaml:4: seccomp.defaultAction: unknown action \`nope\`" --redpath "$T/p/c"
}

@test "Internal export snapshots an fd open in rp2oci" {
	node "$T/n" n <<-'EOF'
	exports:
	  - {mode: Internal, mount: /etc/data, path: '7'}
	EOF
	echo "from fd 7" >"$T/data"
	run "$RP2OCI" --bundle "$B" --redpath "$T/n" 7<"$T/data"
	[ "$status" -eq 0 ]
	src=$(jq -r '.mounts[] | select(.destination=="/etc/data") | .source' "$B/config.json")
	[ "$(cat "$B/$src")" = "from fd 7" ]
}

@test "--rootfs: an existing directory becomes root.path, links go there" {
	node "$T/n" n <<-'EOF'
	exports:
	  - {mode: Symlink, mount: /home/me, path: /nodes/me}
	  - {mode: Tmpfs, mount: /run}
	  - {mode: Symlink, mount: /run/hidden, path: /x}
	EOF
	mkdir "$T/myroot"
	run --separate-stderr "$RP2OCI" --bundle "$B" --redpath "$T/n" --rootfs "$T/myroot"
	[ "$status" -eq 0 ]
	[ "$(jq -r .root.path "$B/config.json")" = "$T/myroot" ]
	[ "$(jq -r .root.readonly "$B/config.json")" = true ]
	[ "$(readlink "$T/myroot/home/me")" = /nodes/me ]
	[ ! -e "$B/rootfs" ]
	# a link below a mount point is hidden at run time: said, not failed
	[[ "$stderr" == *"Symlink \`/run/hidden\` lies below the mount at \`/run\`"* ]]
}
