# mhvctl as an operator uses it (selftests/tool/): every image format, the
# console, exit statuses, --json, errors; its pmem commands on a real fsdax
# namespace; and what it says once mhv is unloaded.
tap() {
	name=$1
	shift
	echo "@@MHV-TAP-BEGIN $name"
	"$@"
	echo "@@MHV-TAP-END $name rc=$?"
}

insmod /mhv/mhv.ko || exit 1
tap run_test /mhv/selftests/tool/run_test

# The legacy pmem range of the kernel command line (memmap=) as an fsdax namespace.
modprobe nd_e820 && modprobe nd_pmem && modprobe dax_pmem 2>/dev/null
ndctl create-namespace -f -e namespace0.0 -m fsdax --map=mem >/dev/null ||
	echo "tool.sh: could not make namespace0.0 fsdax"
tap pmem_test env MHV_PMEM_DEV=/dev/pmem0 /mhv/selftests/tool/pmem_test

rmmod mhv
tap nomodule_test /mhv/selftests/tool/nomodule_test
