# SPDX-License-Identifier: Apache-2.0
# Shared by the lifecycle tests (lifecycle, process, namespaces, hooks,
# terminal, leaks): one bundle $B and one container id $ID per test, and a
# teardown that fails on anything left behind.

lc_setup() {
	requires root busybox jq
	common_setup
	B=$BATS_TEST_TMPDIR/b
	ID=lc$BATS_TEST_NUMBER-$$
	make_bundle "$B" true
}

lc_teardown() {
	local id left=""
	for id in $("$REDRUN" --root "$RR_ROOT" list -q 2>/dev/null); do
		"$REDRUN" --root "$RR_ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	[ -z "$(state_left "$RR_ROOT")" ] || left="$left state:$(state_left "$RR_ROOT")"
	for id in "$ID" "${ID}b"; do
		[ ! -d "/sys/fs/cgroup/unified/$id" ] || {
			left="$left cgroup:$id"
			rmdir "/sys/fs/cgroup/unified/$id" 2>/dev/null || true
		}
	done
	if grep -qF " $BATS_TEST_TMPDIR" /proc/self/mountinfo; then
		left="$left mounts:$(grep -F " $BATS_TEST_TMPDIR" /proc/self/mountinfo | wc -l)"
	fi
	[ -z "$left" ] || {
		echo "leaked:$left"
		return 1
	}
}

# args ARG...: process.args of the bundle
args() {
	jq_config "$B" '.process.args = $a' --argjson a "$(jq -nc '$ARGS.positional' --args -- "$@")"
}

# state_field ID FIELD
state_field() {
	"$REDRUN" --root "$RR_ROOT" state "$1" | jq -r ".$2"
}

# create_fails JQ-FILTER MESSAGE: after that config edit, create exits 1 with
# exactly "redrun: MESSAGE" and leaves no state
create_fails() {
	jq_config "$B" "$1"
	run rr create -b "$B" "$ID"
	echo "$status $output"
	[ "$status" -eq 1 ]
	[ "$output" = "redrun: $2" ]
	[ -z "$(state_left "$RR_ROOT")" ]
}

# no_pidns: drop the pid namespace (a pid-namespace init ignores default-action signals)
no_pidns() {
	jq_config "$B" '.linux.namespaces |= map(select(.type != "pid"))'
}
