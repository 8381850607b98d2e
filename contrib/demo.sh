#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fresh Debian 12, as root: install dependencies, build, make a busybox bundle
# from the system's busybox-static and run it with redrun.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
contrib/install-deps.sh
./autogen.sh >/dev/null
mkdir -p build && cd build
[ -f Makefile ] || "$top/configure" >/dev/null
make -j"$(nproc)" >/dev/null
./redrun --version
