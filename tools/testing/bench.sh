#!/bin/bash
# make bench: mhv against Linux KVM, side by side in one boot of the emulated
# VT-x machine (Bochs), the same guest code on each (tools/bench). Installs
# what is missing, builds the test kernel (cached), mhv.ko, the tools and an
# initramfs, runs suite bench, prints the table and writes it to
# $MHV_BUILD/bench/ as bench.txt, bench.json and bench.svg.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tools/testing
build=${MHV_BUILD:-$repo/build}
out=$build/bench
. "$here/build-lib.sh"

mkdir -p "$build/logs" "$build/bench-stage" "$out"
echo "== installing what is missing"
"$here/install-deps.sh"
# The test kernel by default. Its KASAN, lockdep and kmemleak multiply the
# instructions of every kernel path (KVM's CPUID exit ~9x) and not equally
# for KVM and mhv: MHV_BENCH_KERNEL=lean builds (and caches) it without them.
fragment=$here/kernel.config
if [ "${MHV_BENCH_KERNEL:-test}" = lean ]; then
	fragment=$build/bench-kernel.config
	grep -v -E '^CONFIG_(SLUB_DEBUG|KASAN[A-Z_]*|PROVE_LOCKING|DEBUG_ATOMIC_SLEEP|DEBUG_KMEMLEAK[A-Z_]*)=' \
		"$here/kernel.config" > "$fragment"
fi
echo "== building the kernel ($(basename "$fragment"); cached after the first time)"
kbuild=$(MHV_KERNEL_FRAGMENT=$fragment "$here/build-kernel.sh" 2>"$build/logs/kernel-bench.log") ||
	{ tail -n 30 "$build/logs/kernel-bench.log"; exit 1; }
echo "== building mhv.ko, the tools and the selftests"
mhv_build_module "$build/mod-bench" "$kbuild" "$build/logs/mod-bench.log" ||
	{ cat "$build/logs/mod-bench.log"; exit 1; }
cp "$build/mod-bench/mhv.ko" "$build/bench-stage/"
mhv_build_user "$kbuild/source/tools/testing/selftests" "$build/bench-stage"
"$here/mkinitramfs.sh" "$kbuild" "$build/bench-stage" "$build/bench-initramfs.cpio"
echo "== booting the emulated VT-x machine: KVM, then mhv (Bochs, a few minutes)"
log=$build/logs/bench.log
# No kmemleak scan at the end: it measures nothing and takes minutes.
MHV_EXTRA_CMDLINE="mhv.nokmemleak ${MHV_EXTRA_CMDLINE:-}" \
	"$here/run-bochs.sh" "$kbuild/arch/x86/boot/bzImage" "$build/bench-initramfs.cpio" bench "$log" 2400 ||
	{ echo "the emulated machine did not finish; console: $log"; exit 1; }
grep -a '^# \|^not ok' "$log" | sed 's/^/   /' || true
echo
rc=0
awk -v outdir="$out" -f "$repo/tools/bench/report.awk" "$log" || rc=1
echo
echo "table, JSON and chart: $out/bench.txt bench.json bench.svg; console: $log"
grep -q '^@@MHV-END bench rc=0' "$log" || { echo "suite bench failed"; rc=1; }
exit $rc
