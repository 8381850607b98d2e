#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run-fuzz-redpak.sh FUZZER SECONDS: bounded libFuzzer run seeded with the
# rp2oci templates, golden node configs and tests/fuzz/redpak-corpus; crashes
# are kept in ./fuzz-artifacts (FUZZER fuzz-artifacts/crash-... reproduces).
set -euo pipefail
fuzzer=$1
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
i=0
for f in "$here"/redpak-corpus/* "$here"/../../contrib/redpak/templates/*.yaml \
	$(find "$here"/../rp2oci/golden -name '*.yaml'); do
	[ -f "$f" ] || continue
	i=$((i + 1))
	cp "$f" "$corpus/seed-$i"
done
mkdir -p fuzz-artifacts
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	-artifact_prefix=fuzz-artifacts/ -print_final_stats=1 "$corpus"
