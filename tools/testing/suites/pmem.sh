# pmem: named regions of an NVDIMM namespace as guest memory (selftests/pmem/).
# The namespace is the memmap= legacy range (nd_e820), reconfigured with ndctl
# as fsdax, then devdax, then raw. Persistence is checked across an
# rmmod/insmod of mhv between pmem_write_test and pmem_persist_test.
t=/mhv/selftests/pmem
ns=namespace0.0

run() {
	name=$1
	shift
	echo "@@MHV-TAP-BEGIN $name"
	env "$@" "$t/${name%%@*}"
	echo "@@MHV-TAP-END $name rc=$?"
}

mode() {
	ndctl disable-namespace $ns >/dev/null 2>&1
	ndctl create-namespace -f -e $ns -m "$1" >/dev/null || { echo "ndctl -m $1 failed"; return 1; }
}

for m in libnvdimm nd_e820 nd_pmem dax_pmem device_dax; do
	modprobe $m || { echo "modprobe $m failed"; exit 1; }
done
insmod /mhv/mhv.ko || exit 1

for kind in fsdax devdax; do
	if [ $kind = fsdax ]; then dev=/dev/pmem0; else dev=/dev/dax0.0; fi
	mode $kind || exit 1
	run pmem_write_test@$kind MHV_PMEM_DEV=$dev
	rmmod mhv && insmod /mhv/mhv.ko || exit 1
	run pmem_persist_test@$kind MHV_PMEM_DEV=$dev
	run pmem_isolation_test@$kind MHV_PMEM_DEV=$dev
	# Device-dax has no in-kernel holder that media errors reach.
	[ $kind = fsdax ] && run pmem_media_error_test MHV_PMEM_DEV=$dev MHV_PMEM_NS=$ns
	run pmem_lost_test@$kind MHV_PMEM_DEV=$dev MHV_PMEM_NS=$ns
	ndctl enable-namespace $ns >/dev/null 2>&1
done

# On a legacy e820 region even raw mode maps pages and offers DAX: force_raw
# makes the namespace the plain block device mhv must refuse.
mode raw || exit 1
ndctl disable-namespace $ns >/dev/null 2>&1
echo 1 > /sys/bus/nd/devices/$ns/force_raw
ndctl enable-namespace $ns >/dev/null 2>&1 || exit 1
run pmem_raw_test MHV_PMEM_DEV=/dev/pmem0
rmmod mhv
