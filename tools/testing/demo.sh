#!/bin/bash
# make demo: set up the emulated VT-x machine (Bochs), load mhv in it, show
# what it sees and boot the demo guest on pmem three times (suites/demo.sh).
# Needs nothing installed by hand: missing packages come from apt.
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
out=$(sed -n '/^@@MHV-BEGIN demo/,/^@@MHV-END demo/p' "$log" | tr -d '\r')
grep -v '^@@' <<<"$out"
# The demo guest's boot counter must read 1, 2, 3 across runs and a module reload.
boots=$(grep -o '^boot #[0-9]*' <<<"$out" | paste -sd' ')
if [ "$boots" != "boot #1 boot #2 boot #3" ]; then
	echo "demo FAILED: expected 'boot #1 boot #2 boot #3', got '${boots:-nothing}'; console: $log"
	exit 1
fi
grep -q '^@@MHV-END demo rc=0' <<<"$out" || { echo "demo FAILED: the demo suite failed; console: $log"; exit 1; }
echo "demo: boot counter 1, 2, 3 in pmem across runs and a module reload"
