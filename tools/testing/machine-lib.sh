# shellcheck shell=bash
# Shared by run-qemu.sh and run-bochs.sh: the kernel command line and the
# watch over a running emulator's serial log.

# loglevel=5 keeps KASAN, lockdep and WARN reports on the console (the
# splat check reads them there) and drops the info chatter, which costs
# ~8.7 k emulated instructions per character in Bochs.
# mitigations=off saves 1-4 s of emulated boot; MHV_MITIGATIONS=default keeps
# the kernel's own choices (the mitigation test needs both). They are asked
# for by name: the test kernel is built without CONFIG_CPU_MITIGATIONS,
# which makes "off" its default.
mhv_cmdline() {
	local mitigations=mitigations=off

	[ "${MHV_MITIGATIONS:-off}" = default ] && mitigations=mitigations=auto
	echo "console=ttyS0,115200 loglevel=5 $mitigations cryptomgr.notests panic=-1 random.trust_cpu=on ${MHV_EXTRA_CMDLINE:-}${MHV_TESTS:+ mhv.tests=$MHV_TESTS} mhv.suites=$1"
}

# mhv_boot_iso DIR: DIR/boot.iso from DIR/iso, booted by isolinux with the
# DIR/iso/isolinux/isolinux.cfg that the caller wrote.
mhv_boot_iso() {
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$1/iso/isolinux/"
	genisoimage -quiet -o "$1/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
		-no-emul-boot -boot-load-size 4 -boot-info-table -R -J "$1/iso"
}

# mhv_bochsrc ISO SERIAL_LOG BOCHS_LOG MEGS CPUS: the Bochs configuration of
# every emulated VT-x machine, on stdout. It must not depend on the host:
# Bochs loads its sound plugins even with the speaker off, and with no usable
# ALSA set-up (a fresh machine, ALSA_CONFIG_PATH=/dev/null) it aborts at start
# with "buffer overflow detected"; the dummy sound driver needs nothing.
mhv_bochsrc() {
	local iso=$1 serial=$2 bochs_log=$3 megs=$4 cpus=$5
	cat <<RC
megs: $megs
cpu: model=corei7_haswell_4770, count=$cpus, ips=100000000, reset_on_triple_fault=1, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$serial
display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: driver=dummy
clock: sync=none, time0=local
log: $bochs_log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
magic_break: enabled=1
RC
}

# mhv_bochs_start DIR OUTPUT: start Bochs on DIR/bochsrc in the background,
# in a process group of its own (for mhv_watch), its stdout and stderr in
# OUTPUT. Its built-in debugger stops at magic breakpoints: keep answering
# "continue".
mhv_bochs_start() {
	echo c > "$1/rc"
	setsid bash -c 'cd "$0" && yes c | bochs -q -f bochsrc -rc rc' "$1" >"$2" 2>&1 &
}

# mhv_watch PID LOG TIMEOUT EMULATOR_OUTPUT: PID leads a process group
# (started with setsid). Wait for the emulator to finish, stop it when the
# guest is done, panicked or ran out of time. Returns 0 when the guest
# reached @@MHV-DONE, 1 otherwise; then it says on stderr why, with the last
# lines of the emulator's own output (kept beside LOG) when it died early.
mhv_watch() {
	local pid=$1 log=$2 timeout=$3 emu_out=$4 start=$SECONDS waited=0 done_at= stopped= rc

	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$done_at" ] && grep -qa '@@MHV-DONE\|Kernel panic' "$log" 2>/dev/null; then
			done_at=$waited
		fi
		# Give power-off a few seconds, then stop the emulator ourselves.
		if [ -n "$done_at" ] && [ $((waited - done_at)) -ge 10 ]; then
			stopped=1
			break
		fi
		if [ "$waited" -ge $((timeout * 2)) ]; then
			echo "@@MHV-TIMEOUT after ${timeout}s" >> "$log"
			stopped=1
			break
		fi
		sleep 0.5
		waited=$((waited + 1))
	done
	kill -TERM -- "-$pid" 2>/dev/null
	sleep 0.5
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	grep -qa '@@MHV-DONE' "$log" && return 0
	if grep -qa 'Kernel panic' "$log"; then
		echo "$(basename "$log" .log): the guest's kernel panicked; console: $log" >&2
	elif [ -n "$stopped" ]; then
		echo "$(basename "$log" .log): the guest did not finish in ${timeout}s; console: $log" >&2
	else
		echo "$(basename "$log" .log): the emulator exited after $((SECONDS - start)) s" \
			"(status $rc) before the guest finished; console: $log; its output: $emu_out" >&2
		tail -n 15 "$emu_out" 2>/dev/null | sed 's/^/   | /' >&2
	fi
	return 1
}
