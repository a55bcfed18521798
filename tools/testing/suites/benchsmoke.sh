# A few iterations of every mhv-bench case on both back ends (make bench runs
# them in full): the benchmark must keep working, whatever its numbers say.
# KVM first: kvm_intel and mhv take turns at VT-x. No pmem here (suites/bench.sh).
echo "@@MHV-TAP-BEGIN mhv-bench-smoke-kvm"
modprobe kvm_intel && mhv-bench --smoke --dax none kvm
echo "@@MHV-TAP-END mhv-bench-smoke-kvm rc=$?"
rmmod kvm_intel kvm

insmod /mhv/mhv.ko || exit 1
echo "@@MHV-TAP-BEGIN mhv-bench-smoke-mhv"
mhv-bench --smoke --pmem none mhv
echo "@@MHV-TAP-END mhv-bench-smoke-mhv rc=$?"
rmmod mhv
