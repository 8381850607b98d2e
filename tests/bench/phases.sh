#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# phases.sh BUNDLE [N] -- where the time of `redrun run` goes, phase by phase.
#
# Runs `redrun run` N times (default 40) under strace with a seccomp-bpf filter
# that stops only on a few marker syscalls (so the untraced work runs at full
# speed), takes the time of each marker and prints the median duration of each
# phase between two markers. Markers follow redrun's own sequence (see
# docs/performance.md); a phase whose marker is missing prints "-".
# BUNDLE: e.g. b-common of a kept bench run (BENCH_DIR=DIR make bench).
# Runs in the same cgroup view as bench.sh. Environment: REDRUN; FLOOR=path
# of the floor program (the bench work dir has one) adds its phases too.
set -euo pipefail
[ $# -ge 1 ] || {
	echo "usage: phases.sh BUNDLE [N]" >&2
	exit 2
}
bundle=$(realpath "$1")
n=${2:-40}
[ -n "${REDRUN:-}" ] || {
	echo "phases: set REDRUN" >&2
	exit 1
}
REDRUN=$(realpath "$REDRUN")
command -v strace >/dev/null || {
	echo "phases: needs strace" >&2
	exit 1
}

if [ -z "${PHASES_INNER:-}" ] && [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] && [ -d /sys/fs/cgroup/unified ]; then
	export PHASES_INNER=1 REDRUN FLOOR
	exec unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup &&
		exec bash "$0" "$@"' "${BASH_SOURCE[0]}" "$@"
fi

w=$(mktemp -d /var/tmp/redrun-phases.XXXXXX)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/state"

for ((i = 0; i < n; i++)); do
	strace --seccomp-bpf -f -ttt -T -o "$w/t.$i" \
		-e trace=execve,openat,mkdirat,renameat2,clone3,recvmsg,sendmsg,pivot_root,umount2,exit_group \
		"$REDRUN" --root "$w/state" run -b "$bundle" "ph$i" >/dev/null
done

# One line per run: the 12 marker times (ms from execve), "-" when absent.
for ((i = 0; i < n; i++)); do
	awk '
	function ms(t) { return (t - t0) * 1000 }
	function dur(s,   d) { d = s; sub(/.*</, "", d); sub(/>.*/, "", d); return d + 0 }
	{ pid = $1; t = $2 + 0; call = substr($0, index($0, $3)) }
	NR == 1 { t0 = t; parent = pid; m[0] = 0; next }
	pid == parent && call ~ /^openat\(/ && call ~ /config\.json"/ && !(1 in m) { m[1] = ms(t) }
	# the state dir: a new one (mkdirat) or a spare renamed (renameat2)
	pid == parent && call ~ /^(mkdirat|renameat2)\(/ && (1 in m) && !(2 in m) { m[2] = ms(t) }
	pid == parent && call ~ /^openat\(AT_FDCWD, "\/sys\/fs\/cgroup/ && (2 in m) && !(3 in m) { m[3] = ms(t) }
	pid == parent && call ~ /^clone3\(/ && !(4 in m) { m[4] = ms(t) }
	pid != parent && call ~ /^openat\(/ && !(5 in m) { m[5] = ms(t) }
	pid != parent && call ~ /^pivot_root\(/ && !(6 in m) { m[6] = ms(t) }
	pid != parent && call ~ /^umount2\(/ && !(7 in m) { m[7] = ms(t) + dur($0) * 1000 }
	pid != parent && call ~ /^sendmsg\(/ && !(8 in m) { m[8] = ms(t) }
	pid != parent && call ~ /^execve\(/ && !(9 in m) { m[9] = ms(t) }
	pid != parent && call ~ /^exit_group\(/ && !(10 in m) { m[10] = ms(t) }
	pid == parent && call ~ /^exit_group\(/ { m[11] = ms(t) }
	END { for (k = 0; k <= 11; k++) printf "%s%s", (k in m ? m[k] : "-"), (k < 11 ? " " : "\n") }
	' "$w/t.$i"
done >"$w/marks"

names=("exec, dynamic linking, CLI" "parse + validate config, host probes" "state dir: claim, exec fifo"
	"cgroup: mkdir" "clone3 (5 ns, into the cgroup), go-ahead" "mounts: root bind, /proc /dev /sys ..., devices"
	"pivot_root + detach the old root" "masked + read-only paths, process prep" "start: identity, caps, nnp (parent: state files)"
	"/bin/true runs and exits" "wait, delete: cgroup rmdir, state dir")
printf '| %-48s | %9s |\n' "phase (median of $n runs under strace --seccomp-bpf)" "ms"
printf '|%s|%s|\n' -------------------------------------------------- -----------
total=0
for k in $(seq 1 11); do
	med=$(awk -v a=$((k - 1)) -v b=$k '$(a+1) != "-" && $(b+1) != "-" { print $(b+1) - $(a+1) }' "$w/marks" |
		sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", v[int((NR + 1) / 2)]; else printf "-" }')
	printf '| %-48s | %9s |\n' "${names[$((k - 1))]}" "$med"
done
tot=$(awk '$12 != "-" { print $12 }' "$w/marks" | sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f", v[int((NR + 1) / 2)] }')
printf '| %-48s | %9s |\n' "total (median, execve to exit)" "$tot"

[ -n "${FLOOR:-}" ] || exit 0
# The floor program: exec to clone, clone to the child's first mount, to
# pivot_root, pivot_root + detach, to exec, /bin/true, exit to the parent's exit.
rootfs=$(jq -r .root.path "$bundle/config.json")
case $rootfs in /*) ;; *) rootfs=$bundle/$rootfs ;; esac
for ((i = 0; i < n; i++)); do
	strace --seccomp-bpf -f -ttt -T -o "$w/f.$i" -e trace=execve,clone,mount,pivot_root,umount2,exit_group \
		"$FLOOR" "$rootfs"
	awk '
	function dur(s,   d) { d = s; sub(/.*</, "", d); sub(/>.*/, "", d); return d + 0 }
	{ pid = $1; t = $2 + 0; c = substr($0, index($0, $3)) }
	NR == 1 { t0 = t; p = pid; next }
	pid == p && c ~ /^clone\(/ && !a { a = t }
	pid != p && c ~ /^mount\(/ && !b { b = t }
	pid != p && c ~ /^pivot_root/ { pv = t }
	pid != p && c ~ /^umount2/ { u = t + dur($0) }
	pid != p && c ~ /^execve/ { e = t }
	pid != p && c ~ /^exit_group/ { x = t }
	pid == p && c ~ /^exit_group/ { y = t }
	END { printf "%.3f %.3f %.3f %.3f %.3f %.3f %.3f %.3f\n", (a - t0) * 1000, (b - a) * 1000, (pv - b) * 1000,
		(u - pv) * 1000, (e - u) * 1000, (x - e) * 1000, (y - x) * 1000, (y - t0) * 1000 }
	' "$w/f.$i"
done >"$w/fmarks"
fnames=("exec to clone" "clone (5 namespaces) to the child's first mount" "root bind" "pivot_root + detach the old root"
	"to exec" "/bin/true runs and exits" "exit to the parent's exit" "total (median, execve to exit)")
echo
printf '| %-48s | %9s |\n' "floor program phase (median of $n runs)" "ms"
printf '|%s|%s|\n' -------------------------------------------------- -----------
for k in $(seq 1 8); do
	med=$(awk -v k=$k '{ print $k }' "$w/fmarks" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }')
	printf '| %-48s | %9s |\n' "${fnames[$((k - 1))]}" "$med"
done
