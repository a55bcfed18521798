#!/bin/bash
# Boot the test kernel in Bochs with an emulated VT-x CPU and run suites.
# usage: run-bochs.sh BZIMAGE INITRAMFS SUITES LOG [TIMEOUT_S]
# Exit status 0 when the guest ran to the end; the results are in LOG.
#
# Facts this relies on (../shared/notes/emulated-vtx.md): corei7_haswell_4770
# has EPT, VPID and unrestricted guest and, unlike the icelake/tigerlake
# models, no FSRM, which with Bochs's missing MISC_ENABLE MSR corrupts Linux
# early in boot. The TSC runs at ips, so guest cycle counts are instruction
# counts. memmap= makes a legacy persistent-memory range for ndctl.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/machine-lib.sh"

kernel=$1 initrd=$2 suites=$3 log=$4 timeout=${5:-600}
cpus=${MHV_BOCHS_CPUS:-1}
ram=${MHV_BOCHS_MEGS:-320}
pmem_megs=${MHV_BOCHS_PMEM_MEGS:-1088}
megs=$((ram + pmem_megs))
# A legacy persistent-memory range for ndctl (big enough for a 1 GiB region
# next to the region table and fsdax's page array), with 128 MiB of RAM above
# it for the initramfs (~50 MiB) that isolinux puts at the top.
pmem="memmap=${pmem_megs}M!$((ram - 128))M"
# Linux's MWAIT idle hangs a Bochs SMP machine early in boot (measured: no
# progress for minutes); HLT idle works.
smp_idle=
[ "$cpus" -gt 1 ] && smp_idle=idle=halt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/iso/isolinux"
cp "$kernel" "$work/iso/vmlinuz"
cp "$initrd" "$work/iso/initrd.img"
cat > "$work/iso/isolinux/isolinux.cfg" <<CFG
default mhv
prompt 0
label mhv
  kernel /vmlinuz
  append initrd=/initrd.img $(mhv_cmdline "$suites") $pmem $smp_idle
CFG
mhv_boot_iso "$work"

mhv_bochsrc "$work/boot.iso" "$log" "$log.bochs-log" "$megs" "$cpus" > "$work/bochsrc"
: > "$log"
mhv_bochs_start "$work" "$log.emulator"
mhv_watch $! "$log" "$timeout" "$log.emulator"
rc=$?
grep -a 'Next at t=' "$log.emulator" > "$log.ticks" 2>/dev/null
exit $rc
