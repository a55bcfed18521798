#!/bin/bash
# The Linux guest's initramfs: busybox, the test init, mhv-guest, and the
# guest kernel's modules (nvdimm, pmem, ext4) for modprobe.
# usage: mkinitramfs.sh GUEST_KERNEL_BUILD_DIR MHV_GUEST_BINARY OUT.cpio
set -euo pipefail

kbuild=$1 helper=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,mnt}
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
make -s -C "$kbuild" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 modules_install >/dev/null
# The guest needs no hypervisor of its own.
rm -rf "$root"/lib/modules/*/build "$root"/lib/modules/*/source "$root"/lib/modules/*/kernel/arch/x86/kvm
cp "$helper" "$root/bin/mhv-guest"
cp "$here/init" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) > "$out"
