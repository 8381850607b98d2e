#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# vmrun.sh [options] SCRIPT [ARGS...]: run SCRIPT as root in a throwaway QEMU
# (TCG) VM booting Debian's stock kernel with a pure cgroup v2 hierarchy (every
# controller), inside the host's root filesystem.
#
# The host's / is mounted read-only over virtio-9p and SCRIPT runs chrooted in
# it, so host binaries, libraries, bats and the source tree are there without
# copying; /tmp /run /var/tmp /root are fresh tmpfs in the VM.
#
#   -S HOST:GUEST  share HOST read-write at GUEST (e.g. the build tree); repeatable
#   -M MOD         also load kernel module MOD (dependencies resolved); repeatable
#   -t SECS        timeout for the whole VM (default 600) -> exit 124
#   -m MB          guest memory (default 1024)      -c N   guest CPUs (default 2)
#   -k KDIR        kernel directory (default: tests/vm/vm-kernel.sh)
#   -l FILE        keep the kernel console log there (else shown on failure)
#
# SCRIPT's stdout+stderr stream to our stdout; our exit status is SCRIPT's,
# 124 on timeout, 125 when the VM died first (console tail printed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
timeout_s=600 mem=1024 cpus=2 kdir='' conslog=''
shares=() mods=()
while getopts "S:M:t:m:c:k:l:h" o; do
	case $o in
	S) shares+=("$OPTARG") ;;
	M) mods+=("$OPTARG") ;;
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	k) kdir=$OPTARG ;;
	l) conslog=$OPTARG ;;
	*) sed -n '3,/^set -e/p' "$0" | sed '$d'; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: vmrun.sh [options] SCRIPT [ARGS...]" >&2; exit 2; }
script=$(readlink -f "$1")
shift
[ -f "$script" ] || { echo "vmrun: no such script: $script" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "vmrun: needs qemu-system-x86" >&2; exit 2; }
BB=$(command -v busybox) || { echo "vmrun: needs busybox-static" >&2; exit 2; }
file -L "$BB" | grep -q 'statically linked' || { echo "vmrun: $BB is not static (busybox-static)" >&2; exit 2; }
[ -n "$kdir" ] || kdir=$("$here/vm-kernel.sh")

work=$(mktemp -d "${TMPDIR:-/tmp}/vmrun.XXXXXX")
qpid=
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || :
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- initramfs: busybox, modules, the two init stages ------------------------
root=$work/root
mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,newroot,lib/modules}
cp "$BB" "$root/bin/busybox"
for a in $("$BB" --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done

# virtio + 9p as modules in Debian's kernel; dependencies from each .ko's modinfo
declare -A seen=()
order=()
kofile() { find "$kdir/modules/kernel" \( -name "$1.ko" -o -name "${1//_/-}.ko" \) -print -quit; }
resolve() {
	local m=$1 f d
	[ -z "${seen[$m]:-}" ] || return 0
	seen[$m]=1
	f=$(kofile "$m")
	[ -n "$f" ] || return 0 # built in, or absent
	for d in $(strings -a "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do resolve "$d"; done
	cp "$f" "$root/lib/modules/"
	order+=("$(basename "$f")")
}
for m in virtio_pci virtio_rng overlay 9pnet_virtio 9p "${mods[@]}"; do resolve "$m"; done
printf '%s\n' "${order[@]}" >"$root/lib/modules/order"

qshare=(-fsdev "local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=fsroot,mount_tag=hostroot")
: >"$root/shares"
i=0
for s in "${shares[@]}"; do
	qshare+=(-fsdev "local,id=fs$i,path=$(readlink -f "${s%%:*}"),security_model=none,multidevs=remap"
		-device "virtio-9p-pci,fsdev=fs$i,mount_tag=share$i")
	echo "share$i ${s#*:}" >>"$root/shares"
	i=$((i + 1))
done
cp "$script" "$root/test.sh"
printf '%s\n' "$@" >"$root/test.args"

# Stage 1: pivot_root cannot leave the initramfs ("rootfs"), and runtimes
# pivot_root: copy onto a tmpfs and switch_root into it.
cat >"$root/init" <<'EOS'
#!/bin/busybox sh
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m || echo "vmrun: insmod $m failed"; done
mount -t tmpfs -o mode=0755 tmpfs /newroot
for e in /*; do case $e in /proc|/sys|/dev|/newroot) ;; *) cp -a "$e" /newroot/ ;; esac; done
mkdir -p /newroot/proc /newroot/sys /newroot/dev
umount /proc; umount /sys; mount --move /dev /newroot/dev
exec switch_root /newroot /init2
EOS
# Stage 2: kernel filesystems, pure cgroup v2, the host root, then SCRIPT.
cat >"$root/init2" <<'EOS'
#!/bin/busybox sh
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm; mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
hostname vm; ip link set lo up 2>/dev/null
out=/dev/ttyS1; stty -F $out raw -echo 2>/dev/null
h=/host; mkdir -p $h
o=trans=virtio,version=9p2000.L,msize=512000,access=any
mount -t 9p -o $o,cache=loose,ro hostroot $h || echo "vmrun: mount of the host root failed" >$out
for d in proc sys dev; do mount --rbind /$d $h/$d; done
for d in tmp run var/tmp root; do mount -t tmpfs -o mode=1777 tmpfs $h/$d; done
while read tag dir; do
	mkdir -p "$h$dir" 2>/dev/null
	mount -t 9p -o $o,cache=none "$tag" "$h$dir" || echo "vmrun: mount of $tag on $dir failed" >$out
done </shares
cp /test.sh $h/tmp/vmrun-test.sh
set --; while IFS= read -r a; do [ -z "$a" ] || set -- "$@" "$a"; done </test.args
cd /; chroot $h /tmp/vmrun-test.sh "$@" >$out 2>&1 </dev/null
rc=$?
sync; echo "@@VMRUN-EXIT=$rc@@" >/dev/ttyS0   # the status on the console keeps the output clean
poweroff -f
EOS
chmod +x "$root/init" "$root/init2" "$root/test.sh"
(cd "$root" && find . | "$BB" cpio -o -H newc 2>/dev/null) | gzip -1 >"$work/initrd.gz"

# --- boot ----------------------------------------------------------------------
: >"$work/out.log"
: >"$work/console.log"
kernel=$kdir/vmlinuz
[ ! -f "$kdir/vmlinux" ] || kernel=$kdir/vmlinux
append="console=ttyS0 panic=-1 oops=panic loglevel=4 mitigations=off cgroup_no_v1=all rdinit=/init"
timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu "${VMRUN_CPU:-max}" -m "$mem" \
	-smp "$cpus" -nodefaults -no-user-config -display none -no-reboot \
	-kernel "$kernel" -initrd "$work/initrd.gz" -append "$append" \
	-serial "file:$work/console.log" -serial "file:$work/out.log" \
	-device virtio-rng-pci "${qshare[@]}" </dev/null &
qpid=$!
tail -n +1 -s 0.2 -f --pid=$qpid "$work/out.log" 2>/dev/null || :
qrc=0
wait $qpid || qrc=$?
qpid=
[ -z "$conslog" ] || cp "$work/console.log" "$conslog"
rc=$(sed -n 's/.*@@VMRUN-EXIT=\([0-9]*\)@@.*/\1/p' "$work/console.log" | tail -1)
if [ -z "$rc" ]; then
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		echo "vmrun: timed out after ${timeout_s}s" >&2
		rc=124
	else
		echo "vmrun: the VM ended without an exit status (qemu: $qrc)" >&2
		rc=125
	fi
	[ -n "$conslog" ] || { echo "--- console tail ---" >&2; tail -n 30 "$work/console.log" >&2; }
fi
exit "$rc"
