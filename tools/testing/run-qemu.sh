#!/bin/bash
# Boot the test kernel in QEMU TCG (no VT-x) and run suites.
# usage: run-qemu.sh BZIMAGE INITRAMFS SUITES LOG [TIMEOUT_S]
# Exit status 0 when the guest ran to the end; the results are in LOG.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/machine-lib.sh"

kernel=$1 initrd=$2 suites=$3 log=$4 timeout=${5:-300}
: > "$log"
setsid qemu-system-x86_64 -machine pc -accel tcg -m 1G -smp 1 -no-reboot \
	-display none -monitor none -serial "file:$log" \
	-kernel "$kernel" -initrd "$initrd" -append "$(mhv_cmdline "$suites")" \
	${MHV_QEMU_ARGS:-} >/dev/null 2>"$log.stderr" &
mhv_watch $! "$log" "$timeout"
