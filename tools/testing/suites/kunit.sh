# KUnit suites of mhv (run at module load) and the no-VMX selftest: QEMU TCG.
insmod /mhv/mhv-kunit.ko || exit 1
for results in /sys/kernel/debug/kunit/*/results; do
	echo "@@MHV-KTAP-BEGIN $(basename "$(dirname "$results")")"
	cat "$results"
	echo "@@MHV-KTAP-END"
done
echo "@@MHV-TAP-BEGIN novmx_test"
novmx_test
echo "@@MHV-TAP-END novmx_test rc=$?"
rmmod mhv
