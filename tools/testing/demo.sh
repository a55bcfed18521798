#!/bin/bash
# make demo: set up the emulated VT-x machine (Bochs), load mhv in it and show
# what it sees. Needs nothing installed by hand: missing packages come from apt.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tools/testing
build=${MHV_BUILD:-$repo/build}
. "$here/build-lib.sh"

mkdir -p "$build/logs" "$build/demo-stage"
echo "== installing what is missing"
"$here/install-deps.sh"
echo "== building the test kernel (cached after the first time)"
kbuild=$("$here/build-kernel.sh" 2>"$build/logs/kernel.log") || { tail -n 30 "$build/logs/kernel.log"; exit 1; }
echo "== building mhv.ko, mhvctl and the selftests"
mhv_build_module "$build/mod-test" "$kbuild" "$build/logs/mod-test.log" || { cat "$build/logs/mod-test.log"; exit 1; }
cp "$build/mod-test/mhv.ko" "$build/demo-stage/"
mhv_build_user "$kbuild/source/tools/testing/selftests" "$build/demo-stage"
"$here/mkinitramfs.sh" "$kbuild" "$build/demo-stage" "$build/demo-initramfs.cpio"
echo "== booting the emulated VT-x machine (Bochs, about a minute)"
log=$build/logs/demo.log
"$here/run-bochs.sh" "$kbuild/arch/x86/boot/bzImage" "$build/demo-initramfs.cpio" demo "$log" 900 ||
	{ echo "the emulated machine did not finish; console: $log"; exit 1; }
sed -n '/^@@MHV-BEGIN demo/,/^@@MHV-END demo/p' "$log" | grep -v '^@@'
grep -q '^@@MHV-END demo rc=0' "$log"
