#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs inside vmrun.sh's VM (host root, pure cgroup v2): the cgroup suite
# against the freshly built redrun. Args: BUILDDIR SRCDIR [BATS FILES...]
set -o pipefail
builddir=$1 srcdir=$2
shift 2
export REDRUN=$builddir/redrun TESTS_SRCDIR=$srcdir/tests TESTS_BUILDDIR=$builddir/tests
[ $# -gt 0 ] || set -- "$srcdir/tests/vm/cgroup.bats"
echo "# kernel $(uname -r), cgroup v2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
cd /tmp && bats --tap --timing "$@"
