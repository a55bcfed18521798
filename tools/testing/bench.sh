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
# The lean kernel by default, as a distribution ships it: the debug kernel's
# KASAN, lockdep and kmemleak multiply the instructions of every kernel path
# (KVM's CPUID exit ~9x) and not equally for KVM and mhv.
# MHV_BENCH_KERNEL=debug runs on make check's kernel instead.
flavour=${MHV_BENCH_KERNEL:-lean}
echo "== building the $flavour test kernel (cached after the first time)"
kbuild=$("$here/build-kernel.sh" "$flavour" 2>"$build/logs/kernel-$flavour.log") ||
	{ tail -n 30 "$build/logs/kernel-$flavour.log"; exit 1; }
echo "== building mhv.ko, the tools and the selftests"
mhv_build_module "$build/mod-$flavour" "$kbuild" "$build/logs/mod-$flavour.log" ||
	{ cat "$build/logs/mod-$flavour.log"; exit 1; }
cp "$build/mod-$flavour/mhv.ko" "$build/bench-stage/"
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
awk -v outdir="$out" -v kernel="$flavour" -f "$repo/tools/bench/report.awk" "$log" || rc=1
echo
echo "table, JSON and chart: $out/bench.txt bench.json bench.svg; console: $log"
grep -q '^@@MHV-END bench rc=0' "$log" || { echo "suite bench failed"; rc=1; }
exit $rc
