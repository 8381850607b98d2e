#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# One command, fresh Debian 12 machine, as root: install everything, build with
# -Werror, run the whole test suite, then the sanitizer build of the unit tests.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
contrib/install-deps.sh --all
./autogen.sh >/dev/null
build=${BUILD_DIR:-$top/build}
rm -rf "$build" "$build-asan" "$build-fuzz"
mkdir -p "$build" "$build-asan" "$build-fuzz"

echo "== build (-Werror), generated sources up to date, make check"
(cd "$build" && "$top/configure" --enable-werror >/dev/null && make -j"$(nproc)" >/dev/null &&
	make check-regen && make check-format && make check -j1 VERBOSE=1) || { cat "$build"/tests/*/*.log 2>/dev/null | tail -200; exit 1; }

# podman and containerd driving a runtime end to end (tests/engines): runc first,
# which proves the suite itself on this machine, then the built redrun
echo "== engine suite (podman, containerd) with runc"
(cd "$build" && make check-engines RUNTIME=runc)
echo "== engine suite (podman, containerd) with redrun"
(cd "$build" && make check-engines)

# this host's cgroups are hybrid: limits are proven in a VM booting Debian's
# kernel with a pure cgroup v2 hierarchy and every controller (tests/vm)
echo "== cgroup v2 suite in a QEMU VM"
(cd "$build" && make check-cgroup-vm && make check-rp2oci-vm)

echo "== ASan/UBSan build, unit tests"
(cd "$build-asan" && "$top/configure" --enable-werror --enable-sanitizers >/dev/null &&
	make -j"$(nproc)" >/dev/null && make check TESTS='$(UNIT_TESTS)' VERBOSE=1)

echo "== make distcheck: the tarball builds out of tree and passes the unit tests"
(cd "$build" && make distcheck TESTS='$(UNIT_TESTS)' >distcheck.log 2>&1) || { tail -50 "$build/distcheck.log"; exit 1; }

echo "== libFuzzer: OCI parser and generator, 60 s under ASan/UBSan"
(cd "$build-fuzz" && CC=clang "$top/configure" --enable-fuzzing --enable-sanitizers >/dev/null &&
	make -j"$(nproc)" tests/fuzz/fuzz_config >/dev/null && make fuzz FUZZ_SECONDS=60)

echo "== libFuzzer: rp2oci YAML loader and \$VAR expander, 30 s each under ASan/UBSan"
(cd "$build-fuzz" && make -j"$(nproc)" tests/fuzz/fuzz_redpak_yaml tests/fuzz/fuzz_redpak_expand >/dev/null &&
	make fuzz-redpak FUZZ_SECONDS=30)

echo "== libFuzzer: seccomp range compaction against libseccomp's programs, 45 s under ASan/UBSan"
(cd "$build-fuzz" && make -j"$(nproc)" tests/fuzz/fuzz_seccomp_compact >/dev/null &&
	make fuzz-seccomp FUZZ_SECONDS=45)

echo "== libFuzzer: JSON writer round trip and state.json reader, 30 s under ASan/UBSan"
(cd "$build-fuzz" && make -j"$(nproc)" tests/fuzz/fuzz_json >/dev/null &&
	make fuzz-json FUZZ_SECONDS=30)

echo "== all checks passed"
