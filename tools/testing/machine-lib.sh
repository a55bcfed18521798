# shellcheck shell=bash
# Shared by run-qemu.sh and run-bochs.sh: the kernel command line and the
# watch over a running emulator's serial log.

# loglevel=5 keeps KASAN, lockdep and WARN reports on the console (the
# splat check reads them there) and drops the info chatter, which costs
# ~8.7 k emulated instructions per character in Bochs.
mhv_cmdline() {
	echo "console=ttyS0,115200 loglevel=5 mitigations=off cryptomgr.notests panic=-1 random.trust_cpu=on ${MHV_EXTRA_CMDLINE:-} mhv.suites=$1"
}

# mhv_watch PID LOG TIMEOUT: PID leads a process group (started with setsid).
# Wait for the emulator to finish, stop it when the
# guest is done, panicked or ran out of time. Returns 0 when the guest
# reached @@MHV-DONE, 1 otherwise.
mhv_watch() {
	local pid=$1 log=$2 timeout=$3 waited=0 done_at=

	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$done_at" ] && grep -qa '@@MHV-DONE\|Kernel panic' "$log" 2>/dev/null; then
			done_at=$waited
		fi
		# Give power-off a few seconds, then stop the emulator ourselves.
		if [ -n "$done_at" ] && [ $((waited - done_at)) -ge 10 ]; then
			break
		fi
		if [ "$waited" -ge $((timeout * 2)) ]; then
			echo "@@MHV-TIMEOUT after ${timeout}s" >> "$log"
			break
		fi
		sleep 0.5
		waited=$((waited + 1))
	done
	kill -TERM -- "-$pid" 2>/dev/null
	sleep 0.5
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -qa '@@MHV-DONE' "$log"
}
