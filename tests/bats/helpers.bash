# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the integration tests. Each test gets its own state root
# and bundle under $BATS_TEST_TMPDIR, and teardown checks nothing leaked.

REDRUN=${REDRUN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/redrun}
RP2OCI=${RP2OCI:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/rp2oci}
TESTS_SRCDIR=${TESTS_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# requires WHAT...: skip the test with a reason when a capability is absent.
requires() {
	local w
	for w in "$@"; do
		case $w in
		root) [ "$(id -u)" = 0 ] || skip "needs root" ;;
		busybox) command -v busybox >/dev/null || skip "needs busybox-static" ;;
		jq) command -v jq >/dev/null || skip "needs jq" ;;
		runc) command -v runc >/dev/null || skip "needs runc" ;;
		*) skip "unknown requirement $w" ;;
		esac
	done
}

# redrun with the test's private state root
rr() {
	"$REDRUN" --root "$RR_ROOT" "$@"
}

common_setup() {
	RR_ROOT=$BATS_TEST_TMPDIR/state
	mkdir -p "$RR_ROOT"
}
