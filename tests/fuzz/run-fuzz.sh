#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run-fuzz.sh FUZZER SECONDS: a bounded libFuzzer run seeded from the test
# corpus; new inputs go to a scratch directory, crashes are kept in
# ./fuzz-artifacts for reproduction (FUZZER fuzz-artifacts/crash-...).
set -euo pipefail
fuzzer=$1
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
for f in "$here"/../data/configs/*/*.json; do
	cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"
done
mkdir -p fuzz-artifacts
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-dict="$here/oci.dict" -artifact_prefix=fuzz-artifacts/ -print_final_stats=1 "$corpus"
