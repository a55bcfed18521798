#!/bin/bash
# Build the test machines' initramfs (an uncompressed cpio: Bochs unpacks it
# faster than it decompresses anything).
# usage: mkinitramfs.sh KERNEL_BUILD_DIR MHV_STAGE OUT.cpio
#   MHV_STAGE holds mhv.ko, mhv-kunit.ko, selftests/ and tools/ to copy in.
set -euo pipefail

kbuild=$1 stage=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,lib64,mhv,suites}
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# The test kernel's own modules (nvdimm, dax, kvm), with modules.dep for modprobe.
make -s -C "$kbuild" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 modules_install >/dev/null
rm -f "$root"/lib/modules/*/build "$root"/lib/modules/*/source

# ndctl and daxctl with the shared libraries they load.
copy_with_libs() {
	local bin=$1 lib
	cp "$bin" "$root/usr/bin/"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
copy_with_libs /usr/bin/ndctl
copy_with_libs /usr/bin/daxctl

cp -r "$stage"/. "$root/mhv/"
cp "$here"/suites/*.sh "$here"/suites/*.inc "$root/suites/"
cp "$here/guest/init" "$root/init"
chmod +x "$root/init"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) > "$out"
