#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make-oci-image.sh OUT.tar [NAME]
# Writes a one-layer busybox image as an OCI image archive (oci-archive: an image
# layout in a tar), using only busybox-static, tar, sha256sum and jq. No registry is
# reachable on the test machines; `podman load -i` and `ctr images import` both take
# this archive, so both engines run the very same image.
set -euo pipefail
[ $# -ge 1 ] || {
	echo "usage: make-oci-image.sh OUT.tar [NAME]" >&2
	exit 2
}
out=$1
name=${2:-localhost/busybox:latest}
bb=$(command -v busybox) || {
	echo "make-oci-image.sh: busybox not found (apt-get install busybox-static)" >&2
	exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
layout=$work/layout
mkdir -p "$root"/{bin,etc,root,tmp,proc,sys,dev} "$layout/blobs/sha256"
chmod 1777 "$root/tmp"
cp "$bb" "$root/bin/busybox"
for applet in $("$bb" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/:/bin/false' >"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"

# add_blob FILE: move FILE into the layout under its digest, print the digest
add_blob() {
	local d
	d=$(sha256sum "$1")
	d=${d%% *}
	mv "$1" "$layout/blobs/sha256/$d"
	echo "$d"
}
blob_size() { stat -c %s "$layout/blobs/sha256/$1"; }

# reproducible layer: fixed order, owners and times
tar -C "$root" --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$work/layer" .
layer=$(add_blob "$work/layer")

jq -n --arg diff "sha256:$layer" '{
	architecture: "amd64", os: "linux",
	config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
	         Cmd: ["/bin/sh"]},
	rootfs: {type: "layers", diff_ids: [$diff]}}' >"$work/config"
config=$(add_blob "$work/config")

jq -n --arg c "sha256:$config" --argjson cs "$(blob_size "$config")" \
	--arg l "sha256:$layer" --argjson ls "$(blob_size "$layer")" '{
	schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
	layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' \
	>"$work/manifest"
manifest=$(add_blob "$work/manifest")

# containerd reads the image name from io.containerd.image.name, podman from
# org.opencontainers.image.ref.name
jq -n --arg m "sha256:$manifest" --argjson ms "$(blob_size "$manifest")" --arg n "$name" '{
	schemaVersion: 2,
	manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
	             platform: {architecture: "amd64", os: "linux"},
	             annotations: {"io.containerd.image.name": $n,
	                           "org.opencontainers.image.ref.name": $n}}]}' >"$layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
tar -C "$layout" -cf "$work/image.tar" oci-layout index.json blobs
mv "$work/image.tar" "$out"
