#!/bin/bash
# make check: install what is missing, build the test kernel (cached), build
# mhv against three kernels, checkpatch, run the KUnit suites in QEMU and the
# selftests in Bochs (emulated VT-x), fail on any kernel splat, and print
# "N passed, N failed, N skipped".
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/tools/testing
build=${MHV_BUILD:-$repo/build}
results=$build/results.txt
. "$here/build-lib.sh"

rm -rf "$build/logs" "$build/stage"
mkdir -p "$build/logs" "$build/stage"
: > "$results"
broken=

record() { echo "$1 $2" >> "$results"; [ "$1" = FAIL ] && echo "  FAIL $2"; return 0; }

# stage NAME COMMAND...: run, time, and record one pass/fail for the stage.
stage() {
	local name=$1 start=$SECONDS rc
	shift
	echo "== $name"
	"$@"
	rc=$?
	printf '== %s: %s in %ds\n' "$name" "$([ $rc = 0 ] && echo ok || echo FAILED)" $((SECONDS - start))
	record "$([ $rc = 0 ] && echo PASS || echo FAIL)" "stage/$name"
	return $rc
}

deps() { "$here/install-deps.sh"; }

# The console parser must still catch failures, splats, leaks and hangs.
harness() {
	local out rc
	out=$("$here/harness-tests/run.sh")
	rc=$?
	echo "$out" | sed -n 's/^ok [0-9]* /PASS harness\//p; s/^not ok [0-9]* /FAIL harness\//p' >> "$results"
	echo "$out" | grep -v '^ok ' | sed 's/^/   /'
	return $rc
}

kernel() {
	kbuild=$("$here/build-kernel.sh" 2>"$build/logs/kernel.log") ||
		{ tail -n 30 "$build/logs/kernel.log"; return 1; }
	echo "   test kernel: $kbuild"
}

modules() {
	local ok=0 tree612 deb
	mhv_build_module "$build/mod-test" "$kbuild" "$build/logs/mod-test.log" || ok=1
	mhv_build_module "$build/mod-kunit" "$kbuild" "$build/logs/mod-kunit.log" MHV_KUNIT=y || ok=1
	deb=$(mhv_debian_headers)
	mhv_build_module "$build/mod-deb61" "$deb" "$build/logs/mod-deb61.log" || ok=1
	tree612=$("$here/prepare-612.sh" 2>"$build/logs/prepare-612.log") &&
	mhv_compile_check_module "$build/mod-612" "$tree612" "$build/logs/mod-612.log" || ok=1
	for t in test kunit deb61 612; do
		if [ -f "$build/mod-$t/mhv.ko" ] && ! mhv_build_warnings "$build/logs/mod-$t.log" >/dev/null; then
			record PASS "build/mhv.ko-$t"
		else
			record FAIL "build/mhv.ko-$t"
			mhv_build_warnings "$build/logs/mod-$t.log" | head -n 20
		fi
	done
	# The distro route: dkms builds it from dkms.conf against Debian's kernel.
	rm -rf "$build/dkms"
	mkdir -p "$build/dkms/src" "$build/dkms/tree"
	mhv_module_tree "$build/dkms/src/mhv-$(mhv_dkms_version)"
	if dkms build -m mhv -v "$(mhv_dkms_version)" -k "$(basename "$deb" | sed 's/^linux-headers-//')" \
		--sourcetree "$build/dkms/src" --dkmstree "$build/dkms/tree" >"$build/logs/dkms.log" 2>&1 &&
		[ -n "$(find "$build/dkms/tree" -name 'mhv.ko*' -path '*/module/*')" ]; then
		record PASS build/dkms-deb61
	else
		record FAIL build/dkms-deb61
		tail -n 20 "$build/logs/dkms.log"
		ok=1
	fi
	cp "$build/mod-test/mhv.ko" "$build/stage/mhv.ko" 2>/dev/null &&
	cp "$build/mod-kunit/mhv.ko" "$build/stage/mhv-kunit.ko" 2>/dev/null
	return $ok
}

checkpatch() {
	local src f ok=0
	src=$(readlink -f "$kbuild/source")
	while IFS= read -r f; do
		if "$src/scripts/checkpatch.pl" --strict --no-tree --quiet --terse -f "$repo/$f" \
			>"$build/logs/checkpatch.tmp" 2>&1; then
			record PASS "checkpatch/$f"
		else
			record FAIL "checkpatch/$f"
			cat "$build/logs/checkpatch.tmp"
			ok=1
		fi
	done < <(cd "$repo" && git ls-files --cached --others --exclude-standard -- '*.c' '*.h' '*.S')
	return $ok
}

# Every selftest source must have become a binary in the stage: a test that
# silently failed to build would otherwise just not run.
userspace() {
	local src missing=0

	mhv_build_user "$kbuild/source/tools/testing/selftests" "$build/stage" || return 1
	while IFS= read -r src; do
		if [ ! -x "$build/stage/selftests/${src%.c}" ]; then
			echo "   not built: selftests/$src"
			missing=1
		fi
	done < <(cd "$repo/selftests" && find . -name '*_test.c' | sed 's|^\./||')
	return $missing
}

initramfs() { "$here/mkinitramfs.sh" "$kbuild" "$build/stage" "$build/initramfs.cpio"; }

# machine RUNNER SUITES TIMEOUT NAME: boot one test machine and turn its
# console into result lines ($build/logs/NAME.results).
machine() {
	local runner=$1 suites=$2 timeout=$3 name=$4 start=$SECONDS
	local log=$build/logs/$name.log out=$build/logs/$name.results

	"$here/$runner" "$kbuild/arch/x86/boot/bzImage" "$build/initramfs.cpio" "$suites" "$log" "$timeout"
	awk -v machine="$name" -f "$here/parse-console.awk" "$log" > "$out"
	echo "   $name ($suites): $((SECONDS - start))s, $(grep -a '^@@MHV-BOOTED\|^@@MHV-DONE' "$log" |
		tr '\n' ' ')"
}

# The machines run side by side (one per core): QEMU for KUnit and the pmem
# reboot test, and the VT-x suites split over three Bochs boots (one with
# two CPUs). MHV_MACHINES narrows a developer's run ("qemu", "bochs"),
# MHV_SUITES the VT-x suites.
machines() {
	local all name rest
	local -a names=()

	if [[ " $machines " == *" qemu "* ]]; then
		# Two boots over one NVDIMM file: what mhv wrote must survive a reboot.
		rm -f "$build/nvdimm.img"
		(
			export MHV_QEMU_NVDIMM=$build/nvdimm.img
			machine run-qemu.sh kunit,pmem_before_reboot 300 qemu
			machine run-qemu.sh pmem_after_reboot 300 qemu-reboot
		) &
		names+=(qemu qemu-reboot)
	fi
	if [[ " $machines " == *" bochs "* ]]; then
		# Every suite but the QEMU one and those with their own make target.
		all=${MHV_SUITES:-$(cd "$here/suites" && ls *.sh | sed 's/\.sh$//' |
			grep -vx 'kunit\|pmem_.*_reboot\|demo\|bench' | paste -sd,)}
		rest=$(echo "$all" | tr ',' '\n' | grep -vx 'vmx\|smp' | paste -sd,)
		if [[ ",$all," == *,vmx,* ]]; then
			machine run-bochs.sh vmx 2400 bochs &
			names+=(bochs)
		fi
		# Hotplug and VMCS migration need a second CPU; SMP Bochs is ~5x slower.
		if [[ ",$all," == *,smp,* ]]; then
			(
				export MHV_BOCHS_CPUS=2 MHV_MITIGATIONS=default
				machine run-bochs.sh smp 2400 bochs-smp
			) &
			names+=(bochs-smp)
		fi
		if [ -n "$rest" ]; then
			machine run-bochs.sh "$rest" 2400 bochs2 &
			names+=(bochs2)
		fi
	fi
	wait
	for name in "${names[@]}"; do
		cat "$build/logs/$name.results" >> "$results" 2>/dev/null ||
			record FAIL "$name/no results"
	done
	for name in "${names[@]}"; do
		if grep -q "^FAIL $name/" "$results"; then
			grep "^FAIL $name/" "$results" | head -n 20 | sed 's/^/  /'
			return 1
		fi
	done
}

stage deps deps || broken=1
stage harness harness
[ -z "$broken" ] && { stage kernel kernel || broken=1; }
if [ -z "$broken" ]; then
	stage modules modules
	stage checkpatch checkpatch
	stage userspace userspace || broken=1
fi
[ -z "$broken" ] && { stage initramfs initramfs || broken=1; }
machines=${MHV_MACHINES:-qemu bochs}
[ -z "$broken" ] && stage machines machines

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
skipped=$(grep -c '^SKIP ' "$results")
echo
grep '^FAIL ' "$results" | sed 's/^/  /'
echo "results: $results; logs: $build/logs (total ${SECONDS}s)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
