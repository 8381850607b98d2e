#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench.sh -- startup benchmark of redrun against runc, crun, bubblewrap and the
# floor program (tests/bench/floor.c), all in ONE hyperfine run per section with
# interleaved rounds, on the same bundle and in the same cgroup view. Prints
# means and ratios; asserts nothing about timings. Run as root (`make bench`).
#
# Environment:
#   REDRUN         redrun binary to measure (make bench sets it)
#   REDRUN_STATIC  a statically linked redrun to measure too (optional);
#                  BENCH_STATIC=1 builds one from BENCH_SRCDIR first
#   REDRUN_SDEPS   a redrun with its libraries static and libc dynamic
#                  (--enable-static-deps) to measure too (optional);
#                  BENCH_SDEPS=1 builds one from BENCH_SRCDIR first
#   ROUNDS RUNS    interleaved rounds x timed runs per round (default 10 x 10)
#   SECCOMP_CONFIG a config.json whose linux.seccomp is the profile of the seccomp
#                  section (default: podman's, recorded in the shared recipes)
#   BENCH_DIR      work directory (default: a fresh one under /var/tmp, removed)
#   CC             compiler for the floor program (default: cc)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRCDIR=${BENCH_SRCDIR:-$(cd "$here/../.." && pwd)}
ROUNDS=${ROUNDS:-10}
RUNS=${RUNS:-10}

say() { printf '%s\n' "$*"; }
die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

BENCH_TMP=${BENCH_TMP:-}

# ---------------------------------------------------------------- outer part
# Prepare everything on the host, then re-enter this script in the cgroup view
# where all runtimes work (crun refuses a hybrid host).
outer() {
	[ "$(id -u)" = 0 ] || die "needs root"
	local t
	for t in hyperfine busybox jq unshare; do
		command -v "$t" >/dev/null || die "needs $t (apt-get install $t)"
	done
	[ -n "${REDRUN:-}" ] || die "set REDRUN to the redrun binary (make bench does)"
	REDRUN=$(realpath "$REDRUN")

	if [ -z "${BENCH_DIR:-}" ]; then
		BENCH_DIR=$(mktemp -d /var/tmp/redrun-bench.XXXXXX)
		BENCH_TMP=1
		trap 'rm -rf "$BENCH_DIR"' EXIT
	fi
	local w=$BENCH_DIR
	mkdir -p "$w"
	chmod 0755 "$w"

	"${CC:-cc}" -O2 -Wall -Wextra -o "$w/floor" "$here/floor.c"

	if [ "${BENCH_STATIC:-0}" = 1 ] && [ -z "${REDRUN_STATIC:-}" ]; then
		say "building a static redrun in $w/static (BENCH_STATIC=1)..."
		mkdir -p "$w/static"
		(cd "$w/static" && "$SRCDIR/configure" -q --enable-static-binaries &&
			make -s -j"$(nproc)" redrun) >"$w/static.log" 2>&1 &&
			REDRUN_STATIC=$w/static/redrun ||
			say "static build failed, measuring without it: $(tail -n 1 "$w/static.log")"
	fi
	[ -z "${REDRUN_STATIC:-}" ] || REDRUN_STATIC=$(realpath "$REDRUN_STATIC")
	if [ "${BENCH_SDEPS:-0}" = 1 ] && [ -z "${REDRUN_SDEPS:-}" ]; then
		say "building a redrun with static libraries, dynamic libc in $w/sdeps (BENCH_SDEPS=1)..."
		mkdir -p "$w/sdeps"
		(cd "$w/sdeps" && "$SRCDIR/configure" -q --enable-static-deps &&
			make -s -j"$(nproc)" redrun) >"$w/sdeps.log" 2>&1 &&
			REDRUN_SDEPS=$w/sdeps/redrun ||
			say "static-deps build failed, measuring without it: $(tail -n 1 "$w/sdeps.log")"
	fi
	[ -z "${REDRUN_SDEPS:-}" ] || REDRUN_SDEPS=$(realpath "$REDRUN_SDEPS")

	make_rootfs "$w/rootfs"
	make_configs "$w"

	local fs
	fs=$(stat -fc %T /sys/fs/cgroup)
	export BENCH_INNER=1 BENCH_TMP BENCH_DIR REDRUN REDRUN_STATIC REDRUN_SDEPS ROUNDS RUNS
	if [ "$fs" = tmpfs ] && [ -d /sys/fs/cgroup/unified ]; then
		# hybrid host: a private mount namespace with cgroup2 on /sys/fs/cgroup
		# (crun refuses hybrid hosts). The host's mounts are untouched.
		say "cgroup view: pure v2 (private mount namespace over a hybrid host)"
		unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup &&
			exec bash "$0"' "$here/bench.sh"
	else
		say "cgroup view: host ($fs)"
		bash "$here/bench.sh"
	fi
}

make_rootfs() {
	local r=$1 a
	mkdir -p "$r"/{bin,etc,tmp,proc,sys,dev,root}
	cp "$(command -v busybox)" "$r/bin/busybox"
	for a in $(busybox --list); do
		[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\n' >"$r/etc/group"
}

# make_configs W: W/spec.json (the default spec: `redrun spec` when it exists,
# else the tests' runc-like template) and one bundle directory per case, all on
# the same absolute rootfs (runc refuses a symlinked one).
make_configs() {
	local w=$1 base=$w/spec.json
	mkdir -p "$w/specgen"
	if (cd "$w/specgen" && "$REDRUN" spec) >/dev/null 2>&1 && [ -s "$w/specgen/config.json" ]; then
		cp "$w/specgen/config.json" "$base"
		echo "redrun spec" >"$w/spec.source"
	else
		cp "$SRCDIR/tests/bats/bundle-config.json" "$base"
		echo "tests/bats/bundle-config.json (redrun spec not available)" >"$w/spec.source"
	fi
	local fix='.root.path=$r | .ociVersion="1.0.2" | .process.args=["/bin/true"] | .process.terminal=false'
	# Same config for every runtime: crun cannot apply device rules in the
	# pure-v2 view, and the view has no memory/pids/cpu controllers.
	local common='del(.linux.resources.devices) | del(.linux.resources.memory)
		| del(.linux.resources.pids) | del(.linux.resources.cpu)'
	mkdir -p "$w"/b-{default,common,seccomp,seccomp-cold}
	jq --arg r "$w/rootfs" "$fix" "$base" >"$w/b-default/config.json"
	jq --arg r "$w/rootfs" "$fix | $common" "$base" >"$w/b-common/config.json"

	local sc=${SECCOMP_CONFIG:-$SRCDIR/tests/data/configs/good/podman-4.3-run-d.json}
	if [ -r "$sc" ] && jq -e '.linux.seccomp.syscalls | length > 0' "$sc" >/dev/null 2>&1; then
		jq --slurpfile s "$sc" '.linux.seccomp = $s[0].linux.seccomp' \
			"$w/b-common/config.json" >"$w/b-seccomp/config.json"
		cp "$w/b-seccomp/config.json" "$w/b-seccomp-cold/config.json"
		echo "$sc" >"$w/seccomp.source"
	else
		rm -rf "$w/b-seccomp" "$w/b-seccomp-cold"
	fi
	# The "first start" case: before each timed run, reseed.sh adds one rule
	# with a new errno, so a runtime that caches compiled filters by content
	# never finds this profile in its cache.
	cat >"$w/reseed.sh" <<-'EOF'
		#!/bin/sh
		w=$(dirname "$0")
		n=$(($(cat "$w/reseed.n" 2>/dev/null || echo 0) + 1))
		echo "$n" >"$w/reseed.n"
		jq --argjson e $((1000 + n % 3000)) \
			'.linux.seccomp.syscalls += [{"names":["afs_syscall"],"action":"SCMP_ACT_ERRNO","errnoRet":$e}]' \
			"$w/b-seccomp/config.json" >"$w/b-seccomp-cold/config.json"
	EOF
	chmod +x "$w/reseed.sh"
}

# ---------------------------------------------------------------- inner part
W=${BENCH_DIR:-}
declare -a NAMES=() CMDS=() PREPS=()

add() { # add NAME PREPARE CMD
	NAMES+=("$1")
	PREPS+=("$2")
	CMDS+=("$3")
}

# hyperfine_rounds OUT.json: one hyperfine run, the commands interleaved round
# by round (the parameter is the outer loop), names repeated per round.
hyperfine_rounds() {
	local out=$1 r i
	local -a args=(-N --style basic --warmup 1 --runs "$RUNS" --parameter-list round "$(seq -s, 1 "$ROUNDS")")
	for ((r = 1; r <= ROUNDS; r++)); do
		for i in "${!CMDS[@]}"; do
			args+=(-n "${NAMES[$i]}" -p "${PREPS[$i]}")
		done
	done
	hyperfine "${args[@]}" --export-json "$out" "${CMDS[@]}" >"${out%.json}.log" 2>&1 ||
		die "hyperfine failed, see ${out%.json}.log"
	NAMES=() CMDS=() PREPS=()
}

# stats OUT.json: one line per name: name mean sd median min n cpu (ms; cpu =
# user+system of the runtime and the processes it waited for, mean of rounds)
stats() {
	jq -r '[.results[] | {c: .command, t: .times[], cpu: (.user + .system)}] | group_by(.c)[]
		| (map(.t) | sort) as $t | ($t | add / length) as $m
		| [.[0].c, $m * 1000,
		   (($t | map(. - $m | . * .) | add / length) | sqrt) * 1000,
		   $t[(length / 2 | floor)] * 1000, $t[0] * 1000, ($t | length),
		   (map(.cpu) | add / length) * 1000]
		| @tsv' "$1"
}

mean_of() { awk -F'\t' -v n="$2" '$1 == n { print $2 }' "$1"; }
cpu_of() { awk -F'\t' -v n="$2" '$1 == n { print $7 }' "$1"; }

cpu_ratio() { # cpu_ratio FILE A B: cpu(A)/cpu(B), or n/a
	local a b
	a=$(cpu_of "$1" "$2") b=$(cpu_of "$1" "$3")
	if [ -n "$a" ] && [ -n "$b" ]; then
		awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }'
	else
		printf 'n/a'
	fi
}
median_of() { awk -F'\t' -v n="$2" '$1 == n { print $4 }' "$1"; }

ratio() { # ratio FILE A B: mean(A)/mean(B) (median(A)/median(B)), or n/a
	local a b c d
	a=$(mean_of "$1" "$2") b=$(mean_of "$1" "$3")
	c=$(median_of "$1" "$2") d=$(median_of "$1" "$3")
	if [ -n "$a" ] && [ -n "$b" ]; then
		awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" 'BEGIN { printf "%.2f (%.2f)", a / b, c / d }'
	else
		printf 'n/a'
	fi
}

table() { # table STATS.tsv [REFERENCE-NAME]: rows by mean, plus mean/mean(REF)
	local ref=${2:-} refm=
	[ -z "$ref" ] || refm=$(mean_of "$1" "$ref")
	local hx= sx=
	[ -z "$refm" ] || hx=$(printf ' %8s |' "×$ref") sx=-----------\|
	printf '| %-28s | %9s | %7s | %9s | %8s | %5s | %7s |%s\n' case "mean ms" "± sd" median min n "cpu ms" "$hx"
	printf '|%s|%s|%s|%s|%s|%s|%s|%s\n' ------------------------------ ----------- --------- ----------- \
		---------- ------- --------- "$sx"
	sort -t$'\t' -k2,2g "$1" | while IFS=$'\t' read -r n m sd med mn cnt cpu; do
		local x=
		[ -z "$refm" ] || x=$(awk -v a="$m" -v b="$refm" 'BEGIN { printf " %8.2f |", a / b }')
		printf '| %-28s | %9.2f | %7.2f | %9.2f | %8.2f | %5d | %7.2f |%s\n' "$n" "$m" "$sd" "$med" "$mn" "$cnt" "$cpu" "$x"
	done
}

# works NAME CMD...: run once; on failure say why the case is left out
works() {
	local n=$1 out
	shift
	if out=$("$@" 2>&1 </dev/null); then
		return 0
	fi
	say "  $n: left out (trial run failed: $(printf '%s' "$out" | tail -n 1))"
	return 1
}

inner() {
	cd "$W"
	local have_seccomp=0
	[ -d b-seccomp ] && have_seccomp=1
	say "default spec from: $(cat spec.source)"
	[ $have_seccomp = 1 ] && say "seccomp profile from: $(cat seccomp.source) ($(jq '[.linux.seccomp.syscalls[].names | length] | add' b-seccomp/config.json) syscall names)"
	say "rounds x runs: $ROUNDS x $RUNS (+1 warmup per round), kernel $(uname -r), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
	say ""

	# Which runtimes work here, on the common bundle
	local -a rts=() rtbins=()
	local rt bin
	say "trial runs:"
	for rt in redrun redrun-sdeps redrun-static crun runc; do
		case $rt in
		redrun) bin=$REDRUN ;;
		redrun-sdeps) bin=${REDRUN_SDEPS:-} ;;
		redrun-static) bin=${REDRUN_STATIC:-} ;;
		*) bin=$(command -v "$rt" || true) ;;
		esac
		if [ -z "$bin" ]; then
			[ "${rt#redrun-}" != "$rt" ] || say "  $rt: left out (not installed)"
			continue
		fi
		mkdir -p "st-$rt"
		if works "$rt" "$bin" --root "$W/st-$rt" run -b "$W/b-common" "trial-$rt"; then
			rts+=("$rt")
			rtbins+=("$bin")
		fi
		"$bin" --root "$W/st-$rt" delete --force "trial-$rt" >/dev/null 2>&1 || true
	done
	local have_bwrap=0
	if command -v bwrap >/dev/null; then
		works bwrap bwrap --ro-bind "$W/rootfs" / --proc /proc --dev /dev --unshare-pid \
			--unshare-net --unshare-ipc --unshare-uts /bin/true && have_bwrap=1
	else
		say "  bwrap: left out (not installed)"
	fi
	local have_rrdef=0
	if [ "${rts[0]:-}" = redrun ]; then
		works "redrun (default spec)" "$REDRUN" --root "$W/st-redrun" run -b "$W/b-default" trial-def &&
			have_rrdef=1
		"$REDRUN" --root "$W/st-redrun" delete --force trial-def >/dev/null 2>&1 || true
	fi
	local all="floor"
	[ $have_bwrap = 0 ] || all+=" bwrap"
	[ ${#rts[@]} = 0 ] || all+=" ${rts[*]}"
	[ $have_rrdef = 0 ] || all+=" redrun-default-spec"
	say "  measured: $all"
	say ""

	# 1. run of /bin/true
	add floor true "$W/floor $W/rootfs"
	[ $have_bwrap = 0 ] || add bwrap true "bwrap --ro-bind $W/rootfs / --proc /proc --dev /dev --unshare-pid --unshare-net --unshare-ipc --unshare-uts /bin/true"
	local i
	for i in "${!rts[@]}"; do
		add "${rts[$i]}" true "${rtbins[$i]} --root $W/st-${rts[$i]} run -b $W/b-common r-{round}"
	done
	[ $have_rrdef = 0 ] || add "redrun (default spec)" true "$REDRUN --root $W/st-redrun run -b $W/b-default d-{round}"
	hyperfine_rounds run.json
	stats run.json >run.tsv
	say "## run of /bin/true (busybox rootfs, 5 namespaces, default mounts, masked paths, a cgroup)"
	table run.tsv floor
	say ""

	# 2. create + start + delete --force (the engines' path)
	for i in "${!rts[@]}"; do
		local b="${rtbins[$i]} --root $W/st-${rts[$i]}"
		add "${rts[$i]}" true "sh -c '$b create -b $W/b-common c-{round} && $b start c-{round} && $b delete --force c-{round}'"
	done
	if [ ${#CMDS[@]} -gt 0 ]; then
		hyperfine_rounds cycle.json
		stats cycle.json >cycle.tsv
		say "## create + start + delete --force (one sh -c each)"
		table cycle.tsv "$(grep -q '^crun	' cycle.tsv && echo crun)"
		say ""
	fi

	# 3. seccomp: podman's profile, cached (later starts) and uncached (first start)
	if [ $have_seccomp = 1 ] && [ ${#rts[@]} -gt 0 ]; then
		# redrun's compiled-filter cache is $W/st-redrun*/.seccomp-cache: the
		# "first start" runs add one entry each (at most 64 are kept)
		for i in "${!rts[@]}"; do
			rt=${rts[$i]}
			bin="${rtbins[$i]} --root $W/st-$rt run"
			works "$rt (seccomp)" ${rtbins[$i]} --root "$W/st-$rt" run -b "$W/b-seccomp" trial-sc || continue
			add "$rt" true "$bin -b $W/b-common s0-{round}"
			add "$rt +seccomp" true "$bin -b $W/b-seccomp s1-{round}"
			add "$rt +seccomp first" "$W/reseed.sh" "$bin -b $W/b-seccomp-cold s2-{round}"
		done
		if [ ${#CMDS[@]} -gt 0 ]; then
			hyperfine_rounds seccomp.json
			stats seccomp.json >seccomp.tsv
			say "## seccomp (podman's default profile): first start (new profile) vs later starts"
			table seccomp.tsv
			for rt in "${rts[@]}"; do
				grep -q "^$rt +seccomp	" seccomp.tsv || continue
				say "  $rt: later/none $(ratio seccomp.tsv "$rt +seccomp" "$rt")  first/none $(ratio seccomp.tsv "$rt +seccomp first" "$rt")"
			done
			say ""
		fi
	fi

	# 4. peak RSS (largest process of the run, getrusage via GNU time)
	if [ -x /usr/bin/time ] && [ ${#rts[@]} -gt 0 ]; then
		say "## peak RSS of a run (KiB; max RSS of the largest process, 20 runs)"
		printf '| %-14s | %9s | %9s |\n' runtime mean max
		printf '|%s|%s|%s|\n' ---------------- ----------- -----------
		for i in "${!rts[@]}"; do
			local k sum=0 max=0 v
			for k in $(seq 20); do
				v=$(/usr/bin/time -f %M "${rtbins[$i]}" --root "$W/st-${rts[$i]}" run -b "$W/b-common" "m-$k" 2>&1 >/dev/null | tail -n 1)
				sum=$((sum + v))
				[ "$v" -le "$max" ] || max=$v
			done
			printf '| %-14s | %9d | %9d |\n' "${rts[$i]}" $((sum / 20)) "$max"
		done
		say ""
	fi

	# 5. what stays resident while the container runs (create + start of `sleep`)
	if [ ${#rts[@]} -gt 0 ]; then
		jq '.process.args=["/bin/sleep","5"]' b-common/config.json >b-sleep.json
		mkdir -p b-sleep && mv b-sleep.json b-sleep/config.json
		say "## runtime processes resident while a started container runs"
		for i in "${!rts[@]}"; do
			bin=${rtbins[$i]}
			local st="$W/st-${rts[$i]}" n=0 p exe
			"$bin" --root "$st" create -b "$W/b-sleep" res >/dev/null 2>&1 </dev/null &&
				"$bin" --root "$st" start res >/dev/null 2>&1 || {
				say "  ${rts[$i]}: create/start failed"
				continue
			}
			for p in /proc/[0-9]*; do
				exe=$(readlink "$p/exe" 2>/dev/null) || continue
				[ "$exe" = "$(realpath "$bin")" ] && n=$((n + 1))
			done
			say "  ${rts[$i]}: $n process(es) running its binary"
			"$bin" --root "$st" delete --force res >/dev/null 2>&1 || true
		done
		say ""
	fi

	# 6. sizes
	say "## binaries"
	printf '| %-14s | %10s | %10s | %11s |\n' binary "size" "stripped" "shared libs"
	printf '|%s|%s|%s|%s|\n' ---------------- ------------ ------------ -------------
	local -a bins=("redrun:$REDRUN")
	[ -z "${REDRUN_SDEPS:-}" ] || bins+=("redrun-sdeps:$REDRUN_SDEPS")
	[ -z "${REDRUN_STATIC:-}" ] || bins+=("redrun-static:$REDRUN_STATIC")
	for rt in crun runc; do
		bin=$(command -v "$rt" || true)
		[ -z "$bin" ] || bins+=("$rt:$bin")
	done
	local e
	for e in "${bins[@]}"; do
		rt=${e%%:*} bin=${e#*:}
		strip -o "$W/stripped" "$bin" 2>/dev/null || cp "$bin" "$W/stripped"
		printf '| %-14s | %10d | %10d | %11d |\n' "$rt" "$(stat -c %s "$bin")" "$(stat -c %s "$W/stripped")" \
			"$(ldd "$bin" 2>/dev/null | grep -c '=>' || true)"
	done
	say ""

	say "## ratios: of means (of medians)"
	for rt in redrun redrun-sdeps redrun-static; do
		grep -q "^$rt	" run.tsv 2>/dev/null || continue
		say "  run:   $rt/floor $(ratio run.tsv "$rt" floor)  $rt/crun $(ratio run.tsv "$rt" crun)  $rt/runc $(ratio run.tsv "$rt" runc)"
		say "  cpu:   $rt/floor $(cpu_ratio run.tsv "$rt" floor)  $rt/crun $(cpu_ratio run.tsv "$rt" crun)  $rt/runc $(cpu_ratio run.tsv "$rt" runc)"
		[ ! -f cycle.tsv ] || say "  cycle: $rt/crun $(ratio cycle.tsv "$rt" crun)  $rt/runc $(ratio cycle.tsv "$rt" runc)"
	done
	grep -q "^redrun	" run.tsv || say "  redrun: not measured (its trial run failed, see above)"
	say "  crun/floor $(ratio run.tsv crun floor)  runc/floor $(ratio run.tsv runc floor)"
	if [ -n "${BENCH_TMP:-}" ]; then
		say "(work directory removed at exit; set BENCH_DIR=DIR to keep the hyperfine logs and JSON)"
	else
		say "hyperfine logs and JSON: $W/*.log $W/*.json"
	fi
}

if [ -n "${BENCH_INNER:-}" ]; then
	inner
else
	outer
fi
