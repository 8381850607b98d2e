#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# vm-kernel.sh [CACHE_DIR]: fetch Debian's stock amd64 kernel once (it has cgroup
# v2 with every controller), unpack it into CACHE_DIR (default
# ${VMRUN_CACHE:-/var/tmp/redrun-vm}) and print the kernel directory:
#   vmlinuz, vmlinux (uncompressed, for QEMU's PVH entry), config, modules/, version
# Needs apt lists (apt-get update) and dpkg-deb; uses only the Debian mirror.
set -euo pipefail
cache=${1:-${VMRUN_CACHE:-/var/tmp/redrun-vm}}
mkdir -p "$cache"
# The metapackage names the current ABI (linux-image-6.1.0-NN-amd64): a security
# update that bumps the ABI does not break us.
pkg=${VMRUN_KERNEL_PKG:-$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ { print $2; exit }')}
if [ -z "$pkg" ]; then
	echo "vm-kernel: cannot resolve the kernel package (run apt-get update)" >&2
	exit 1
fi
kdir=$cache/$pkg
if [ -f "$kdir/vmlinuz" ]; then
	echo "$kdir"
	exit 0
fi
tmp=$(mktemp -d "$cache/.dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1); then
	echo "vm-kernel: apt-get download $pkg failed" >&2
	exit 1
fi
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
ver=$(ls "$tmp/x/lib/modules")
mkdir -p "$tmp/k"
cp "$tmp/x/boot/vmlinuz-$ver" "$tmp/k/vmlinuz"
cp "$tmp/x/boot/config-$ver" "$tmp/k/config"
mv "$tmp/x/lib/modules/$ver" "$tmp/k/modules"
echo "$ver" >"$tmp/k/version"
# Under TCG the kernel's self-decompression costs ~2.5 s per boot: keep the
# xz payload decompressed as an ELF vmlinux that QEMU enters through PVH.
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$tmp/k/vmlinuz" | head -1 | cut -d: -f1)
if [ -n "$off" ]; then
	{ tail -c +$((off + 1)) "$tmp/k/vmlinuz" || :; } |
		xz -dc --single-stream >"$tmp/k/vmlinux" 2>/dev/null || :
	[ "$(head -c4 "$tmp/k/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] || rm -f "$tmp/k/vmlinux"
fi
rm -rf "$kdir"
mv "$tmp/k" "$kdir"
echo "$kdir"
