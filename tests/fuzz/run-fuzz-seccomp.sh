#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run-fuzz-seccomp.sh FUZZER SECONDS: bounded libFuzzer run of
# fuzz_seccomp_compact. Its inputs are recipes, not documents, so it starts
# from a few random ones; crashes are kept in ./fuzz-artifacts
# (FUZZER fuzz-artifacts/crash-... reproduces and prints the section).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export LSAN_OPTIONS="suppressions=$here/lsan-libseccomp.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fuzzer=$1
seconds=${2:-60}
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
for i in 1 2 3 4 5 6 7 8; do
	head -c $((i * 256)) /dev/urandom >"$corpus/seed-$i"
done
mkdir -p fuzz-artifacts
# libseccomp 2.5 loses a few blocks inside its rule database on some inputs:
# libFuzzer's per-input leak check would then rescan the heap after nearly
# every input (20 instead of 1,000+ inputs a second). The compaction's own
# allocations are leak-checked by tests/unit/test_seccomp_bpf under ASan.
"$fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=4096 -detect_leaks=0 \
	-artifact_prefix=fuzz-artifacts/ -print_final_stats=1 "$corpus"
