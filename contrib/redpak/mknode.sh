#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mknode.sh --alias A --config FILE [--admin FILE] [--name N] [--state S] DIR
# Lay down a red-pak node the way `redconf create` does: DIR/.rednode.yaml,
# DIR/etc/redpak.yaml (FILE with its headers replaced: alias A, name N) and,
# with --admin, DIR/etc/redpak-admin.yaml (alias admin-of-A).
set -eu
alias= conf= adm= name= state=Enable
while [ $# -gt 1 ]; do
	case $1 in
	--alias) alias=$2 ;;
	--config) conf=$2 ;;
	--admin) adm=$2 ;;
	--name) name=$2 ;;
	--state) state=$2 ;;
	*) echo "mknode.sh: unknown option $1" >&2; exit 1 ;;
	esac
	shift 2
done
[ $# -eq 1 ] && [ -n "$alias" ] && [ -n "$conf" ] || {
	echo "usage: mknode.sh --alias A --config FILE [--admin FILE] [--name N] [--state S] DIR" >&2
	exit 1
}
dir=$1
[ -n "$name" ] || name=$(cat /proc/sys/kernel/random/uuid)

# FILE without its top-level `headers:` block
body() {
	awk '/^[^ #-]/ { skip = ($0 ~ /^[Hh][Ee][Aa][Dd][Ee][Rr][Ss]:/) } !skip' "$1"
}

mkdir -p "$dir/etc"
{
	printf 'headers:\n  alias: %s\n  name: %s\n  info: node %s\n' "$alias" "$name" "$alias"
	body "$conf"
} >"$dir/etc/redpak.yaml"
if [ -n "$adm" ]; then
	{
		printf 'headers:\n  alias: admin-of-%s\n  name: %s\n  info: admin of node %s\n' "$alias" "$name" "$alias"
		body "$adm"
	} >"$dir/etc/redpak-admin.yaml"
fi
printf 'realpath: %s\ntimestamp: %s000\nstate: %s\ninfo: created by mknode.sh\n' \
	"$dir" "$(date +%s)" "$state" >"$dir/.rednode.yaml"
