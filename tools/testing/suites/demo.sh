# make demo: load mhv in the emulated VT-x machine, show what it sees, and
# boot the demo guest three times on a pmem region: twice, then again after
# reloading the module. Its boot counter lives in the pmem: 1, 2, 3.
demo=/mhv/tools/guests/demo.elf
ok=0
say() { echo "# $*"; }

say insmod mhv.ko
insmod /mhv/mhv.ko || exit 1
dmesg | grep 'mhv:'
say mhvctl info
mhvctl info

say "modprobe nd_e820 nd_pmem; ndctl create-namespace -f -e namespace0.0 -m fsdax --map=mem"
modprobe nd_e820 && modprobe nd_pmem && modprobe dax_pmem 2>/dev/null
ndctl create-namespace -f -e namespace0.0 -m fsdax --map=mem | grep -E '"(dev|mode|size|blockdev)"'
say mhvctl pmem format /dev/pmem0
mhvctl pmem format /dev/pmem0 || ok=1

boot() {
	say mhvctl run --pmem /dev/pmem0,size=2M $demo
	mhvctl run --pmem /dev/pmem0,size=2M $demo
	echo "(exit status $?)"
}
boot
boot
say "rmmod mhv; insmod mhv.ko"
rmmod mhv && insmod /mhv/mhv.ko || ok=1
boot
say mhvctl pmem ls /dev/pmem0
mhvctl pmem ls /dev/pmem0
rmmod mhv
exit $ok
