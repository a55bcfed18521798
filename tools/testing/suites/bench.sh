# make bench: mhv against Linux KVM in this machine, the same guest code on
# each (tools/bench). KVM first: 6.1's kvm_intel holds VT-x only while it has
# VMs, and mhv's VM creation fails with EBUSY meanwhile. pmem is the memmap=
# legacy range: devdax (mmap as a memory slot) for KVM, fsdax for mhv.
ns=namespace0.0

mode() {
	ndctl disable-namespace $ns >/dev/null 2>&1
	ndctl create-namespace -f -e $ns -m "$@" >/dev/null || echo "# ndctl -m $* failed"
}

bench() {
	echo "@@MHV-TAP-BEGIN mhv-bench-$1"
	mhv-bench "$1"
	echo "@@MHV-TAP-END mhv-bench-$1 rc=$?"
}

for m in libnvdimm nd_e820 nd_pmem dax_pmem device_dax; do
	modprobe $m || echo "# modprobe $m failed: no pmem cases"
done

mode devdax
modprobe kvm_intel || exit 1
grep -H . /sys/module/kvm_intel/parameters/ept /sys/module/kvm_intel/parameters/vpid \
	/sys/module/kvm_intel/parameters/unrestricted_guest
bench kvm
rmmod kvm_intel kvm || exit 1

mode fsdax --map=mem
insmod /mhv/mhv.ko || exit 1
bench mhv
rmmod mhv
