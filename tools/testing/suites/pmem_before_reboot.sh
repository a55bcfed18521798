# pmem across a host reboot, part 1 (QEMU): the machine's NVDIMM is a host
# file that the next boot (pmem_after_reboot) gets again. Label-less, so its
# one namespace is reconfigured as fsdax with ndctl.
. /suites/nvdimm.inc
nvdimm_up || exit 1
ndctl create-namespace -f -e $ns -m fsdax >/dev/null || { echo "ndctl -m fsdax failed"; exit 1; }
insmod /mhv/mhv.ko || exit 1
run pmem_before_reboot_test
rmmod mhv
