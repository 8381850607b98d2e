#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Known container-escape classes of OCI runtimes, each attempted against
# redrun (see docs/security.md for the list and the advisories behind them),
# plus capabilities, groups and LSM requests read back from inside.
# The container process is tests/helpers/escape-probe ("open w /x: EROFS").

load helpers

HELPERS=${TESTS_BUILDDIR:-$(cd "$(dirname "$BATS_TEST_FILENAME")/.." && pwd)}/helpers
PROBE=$HELPERS/escape-probe
ALL_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_LINUX_IMMUTABLE","CAP_NET_BIND_SERVICE","CAP_NET_BROADCAST","CAP_NET_ADMIN","CAP_NET_RAW","CAP_IPC_LOCK","CAP_IPC_OWNER","CAP_SYS_MODULE","CAP_SYS_RAWIO","CAP_SYS_CHROOT","CAP_SYS_PTRACE","CAP_SYS_PACCT","CAP_SYS_ADMIN","CAP_SYS_BOOT","CAP_SYS_NICE","CAP_SYS_RESOURCE","CAP_SYS_TIME","CAP_SYS_TTY_CONFIG","CAP_MKNOD","CAP_LEASE","CAP_AUDIT_WRITE","CAP_AUDIT_CONTROL","CAP_SETFCAP","CAP_MAC_OVERRIDE","CAP_MAC_ADMIN","CAP_SYSLOG","CAP_WAKE_ALARM","CAP_BLOCK_SUSPEND","CAP_AUDIT_READ","CAP_PERFMON","CAP_BPF","CAP_CHECKPOINT_RESTORE"]'

setup() {
	common_setup
	requires root busybox jq
	[ -x "$PROBE" ] || skip "tests/helpers/escape-probe not built (make check builds it)"
	B=$BATS_TEST_TMPDIR/bundle
	ID=sec-$BATS_TEST_NUMBER-$$
	make_bundle "$B"
	cp "$PROBE" "$B/rootfs/bin/probe"
	REDRUN_SUM=$(sha256sum "$REDRUN" | cut -d' ' -f1)
	CORE_PATTERN=$(cat /proc/sys/kernel/core_pattern)
}

teardown() {
	[ -z "${BG_PID:-}" ] || kill "$BG_PID" 2>/dev/null || true
	[ -z "${BG_PID:-}" ] || wait "$BG_PID" 2>/dev/null || true
	rr delete --force "$ID" >/dev/null 2>&1 || true
	# Whatever the test did, the runtime binary and the host's kernel settings
	# are as before and no mount of the bundle is left on the host.
	[ "$(sha256sum "$REDRUN" | cut -d' ' -f1)" = "$REDRUN_SUM" ]
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$CORE_PATTERN" ]
	! grep -q " $BATS_TEST_TMPDIR" /proc/self/mountinfo
	[ ! -e "$RR_ROOT/$ID" ]
}

args() {
	jq_config "$B" '.process.args = $a' --argjson a "$(jq -nc '$ARGS.positional' --args -- "$@")"
}

cap_line() { # cap_line NAME OUTPUT -> hex value of CapNAME
	sed -n "s/^Cap$1:[[:space:]]*//p" <<<"$2"
}

# A user namespace's root must be able to reach the bundle: open up the
# directories above it (bats makes them 0700).
reach_tmpdir() {
	local d=$BATS_TEST_TMPDIR
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

userns_bundle() {
	reach_tmpdir
	chown -R 200000:200000 "$B/rootfs"
}

# ---------------------------------------------------------------------------
# CVE-2019-5736 class: the runtime binary through /proc/<pid>/exe

# init_exe_out_of_reach: create the container; a process exec'd into it
# can neither open (read, write, O_PATH) nor ptrace its init, the runtime.
init_exe_out_of_reach() {
	rr create --bundle "$B" "$ID" >/dev/null 2>&1 </dev/null
	run rr exec "$ID" /bin/sh -c '/bin/probe open /proc/1/exe r; /bin/probe open /proc/1/exe w; /bin/probe open /proc/1/exe path; /bin/probe ptrace 1'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^"open r /proc/1/exe: E"(ACCES|PERM|NOENT)$ ]]
	[[ "${lines[1]}" =~ ^"open w /proc/1/exe: E"(ACCES|PERM|NOENT|TXTBSY)$ ]]
	[[ "${lines[2]}" =~ ^"open path /proc/1/exe: E"(ACCES|PERM|NOENT)$ ]]
	[[ "${lines[3]}" =~ ^"ptrace: E"(PERM|SRCH)$ ]]
}

@test "escape: /proc/1/exe of a created container (the runtime) cannot be opened, written or ptraced" {
	args /bin/true
	init_exe_out_of_reach
}

@test "escape: in a user namespace with all capabilities, /proc/1/exe of the created container is out of reach" {
	args /bin/true
	jq_config "$B" '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .root.readonly = false'
	# every capability (inside the namespace) for the container process
	jq_config "$B" '.process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}' --argjson c "$ALL_CAPS"
	userns_bundle
	init_exe_out_of_reach
}

# caps_but_ptrace: process.capabilities = every capability this host's root
# holds (here: all but CAP_SYS_RESOURCE) except CAP_SYS_PTRACE
caps_but_ptrace() {
	local bnd i caps=()
	bnd=$((16#$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)))
	for i in $(seq 0 40); do
		[ $((bnd >> i & 1)) = 1 ] && [ "$i" != 19 ] && caps+=("$(jq -r ".[$i]" <<<"$ALL_CAPS")")
	done
	jq_config "$B" '.process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}' \
		--argjson c "$(jq -nc '$ARGS.positional' --args -- "${caps[@]}")"
}

@test "escape: with every capability but CAP_SYS_PTRACE, /proc/1/exe of a created container stays closed" {
	args /bin/true
	caps_but_ptrace
	init_exe_out_of_reach
}

# scan_execs RUNTIME...: while RUNTIME runs 30 execs in the container, its
# init scans every /proc/<pid>/exe; it must never open the runtime binary.
scan_execs() {
	args /bin/probe scan-exe 4
	"$@" create --bundle "$B" "$ID" >"$BATS_TEST_TMPDIR/scan.out" 2>&1 </dev/null
	"$@" start "$ID"
	local i ok=0
	for i in $(seq 30); do
		"$@" exec "$ID" /bin/true && ok=$((ok + 1))
	done
	wait_status "$ID" stopped
	[ "$ok" -gt 0 ]
	cat "$BATS_TEST_TMPDIR/scan.out"
	grep -q '^scan-exe: opened 0 foreign' "$BATS_TEST_TMPDIR/scan.out"
	! grep -q '^foreign-exe-write: ok' "$BATS_TEST_TMPDIR/scan.out"
}

@test "escape: runtime processes of concurrent execs never expose the host binary through /proc/<pid>/exe" {
	scan_execs rr
}

# The runtime without CAP_SYS_PTRACE (a reduced bounding set, as under a
# restricted service manager): a process with its uid and capabilities, a
# container process given the runtime's capabilities included, is kept away
# from a runtime process only by that process being non-dumpable.
rr_noptrace() {
	setpriv --bounding-set=-sys_ptrace "$REDRUN" --root "$RR_ROOT" "$@"
}

# runtime_caps: the container gets every capability of rr_noptrace
runtime_caps() {
	command -v setpriv >/dev/null || skip "needs setpriv"
	caps_but_ptrace
}

@test "escape: the init is not dumpable during setup, even for a process with the runtime's uid and capabilities" {
	args /bin/sleep 100
	runtime_caps
	# observers with the runtime's credentials: a createRuntime hook on the
	# host, a startContainer hook inside (both run while the init waits)
	cat >"$BATS_TEST_TMPDIR/observe" <<EOS
#!/bin/sh
pid=\$(jq -r .pid)
{ $PROBE open /proc/\$pid/exe path; $PROBE open /proc/\$pid/mem r; $PROBE ptrace \$pid; } >$BATS_TEST_TMPDIR/runtime.out 2>&1
EOS
	chmod +x "$BATS_TEST_TMPDIR/observe"
	jq_config "$B" '.root.readonly = false | .hooks = {"createRuntime":[{"path":$h}],
		"startContainer":[{"path":"/bin/sh","args":["sh","-c","{ /bin/probe open /proc/1/exe path; /bin/probe open /proc/1/mem r; /bin/probe ptrace 1; } >/tmp/start.out 2>&1"]}]}' \
		--arg h "$BATS_TEST_TMPDIR/observe"
	rr_noptrace create --bundle "$B" "$ID" >/dev/null 2>&1 </dev/null
	rr_noptrace start "$ID"
	wait_status "$ID" running
	cat "$BATS_TEST_TMPDIR/runtime.out" "$B/rootfs/tmp/start.out"
	local pid
	pid=$(rr state "$ID" | jq -r .pid)
	grep -q "^open path /proc/$pid/exe: " "$BATS_TEST_TMPDIR/runtime.out"
	local f
	for f in "$BATS_TEST_TMPDIR/runtime.out" "$B/rootfs/tmp/start.out"; do
		[[ "$(sed -n 1p "$f")" =~ ^"open path /proc/"[0-9]+"/exe: EACCES"$ ]]
		[[ "$(sed -n 2p "$f")" =~ ^"open r /proc/"[0-9]+"/mem: EACCES"$ ]]
		[ "$(sed -n 3p "$f")" = "ptrace: EPERM" ]
	done
	# execve made the container's process dumpable again, as with runc: the
	# same observers reach it now, from the host and from inside
	run setpriv --bounding-set=-sys_ptrace "$PROBE" open "/proc/$pid/mem" r
	[ "$output" = "open r /proc/$pid/mem: ok" ]
	run rr_noptrace exec "$ID" /bin/sh -c '/bin/probe open /proc/1/exe path; /bin/probe open /proc/1/mem r; /bin/probe ptrace 1'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "open path /proc/1/exe: ok" ]
	[ "${lines[1]}" = "open r /proc/1/mem: ok" ]
	[ "${lines[2]}" = "ptrace: ok" ]
}

@test "escape: a created container refuses exec from a runtime without CAP_SYS_PTRACE (its init is still the runtime)" {
	args /bin/true
	runtime_caps
	rr_noptrace create --bundle "$B" "$ID" >/dev/null 2>&1 </dev/null
	run rr_noptrace exec "$ID" /bin/probe open /proc/1/exe path
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"exec into a created container needs CAP_SYS_PTRACE"* ]]
}

@test "escape: with the runtime's capabilities, runtime processes of concurrent execs never expose the host binary" {
	runtime_caps
	scan_execs rr_noptrace
}

@test "identity: after execve a non-root container process owns its /proc files (dumpable as usual)" {
	args /bin/sh -c 'stat -c "%u:%g" /proc/self/environ /proc/self/status; grep -c PATH= /proc/self/environ'
	jq_config "$B" '.process.user = {"uid": 65534, "gid": 65534}'
	run rr run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "65534:65534" ]
	[ "${lines[1]}" = "65534:65534" ]
	[ "${lines[2]}" = 1 ]
}

# ---------------------------------------------------------------------------
# CVE-2024-21626 class: leaked fds and a cwd outside the root

@test "escape: only fds 0-2 reach the container, whatever the caller leaks" {
	args /bin/probe fds
	run rr run --bundle "$B" "$ID" 5</etc/hostname 7<"$BATS_TEST_TMPDIR" 9>/dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "fds: 0 1 2" ]
}

@test "escape: hooks get only stdin, stdout and stderr, whatever the caller leaks" {
	args /bin/probe fds
	# on the host (createRuntime, from the runtime) and in the container's
	# namespaces (createContainer, from its init)
	jq_config "$B" '.hooks = {"createRuntime":[{"path":$p,"args":["probe","fds"]}],
		"createContainer":[{"path":$p,"args":["probe","fds"]}]}' --arg p "$PROBE"
	run rr run --preserve-fds 1 --bundle "$B" "$ID" 3</dev/null 5</etc/hostname 7<"$BATS_TEST_TMPDIR"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds: 0 1 2" ]
	[ "${lines[1]}" = "fds: 0 1 2" ]
	[ "${lines[2]}" = "fds: 0 1 2 3" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "escape: --preserve-fds passes exactly the requested fds" {
	args /bin/probe fds
	run rr run --preserve-fds 2 --bundle "$B" "$ID" 3</etc/hostname 4</etc/hostname 5<"$BATS_TEST_TMPDIR"
	[ "$status" -eq 0 ]
	[ "$output" = "fds: 0 1 2 3 4" ]
}

@test "escape: exec gets only fds 0-2 and a cwd inside the root" {
	args /bin/sleep 10
	rr create --bundle "$B" "$ID" >/dev/null 2>&1 </dev/null
	rr start "$ID"
	run rr exec "$ID" /bin/probe fds 6</etc/hostname 8<"$BATS_TEST_TMPDIR"
	[ "$status" -eq 0 ]
	[ "$output" = "fds: 0 1 2" ]
	run rr exec "$ID" /bin/probe cwd 8<"$BATS_TEST_TMPDIR"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "cwd: /" ]
	[ "${lines[2]}" = "cwd-reaches-root: yes" ]
}

@test "escape: cwd is inside the rootfs" {
	args /bin/probe cwd
	jq_config "$B" '.process.cwd = "/tmp"'
	run rr run --bundle "$B" "$ID" 7<"$BATS_TEST_TMPDIR"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "cwd: /tmp" ]
	[ "${lines[1]}" = "proc-cwd: /tmp" ]
	[ "${lines[2]}" = "cwd-reaches-root: yes" ]
}

@test "escape: process.cwd /proc/self/fd/N never yields a host directory" {
	local n
	for n in 3 4 5 6 7 8 9 10; do
		args /bin/probe cwd
		jq_config "$B" '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		run rr run --bundle "$B" "$ID" 7<"$BATS_TEST_TMPDIR" 8<"$BATS_TEST_TMPDIR"
		echo "fd $n: $status $output"
		if [ "$status" -eq 0 ]; then
			[[ "$output" == *"cwd-reaches-root: yes"* ]]
			[[ "$output" != *"(unreachable)"* ]]
		fi
		rr delete --force "$ID" >/dev/null 2>&1 || true
	done
}

# ---------------------------------------------------------------------------
# CVE-2021-30465 class: mount destinations through symlinks, and races on them

@test "escape: a mount destination through a symlink out of the rootfs stays inside it" {
	local host=$BATS_TEST_TMPDIR/hostdir src=$BATS_TEST_TMPDIR/volume
	mkdir -p "$host" "$src"
	mkdir -p "$B/rootfs/mnt"
	ln -s "$host" "$B/rootfs/mnt/abs"
	ln -s ../../../../../../../../../../.."$host" "$B/rootfs/mnt/rel"
	args /bin/sh -c 'echo pwn > /mnt/abs/file && echo pwn > /mnt/rel/file; ls /mnt/abs /mnt/rel'
	jq_config "$B" '.root.readonly = false | .mounts += [
		{"destination":"/mnt/abs","type":"bind","source":$s,"options":["rbind","rw"]},
		{"destination":"/mnt/rel","type":"tmpfs","source":"tmpfs"}]' --arg s "$src"
	run rr run --bundle "$B" "$ID"
	echo "$status $output"
	# Failing is fine; what matters is that nothing reached the host directory.
	[ -z "$(ls -A "$host")" ]
}

@test "escape: swapping a mount destination for a symlink during create never mounts or writes on the host" {
	local host=$BATS_TEST_TMPDIR/hostdir src=$BATS_TEST_TMPDIR/volume
	mkdir -p "$host" "$src" "$B/rootfs/mnt/vol"
	args /bin/sh -c 'echo pwn > /mnt/vol/sub/file 2>/dev/null; true'
	jq_config "$B" '.root.readonly = false | .mounts += [
		{"destination":"/mnt/vol/sub","type":"bind","source":$s,"options":["rbind","rw"]}]' --arg s "$src"
	# The attacker: flip rootfs/mnt/vol between a directory and a symlink to
	# the host (rm -rf of the symlink removes the link, not its target).
	(
		set +e
		cd "$B/rootfs/mnt" || exit 1
		while :; do
			rm -rf vol
			mkdir -p vol/sub
			rm -rf vol
			ln -s "$host" vol
		done
	) 2>/dev/null &
	BG_PID=$!
	local i
	for i in $(seq 25); do
		rr run --bundle "$B" "$ID" >/dev/null 2>&1 </dev/null || true
		rr delete --force "$ID" >/dev/null 2>&1 || true
		! grep -q " $host " /proc/self/mountinfo
	done
	kill "$BG_PID" || true
	wait "$BG_PID" 2>/dev/null || true
	BG_PID=
	[ -z "$(ls -A "$host")" ]
}

@test "escape: /proc of the image planted as a symlink never gives the container a fake or unmasked /proc" {
	# CVE-2019-16884 / CVE-2019-19921 class: a /proc the image controls would
	# hide the masks and swallow LSM label writes.
	rm -rf "$B/rootfs/proc"
	mkdir -p "$B/rootfs/fakeproc/sys/kernel"
	echo fake >"$B/rootfs/fakeproc/sys/kernel/core_pattern"
	ln -s /fakeproc "$B/rootfs/proc"
	args /bin/sh -c 'stat -f -c %T /proc; stat -f -c %T /fakeproc; /bin/probe open /proc/sys/kernel/core_pattern w; /bin/probe read /proc/keys'
	run rr run --bundle "$B" "$ID"
	echo "$status $output"
	if [ "$status" -eq 0 ]; then
		[ "${lines[0]}" = proc ]
		[ "${lines[1]}" != proc ]
		[ "${lines[2]}" = "open w /proc/sys/kernel/core_pattern: EROFS" ]
		[ "${lines[3]}" = "read /proc/keys: 0 bytes" ]
	fi
}

# ---------------------------------------------------------------------------
# CVE-2025-31133 / CVE-2025-52565 class: masked paths and /dev/console

# Config using the rootfs's own /dev (no tmpfs), so the image controls it.
image_dev() {
	jq_config "$B" '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts" and .destination != "/dev/shm" and .destination != "/dev/mqueue"))'
	mkdir -p "$B/rootfs/dev"
}

# keys_masked_or_refused: the run fails, or /proc/keys (masked) is the real
# /dev/null and reads empty
keys_masked_or_refused() {
	run rr run --bundle "$B" "$ID"
	echo "$status $output"
	[ "$status" -ne 0 ] || {
		[ "${lines[0]}" = "character special file 1:3" ] && [ "${lines[1]}" = "read /proc/keys: 0 bytes" ]
	}
}

@test "escape: /dev/null replaced by a symlink does not unmask or expose a masked path" {
	image_dev
	ln -sfn /proc/sys/kernel/core_pattern "$B/rootfs/dev/null"
	args /bin/sh -c 'stat -c "%F %t:%T" /proc/keys; /bin/probe read /proc/keys; /bin/probe write /proc/keys "$(cat /proc/sys/kernel/core_pattern)"'
	keys_masked_or_refused
}

@test "escape: /dev/null replaced by another device is refused as a mask" {
	image_dev
	mknod -m 666 "$B/rootfs/dev/null" c 1 5 # /dev/zero
	args /bin/sh -c 'stat -c "%F %t:%T" /proc/keys; /bin/probe read /proc/keys'
	keys_masked_or_refused
}

@test "escape: /dev/null flipped between a symlink, another device and a file during create never masks with anything else" {
	image_dev
	# The attacker (here a host loop standing for a second container sharing
	# the rootfs) keeps replacing the /dev/null the runtime creates.
	(
		set +e
		cd "$B/rootfs/dev" || exit 1
		while :; do
			rm -f null.l && ln -s /proc/sys/kernel/core_pattern null.l && mv -f null.l null
			rm -f null.z && mknod -m 666 null.z c 1 5 && mv -f null.z null
			echo x >null.f && mv -f null.f null
		done
	) 2>/dev/null &
	BG_PID=$!
	args /bin/sh -c 'stat -c "%F %t:%T" /proc/keys; /bin/probe read /proc/keys'
	local i started=0
	for i in $(seq 25); do
		run rr run --bundle "$B" "$ID"
		rr delete --force "$ID" >/dev/null 2>&1 || true
		if [ "$status" -eq 0 ]; then
			started=$((started + 1))
			echo "$output"
			[ "${lines[0]}" = "character special file 1:3" ]
			[ "${lines[1]}" = "read /proc/keys: 0 bytes" ]
		fi
	done
	kill "$BG_PID" || true
	wait "$BG_PID" 2>/dev/null || true
	BG_PID=
	echo "started $started of 25"
}

@test "escape: a masked path replaced by a symlink in the image does not redirect the mask" {
	# /sys/firmware is masked; the image cannot plant a symlink inside sysfs,
	# but it can for a masked path of its own tree.
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	ln -s "$BATS_TEST_TMPDIR/hostdir" "$B/rootfs/masked-link"
	jq_config "$B" '.root.readonly = false | .linux.maskedPaths += ["/masked-link"]'
	args /bin/sh -c 'echo pwn > /masked-link/file 2>/dev/null; ls -A /masked-link 2>/dev/null; true'
	run rr run --bundle "$B" "$ID"
	echo "$status $output"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/hostdir")" ]
}

@test "escape: /dev/console planted as a symlink does not bind the terminal elsewhere" {
	local cs=$HELPERS/console-socket sock=$BATS_TEST_TMPDIR/console.sock
	[ -x "$cs" ] || skip "tests/helpers/console-socket not built"
	image_dev
	# keep a devpts so that the runtime can allocate the terminal
	jq_config "$B" '.mounts += [{"destination":"/dev/pts","type":"devpts","source":"devpts","options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]}]'
	mkdir -p "$B/rootfs/dev/pts"
	ln -sfn pts/ptmx "$B/rootfs/dev/ptmx"
	ln -sfn /proc/sys/kernel/core_pattern "$B/rootfs/dev/console"
	mknod -m 666 "$B/rootfs/dev/null" c 1 3
	jq_config "$B" '.process.terminal = true'
	args /bin/sh -c 'stat -c "%F %t" /dev/console; /bin/probe write /proc/sys/kernel/core_pattern "$(cat /proc/sys/kernel/core_pattern)"'
	"$cs" "$sock" >"$BATS_TEST_TMPDIR/console.out" 2>&1 &
	BG_PID=$!
	local i
	for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	run rr run --console-socket "$sock" --bundle "$B" "$ID"
	echo "$status $output"
	wait "$BG_PID" || true
	BG_PID=
	cat "$BATS_TEST_TMPDIR/console.out"
	! grep -q "write /proc/sys/kernel/core_pattern: ok" "$BATS_TEST_TMPDIR/console.out"
	[ ! -L "$B/rootfs/dev/console" ] || [ "$(readlink "$B/rootfs/dev/console")" = /proc/sys/kernel/core_pattern ]
}

# ---------------------------------------------------------------------------
# /proc and /sys: writes that would change the host

@test "escape: default masked and read-only paths block host-changing /proc and /sys writes" {
	args /bin/sh -c '
		for p in /proc/sys/kernel/core_pattern /proc/sysrq-trigger /proc/sys/vm/drop_caches /proc/sys/fs/file-max /proc/sys/kernel/panic /proc/sys/kernel/sysrq /proc/sys/kernel/modprobe /proc/irq/default_smp_affinity /sys/kernel/uevent_helper /sys/kernel/mm/transparent_hugepage/enabled /sys/power/state; do
			[ -e $p ] && /bin/probe open $p w
		done
		for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
			[ -e $p ] && /bin/probe read $p
		done
		ls -A /sys/firmware | wc -l; ls -A /proc/acpi 2>/dev/null | wc -l'
	run rr run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -E '^open w .*: ok$' <<<"$output"
	! grep -E '^read .*: [1-9][0-9]* bytes$' <<<"$output"
	[ "$(grep -c '^open w' <<<"$output")" -ge 4 ]
	[ "${lines[-2]}" = 0 ]
	[ "${lines[-1]}" = 0 ]
}

# ---------------------------------------------------------------------------
# Capabilities (CVE-2022-29162 class: no inheritable leak) and identity

caps_run() {
	args /bin/sh -c 'grep -E "^(Cap|Groups|NoNewPrivs)" /proc/self/status'
	run rr run --bundle "$B" "$ID"
	echo "$output"
}

# caps_are SET=HEX...: the run's Cap<SET> lines have these values
caps_are() {
	local kv
	for kv in "$@"; do
		[ "$(cap_line "${kv%%=*}" "$output")" = "${kv#*=}" ] || {
			echo "Cap${kv%%=*}: expected ${kv#*=}"
			return 1
		}
	done
}

@test "caps: root with the template set: exactly those, nothing inheritable or ambient" {
	caps_run
	[ "$status" -eq 0 ]
	caps_are Bnd=0000000020000420 Eff=0000000020000420 Prm=0000000020000420 Inh=0000000000000000 Amb=0000000000000000
}

@test "caps: empty bounding set drops everything" {
	jq_config "$B" '.process.capabilities = {"bounding":[],"effective":[],"permitted":[]}'
	caps_run
	[ "$status" -eq 0 ]
	caps_are Bnd=0000000000000000 Eff=0000000000000000 Prm=0000000000000000
}

@test "caps: non-root user without ambient ends with no effective/permitted/inheritable caps" {
	jq_config "$B" '.process.user = {"uid":1000,"gid":1000}'
	caps_run
	[ "$status" -eq 0 ]
	caps_are Bnd=0000000020000420 Eff=0000000000000000 Prm=0000000000000000 Inh=0000000000000000
}

@test "caps: ambient with inheritable and permitted survives the switch to a non-root user" {
	jq_config "$B" '.process.user = {"uid":1000,"gid":1000}
		| .process.capabilities = {"bounding":["CAP_NET_BIND_SERVICE"],"effective":["CAP_NET_BIND_SERVICE"],"permitted":["CAP_NET_BIND_SERVICE"],"inheritable":["CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE"]}'
	caps_run
	[ "$status" -eq 0 ]
	caps_are Amb=0000000000000400 Eff=0000000000000400 Prm=0000000000000400 Inh=0000000000000400 Bnd=0000000000000400
}

@test "caps: ambient without inheritable is not granted" {
	jq_config "$B" '.process.user = {"uid":1000,"gid":1000}
		| .process.capabilities = {"bounding":["CAP_NET_BIND_SERVICE"],"effective":["CAP_NET_BIND_SERVICE"],"permitted":["CAP_NET_BIND_SERVICE"],"ambient":["CAP_NET_BIND_SERVICE"]}'
	caps_run
	if [ "$status" -eq 0 ]; then
		[ "$(cap_line Amb "$output")" = 0000000000000000 ]
		[ "$(cap_line Eff "$output")" = 0000000000000000 ]
	else
		[[ "$output" == *ambient* ]]
	fi
}

@test "caps: inheritable only as configured, never the bounding set (CVE-2022-29162)" {
	jq_config "$B" '.process.user = {"uid":1000,"gid":1000}
		| .process.capabilities.inheritable = ["CAP_KILL"]'
	caps_run
	[ "$status" -eq 0 ]
	caps_are Inh=0000000000000020 Eff=0000000000000000 Amb=0000000000000000
}

@test "identity: additionalGids replace the runtime's groups" {
	jq_config "$B" '.process.user = {"uid":1000,"gid":1000,"additionalGids":[10,20]}'
	caps_run
	[ "$status" -eq 0 ]
	[[ "$output" =~ Groups:[[:space:]]*10\ 20[[:space:]]*($|$'\n') ]]
}

@test "identity: no additionalGids means no supplementary groups" {
	jq_config "$B" '.process.user = {"uid":1000,"gid":1000}'
	caps_run
	[ "$status" -eq 0 ]
	[[ "$output" =~ Groups:[[:space:]]*($|$'\n') ]]
}

@test "identity: supplementary groups inside a user namespace" {
	jq_config "$B" '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .process.user = {"uid":1000,"gid":1000,"additionalGids":[5,7]}'
	userns_bundle
	args /bin/sh -c 'grep ^Groups /proc/self/status; cat /proc/self/setgroups; cat /proc/self/gid_map'
	run rr run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ Groups:[[:space:]]*5\ 7[[:space:]]*$ ]]
	[ "${lines[1]}" = allow ]
}

@test "identity: oomScoreAdj in a user namespace whose root is not the host's" {
	# the switch to the namespace's root hands /proc/self to the host's root:
	# the value is written before it, and inherited
	jq_config "$B" '.linux.namespaces += [{"type":"user"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
		| .process.oomScoreAdj = 500'
	userns_bundle
	args /bin/sh -c 'cat /proc/self/oom_score_adj; stat -c %u /proc/self/status'
	run rr run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 500 ]
	[ "${lines[1]}" = 0 ]
}

@test "identity: a runtime without root still writes its child's id maps and time offsets" {
	command -v setpriv >/dev/null || skip "needs setpriv"
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$REDRUN" ||
		skip "the redrun binary is out of reach of uid 65534"
	[ -e /proc/self/timens_offsets ] || skip "no time namespaces"
	reach_tmpdir
	chmod -R a+rX "$B"
	chown 65534:65534 "$RR_ROOT"
	# what an unprivileged runtime may do: a one-id mapping, no device,
	# mqueue or sysfs mounts, no resources
	jq_config "$B" '.linux.namespaces += [{"type":"user"},{"type":"time"}]
		| .linux.uidMappings = [{"containerID":0,"hostID":65534,"size":1}]
		| .linux.gidMappings = [{"containerID":0,"hostID":65534,"size":1}]
		| .linux.timeOffsets = {"monotonic":{"secs":86400,"nanosecs":0}}
		| .mounts |= map(select(.destination == "/proc" or .destination == "/dev"))
		| del(.linux.resources) | .process.oomScoreAdj = 500'
	args /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups /proc/self/oom_score_adj; grep monotonic /proc/self/timens_offsets'
	run setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$REDRUN" --root "$RR_ROOT" run --bundle "$B" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^[[:space:]]*0[[:space:]]+65534[[:space:]]+1$ ]]
	[[ "${lines[1]}" =~ ^[[:space:]]*0[[:space:]]+65534[[:space:]]+1$ ]]
	[ "${lines[2]}" = deny ]
	[ "${lines[3]}" = 500 ]
	[[ "${lines[4]}" =~ ^monotonic[[:space:]]+86400[[:space:]]+0$ ]]
}

# ---------------------------------------------------------------------------
# LSM requests on a host without that LSM: a clear error, nothing left behind

lsm_fails() { # lsm_fails JQ-FILTER EXPECTED-SUBSTRING
	jq_config "$B" "$1"
	run rr run --bundle "$B" "$ID"
	echo "$status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$2"* ]]
	[ ! -e "$RR_ROOT/$ID" ]
}

@test "lsm: apparmorProfile on a host without AppArmor is a clear error" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled here"
	lsm_fails '.process.apparmorProfile = "redrun-test"' '.process.apparmorProfile: `redrun-test` requested but AppArmor is not enabled'
}

@test "lsm: selinuxLabel and mountLabel on a host without SELinux are clear errors" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
	lsm_fails '.process.selinuxLabel = "system_u:system_r:container_t:s0"' '.process.selinuxLabel: `system_u:system_r:container_t:s0` requested but SELinux is not enabled'
	jq_config "$B" 'del(.process.selinuxLabel)'
	lsm_fails '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' '.linux.mountLabel: `system_u:object_r:container_file_t:s0` requested but SELinux is not enabled'
}
