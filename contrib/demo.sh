#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fresh Debian 12, as root: install dependencies, build, make a busybox bundle
# from the system's busybox-static and run it with redrun, then show the
# lifecycle commands on a detached container.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
contrib/install-deps.sh
./autogen.sh >/dev/null
mkdir -p build && cd build
[ -f Makefile ] || "$top/configure" >/dev/null
make -j"$(nproc)" >/dev/null
redrun=$PWD/redrun
"$redrun" --version | head -1

demo=$(mktemp -d /tmp/redrun-demo.XXXXXX)
root=$demo/state
trap '"$redrun" --root "$root" delete --force demo-detached >/dev/null 2>&1 || true; rm -rf "$demo"' EXIT
mkdir -p "$demo/bundle/rootfs/bin"
cp "$(command -v busybox)" "$demo/bundle/rootfs/bin/busybox"
for a in $(busybox --list); do
	[ -e "$demo/bundle/rootfs/bin/$a" ] || ln -s busybox "$demo/bundle/rootfs/bin/$a"
done
"$redrun" spec --bundle "$demo/bundle"
jq '.process.terminal = false
    | .process.args = ["sh", "-c", "echo hello from $(hostname): pid $$, uid $(id -u); ls /"]' \
	"$demo/bundle/config.json" >"$demo/config.json" && mv "$demo/config.json" "$demo/bundle/config.json"

echo "== redrun run (foreground)"
"$redrun" --root "$root" run --bundle "$demo/bundle" demo-run

echo "== redrun create / start / state / kill / delete"
jq '.process.args = ["sleep", "30"]' "$demo/bundle/config.json" >"$demo/config.json"
mv "$demo/config.json" "$demo/bundle/config.json"
"$redrun" --root "$root" create --bundle "$demo/bundle" demo-detached </dev/null >/dev/null 2>&1
"$redrun" --root "$root" start demo-detached
"$redrun" --root "$root" state demo-detached
"$redrun" --root "$root" list
"$redrun" --root "$root" kill demo-detached KILL
sleep 0.2
"$redrun" --root "$root" delete demo-detached
echo "== done"
