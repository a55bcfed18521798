# pmem across a host reboot, part 2 (QEMU): the NVDIMM that part 1 left,
# found as fsdax again by its info block, read by a freshly loaded mhv.
. /suites/nvdimm.inc
nvdimm_up || exit 1
[ -b /dev/pmem0 ] || { echo "no /dev/pmem0 after reboot"; ndctl list -N; exit 1; }
insmod /mhv/mhv.ko || exit 1
run pmem_after_reboot_test
rmmod mhv
