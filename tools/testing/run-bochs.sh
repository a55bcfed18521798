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
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/iso/isolinux/"
cp "$kernel" "$work/iso/vmlinuz"
cp "$initrd" "$work/iso/initrd.img"
cat > "$work/iso/isolinux/isolinux.cfg" <<CFG
default mhv
prompt 0
label mhv
  kernel /vmlinuz
  append initrd=/initrd.img $(mhv_cmdline "$suites") $pmem $smp_idle
CFG
genisoimage -quiet -o "$work/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table -R -J "$work/iso"

cat > "$work/bochsrc" <<RC
megs: $megs
cpu: model=corei7_haswell_4770, count=$cpus, ips=100000000, reset_on_triple_fault=1, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$work/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$log
display_library: rfb, options="timeout=0"
speaker: enabled=0
clock: sync=none, time0=local
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
magic_break: enabled=1
RC
echo c > "$work/rc"
: > "$log"
# The built-in debugger stops at magic breakpoints: keep answering "continue".
setsid bash -c 'cd "$0" && yes c | bochs -q -f bochsrc -rc rc' "$work" >"$work/bochs.out" 2>&1 &
mhv_watch $! "$log" "$timeout"
rc=$?
grep -a 'Next at t=' "$work/bochs.out" > "$log.ticks" 2>/dev/null
exit $rc
