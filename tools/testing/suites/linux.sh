# A Linux guest booted by mhvctl on mhv's platform: the lean test kernel and
# its initramfs (tools/guests/linux/), checked by selftests/tool/linux_*_test;
# its /dev/pmem0 is a region of the legacy pmem range (memmap=) made fsdax.
tap() {
	name=$1
	shift
	echo "@@MHV-TAP-BEGIN $name"
	"$@"
	echo "@@MHV-TAP-END $name rc=$?"
}

insmod /mhv/mhv.ko || exit 1
tap linux_boot_test /mhv/selftests/tool/linux_boot_test
modprobe nd_e820 && modprobe nd_pmem && modprobe dax_pmem 2>/dev/null
ndctl create-namespace -f -e namespace0.0 -m fsdax --map=mem >/dev/null ||
	echo "linux.sh: could not make namespace0.0 fsdax"
tap linux_pmem_test env MHV_PMEM_DEV=/dev/pmem0 /mhv/selftests/tool/linux_pmem_test
rmmod mhv
