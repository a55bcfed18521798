# make demo: load mhv in the emulated VT-x machine and show what it sees.
echo "# insmod mhv.ko"
insmod /mhv/mhv.ko || exit 1
dmesg | grep 'mhv:'
echo "# ls -l /dev/mhv"
ls -l /dev/mhv
echo "# mhvctl info"
mhvctl info
