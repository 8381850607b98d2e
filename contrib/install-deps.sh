#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install what redrun needs to build and test on Debian 12 (run as root).
#   contrib/install-deps.sh          build dependencies + test tools
#   contrib/install-deps.sh --all    also the reference runtimes, engines and the VM harness
set -eu
export DEBIAN_FRONTEND=noninteractive
apt_install() {
	apt-get install -y --no-install-recommends "$@" >/dev/null
}
stamp=/var/lib/apt/periodic/redrun-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +360 2>/dev/null)" ]; then
	apt-get update >/dev/null
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
apt_install build-essential autoconf automake libtool pkg-config git \
	libyajl-dev libseccomp-dev libyaml-dev libcap2-bin \
	bats bats-support bats-assert jq busybox-static python3 clang-format \
	iproute2 util-linux procps
if [ "${1:-}" = "--all" ]; then
	apt_install clang libclang-rt-14-dev runc hyperfine qemu-system-x86 xz-utils cpio
	# engines come with their recommends (conmon, netavark, catatonit...)
	apt-get install -y runc podman containerd >/dev/null
fi
