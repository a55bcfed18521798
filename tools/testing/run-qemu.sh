#!/bin/bash
# Boot the test kernel in QEMU TCG (no VT-x) and run suites.
# usage: run-qemu.sh BZIMAGE INITRAMFS SUITES LOG [TIMEOUT_S]
# Exit status 0 when the guest ran to the end; the results are in LOG.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/machine-lib.sh"

kernel=$1 initrd=$2 suites=$3 log=$4 timeout=${5:-300}
# An NVDIMM (ACPI NFIT, no labels) backed by a host file: MHV_QEMU_NVDIMM
# names one that outlives this boot, for the reboot tests; else a scratch one.
nvdimm=${MHV_QEMU_NVDIMM:-}
if [ -z "$nvdimm" ]; then
	nvdimm=$(mktemp)
	trap 'rm -f "$nvdimm"' EXIT
fi
[ -s "$nvdimm" ] || truncate -s 128M "$nvdimm"
: > "$log"
setsid qemu-system-x86_64 -machine pc,nvdimm=on -accel tcg -m 1G,slots=2,maxmem=2G -smp 1 \
	-object memory-backend-file,id=nv0,share=on,mem-path="$nvdimm",size=128M \
	-device nvdimm,id=nvdimm0,memdev=nv0 -no-reboot \
	-display none -monitor none -serial "file:$log" \
	-kernel "$kernel" -initrd "$initrd" -append "$(mhv_cmdline "$suites")" \
	${MHV_QEMU_ARGS:-} >"$log.emulator" 2>&1 &
mhv_watch $! "$log" "$timeout" "$log.emulator"
