#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# End to end: the contrib templates as 2- and 3-level hierarchies, converted
# by rp2oci and run by `redrun run`. Checked from inside the container: the
# exact set of top-level paths, ro/rw of the exports, the hostname, the
# environment, the namespaces, and that writes to volatile places do not
# survive the run. The templates' host-side sources under /run and /home are
# redirected into the test directory through an environment variable (the
# mount points stay the templates' own) so the host is never touched.
load helpers

setup() {
	requires root jq
	"$REDRUN" --help 2>&1 | grep -q "^  run " || skip "redrun run is not available in this build"
	common_setup
	H=$BATS_TEST_TMPDIR/host
	T=$BATS_TEST_TMPDIR/tree
	B=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$H/run/systemd/notify" "$H/run/platform" "$H/run/user/0" "$H/home/0/app-data" \
		"$H/etc/pki" "$H/etc/dnf" "$H/usr/lib64/rpm-plugins" "$H/var/lib/rpm"
	touch "$H/etc/dnf/dnf.conf"
}

teardown() {
	rr delete -f rp1 >/dev/null 2>&1 || true
}

# make_tree LEVELS: system[/platform]/app from the contrib templates
make_tree() {
	local mk=$TESTS_SRCDIR/../contrib/redpak/mknode.sh src=$TESTS_SRCDIR/../contrib/redpak/templates
	local tp=$BATS_TEST_TMPDIR/templates f
	mkdir -p "$tp"
	for f in "$src"/*.yaml; do
		sed -e 's|path: /run/|path: $RP_E2E_HOST/run/|' -e 's|path: /home/|path: $RP_E2E_HOST/home/|' \
			-e 's|path: /etc/pki|path: $RP_E2E_HOST/etc/pki|' -e 's|path: /etc/dnf/|path: $RP_E2E_HOST/etc/dnf/|' \
			-e 's|path: /usr/lib64/rpm-plugins|path: $RP_E2E_HOST/usr/lib64/rpm-plugins|' \
			-e 's|path: /var/lib/rpm|path: $RP_E2E_HOST/var/lib/rpm|' \
			"$f" >"$tp/$(basename "$f")"
	done
	LEAF=$T/var/redpak
	"$mk" --alias system --name system-uuid --config "$tp/root-normal.yaml" --admin "$tp/root-admin.yaml" "$LEAF"
	mkdir -p "$LEAF/var/cache/dnf" "$LEAF/var/lib/rpm"
	if [ "$1" = 3 ]; then
		LEAF=$LEAF/platform
		"$mk" --alias platform --name platform-uuid --config "$tp/platform-normal.yaml" \
			--admin "$tp/platform-admin.yaml" "$LEAF"
		mkdir -p "$LEAF/usr/bin" "$LEAF/shared" "$LEAF/private"
		# the platform's Lock export: redrun locks it, it must exist (as for bwrap)
		touch "$LEAF/shared/.lock"
		echo "platform conf" >"$LEAF/etc/platform.conf"
	fi
	LEAF=$LEAF/app
	"$mk" --alias app --name app-uuid --config "$tp/leaf-normal.yaml" --admin "$tp/leaf-admin.yaml" "$LEAF"
	mkdir -p "$LEAF/private" "$LEAF/usr/bin" "$LEAF/var/lib/rpm" "$LEAF/var/local" \
		"$LEAF/etc/yum.repos.d" "$LEAF/var/cache/dnf"
}

# inside CMD...: convert the tree with CMD as the process and run it
inside() {
	rm -rf "$B"
	rp2oci_env RP_E2E_HOST="$H" "$RP2OCI" --redpath "$LEAF" --bundle "$B" -- "$@"
	run rr run -b "$B" rp1
	echo "$output"
}

check_common() {
	# hostname: the leaf's alias, in its own UTS namespace
	inside /bin/cat /proc/sys/kernel/hostname
	[ "$status" -eq 0 ] && [ "$output" = app ]

	# only what the configs put at /
	inside /bin/ls -1 /
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr '\n' ' ')" = "$1" ]

	# exactly the merged environment, nothing added
	inside /bin/env
	[ "$status" -eq 0 ]
	local envs
	envs=$(echo "$output" | LC_ALL=C sort | tr '\n' '|')
	echo "env: $envs"
	[ "$envs" = "$2" ]

	# read-only: the root and Restricted exports; writable: Public/Private
	inside /bin/sh -c 'for p in /x /bin/x /usr/share/x /etc/resolv.conf; do
		if (: >"$p") 2>/dev/null; then echo "rw $p"; else echo "ro $p"; fi; done
		for p in /nodes/app/var/probe /nodes/_private/probe /var/lib/rpm/probe /tmp/v /var/v /run/v; do
		if (echo data >"$p") 2>/dev/null; then echo "rw $p"; else echo "ro $p"; fi; done'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr '\n' ' ')" = "ro /x ro /bin/x ro /usr/share/x ro /etc/resolv.conf rw /nodes/app/var/probe rw /nodes/_private/probe rw /var/lib/rpm/probe rw /tmp/v rw /var/v rw /run/v " ]
	# persistent writes land in the node, volatile ones vanish with the run
	[ "$(cat "$LEAF/var/probe")" = data ]
	[ "$(cat "$LEAF/private/probe")" = data ]
	[ "$(cat "$LEAF/var/lib/rpm/probe")" = data ]
	[ ! -e "$B/rootfs/x" ] && [ ! -e "$B/rootfs/tmp/v" ] && [ ! -e "$B/rootfs/var/v" ]
	inside /bin/sh -c 'test -e /tmp/v || test -e /var/v || test -e /run/v || echo clean'
	[ "$output" = clean ]

	# cwd is chdir through the Symlink export /home/app -> /nodes/_private
	inside /bin/sh -c 'pwd; readlink /home/app; cat /etc/passwd | cut -d: -f1 | head -1'
	# (getcwd reports the resolved directory, as under bwrap)
	[ "$(echo "$output" | tr '\n' ' ')" = "/nodes/_private /nodes/_private root " ]
}

# ns_inside: "<type> same|new" for each namespace type, against the host
check_ns() {
	local t want=$1 got=""
	inside /bin/sh -c 'for t in cgroup ipc mnt net pid user uts; do echo "$t $(readlink /proc/self/ns/$t)"; done'
	[ "$status" -eq 0 ]
	while read -r t id; do
		if [ "$(readlink "/proc/self/ns/$t")" = "$id" ]; then got+="$t:same "; else got+="$t:new "; fi
	done <<<"$output"
	echo "got: $got"
	[ "$got" = "$want" ]
}

@test "run: templates, 2 levels (system + app)" {
	make_tree 2
	check_common "bin dev etc home lib lib64 nodes proc run tmp usr var " \
		"HOME=/home/app|LD_LIBRARY_PATH=/nodes/app/usr/lib:/nodes/app/usr/lib64:/lib64|LISTEN_PID=2|PATH=/nodes/app/usr/bin:/bin|PS1=Rednode(app)> |XDG_RUNTIME_DIR=/run/user/0|"
	check_ns "cgroup:new ipc:new mnt:new net:same pid:new user:new uts:new "
}

@test "run: templates, 3 levels (system + platform + app)" {
	make_tree 3
	check_common "bin dev etc home lib lib64 nodes platform proc run tmp usr var " \
		"HOME=/home/app|LD_LIBRARY_PATH=/nodes/app/usr/lib:/nodes/app/usr/lib64:/lib64|LISTEN_PID=2|PATH=/nodes/app/usr/bin:/platform/bin:/bin|PLATFORM=platform|PLATFORM_DIR=/platform|PS1=Rednode(app)> |XDG_RUNTIME_DIR=/run/user/0|"
	# the platform shares the cgroup namespace with the host
	check_ns "cgroup:same ipc:new mnt:new net:same pid:new user:new uts:new "
	# PrivateRestricted is inherited read-only, Private of an ancestor is not there
	inside /bin/sh -c 'cat /platform/etc/platform.conf; (: >/platform/etc/x) 2>/dev/null || echo ro;
		echo s >/platform/shared/s && echo rw; test -e /platform/private || echo no-private; ls /platform | tr "\n" " "'
	[ "$(echo "$output" | tr '\n' ' ')" = "platform conf ro rw no-private bin etc shared  " ]
	# the Lock export: the process holds the lock fd (redpak-annotations.bats
	# checks the lock itself from the host)
	[ "$(jq -r '.annotations["bzh.redpesk.redpak.lock-files"]' "$B/config.json")" = '["/platform/shared/.lock"]' ]
	inside /bin/ls -l /proc/self/fd
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c -- ' -> /platform/shared/.lock$')" -eq 1 ]
}

@test "run: admin mode of the 2-level tree adds the package manager's view" {
	make_tree 2
	rm -rf "$B"
	rp2oci_env RP_E2E_HOST="$H" "$RP2OCI" --admin --redpath "$LEAF" --bundle "$B" -- /bin/sh -c \
		'echo $AFMPKG_REDPAKID; test -d /sbin && echo sbin; (: >'"$LEAF"'/etc/redpak.yaml) 2>/dev/null || echo conf-ro; echo w >'"$LEAF"'/var/lib/rpm/admin && echo rpm-rw'
	run rr run -b "$B" rp1
	echo "$output"
	[ "$(echo "$output" | tr '\n' ' ')" = "app-uuid sbin conf-ro rpm-rw " ]
}

@test "run: new-session: the process leads its own session" {
	mkdir -p "$T/n/etc"
	printf 'realpath: /n\ntimestamp: 1\nstate: Enable\n' >"$T/n/.rednode.yaml"
	cat >"$T/n/etc/redpak.yaml" <<-'EOF'
	headers: {alias: n}
	config:
	  new-session: enabled
	exports:
	  - {mode: Restricted, mount: /bin, path: /usr/bin}
	  - {mode: Restricted, mount: /lib, path: /usr/lib}
	  - {mode: Restricted, mount: /lib64, path: /usr/lib64}
	  - {mode: Procfs, mount: /proc}
	EOF
	LEAF=$T/n
	inside /bin/sh -c 'read -r pid comm state ppid pgrp sid rest </proc/self/stat; echo "$pid $sid"'
	[ "$status" -eq 0 ]
	[ "$(jq -r '.annotations["bzh.redpesk.redpak.new-session"]' "$B/config.json")" = true ]
	[ "$output" = "1 1" ]
}

# A node's seccomp section reaches the kernel: the denied calls fail with the
# configured errno inside the container, everything else works.
@test "run: seccomp section: denied syscalls fail with errnoRet inside the node" {
	requires busybox
	mkdir -p "$T/n/etc" "$T/root/bin"
	cp "$(command -v busybox)" "$T/root/bin/busybox"
	for a in sh mkdir touch ls; do ln -s busybox "$T/root/bin/$a"; done
	printf 'realpath: /n\ntimestamp: 1\nstate: Enable\n' >"$T/n/.rednode.yaml"
	# errno 28 (ENOSPC) cannot come from anything but the filter on a tmpfs
	cat >"$T/n/etc/redpak.yaml" <<-'EOF'
	headers: {alias: n}
	exports:
	  - {mode: Tmpfs, mount: /tmp}
	  - {mode: Procfs, mount: /proc}
	seccomp:
	  defaultAction: Allow
	  syscalls:
	    - names: [mkdir, mkdirat]
	      action: Errno
	      errnoRet: 28
	EOF
	rm -rf "$B"
	rp2oci_env "$RP2OCI" --redpath "$T/n" --bundle "$B" --rootfs "$T/root" -- \
		/bin/sh -c 'touch /tmp/f && echo touched; mkdir /tmp/d 2>&1; echo "rc=$?"; ls /tmp; grep ^Seccomp: /proc/self/status'
	[ "$(jq -c .linux.seccomp.syscalls "$B/config.json")" = '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":28}]' ]
	run rr run -b "$B" rp1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "touched
mkdir: can't create directory '/tmp/d': No space left on device
rc=1
f
Seccomp:	2" ]
}
