#!/bin/bash
# make demo: set up the emulated VT-x machine (Bochs), load mhv in it, show
# what it sees and boot the demo guest on pmem three times (suites/demo.sh).
# Needs nothing installed by hand: missing packages come from apt. It boots
# the lean test kernel (no sanitizers: user space in ~2 s of emulated time
# where the debug kernel of make check needs ~65 s), built on first use and
# cached like the other.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tools/testing
build=${MHV_BUILD:-$repo/build}
. "$here/build-lib.sh"

mkdir -p "$build/logs" "$build/demo-stage"
echo "== installing what is missing"
"$here/install-deps.sh"
echo "== building the lean test kernel (cached after the first time; ~7 min on 2 cores)"
kbuild=$("$here/build-kernel.sh" lean 2>"$build/logs/kernel-lean.log") ||
	{ tail -n 30 "$build/logs/kernel-lean.log"; exit 1; }
echo "== building mhv.ko, mhvctl and the selftests"
mhv_build_module "$build/mod-lean" "$kbuild" "$build/logs/mod-lean.log" ||
	{ cat "$build/logs/mod-lean.log"; exit 1; }
cp "$build/mod-lean/mhv.ko" "$build/demo-stage/"
mhv_build_user "$kbuild/source/tools/testing/selftests" "$build/demo-stage"
"$here/mkinitramfs.sh" "$kbuild" "$build/demo-stage" "$build/demo-initramfs.cpio"
echo "== booting the emulated VT-x machine (Bochs, ~30 s)"
log=$build/logs/demo.log
boot_start=$SECONDS
# run-bochs.sh says on stderr why when the machine did not finish.
"$here/run-bochs.sh" "$kbuild/arch/x86/boot/bzImage" "$build/demo-initramfs.cpio" demo "$log" 600 ||
	{ echo "demo FAILED"; exit 1; }
boot_seconds=$((SECONDS - boot_start))
out=$(sed -n '/^@@MHV-BEGIN demo/,/^@@MHV-END demo/p' "$log" | tr -d '\r')
grep -v '^@@' <<<"$out"
# The demo guest's boot counter must read 1, 2, 3 across runs and a module reload.
boots=$(grep -o '^boot #[0-9]*' <<<"$out" | paste -sd' ')
if [ "$boots" != "boot #1 boot #2 boot #3" ]; then
	echo "demo FAILED: expected 'boot #1 boot #2 boot #3', got '${boots:-nothing}'; console: $log"
	exit 1
fi
grep -q '^@@MHV-END demo rc=0' <<<"$out" || { echo "demo FAILED: the demo suite failed; console: $log"; exit 1; }
echo "demo: boot counter 1, 2, 3 in pmem across runs and a module reload" \
	"(emulated machine ${boot_seconds}s, whole demo ${SECONDS}s)"
