# A Linux guest booted by mhvctl on mhv's platform: the lean test kernel and
# its initramfs (tools/guests/linux/), checked by selftests/tool/linux_boot_test.
insmod /mhv/mhv.ko || exit 1
echo "@@MHV-TAP-BEGIN linux_boot_test"
/mhv/selftests/tool/linux_boot_test
echo "@@MHV-TAP-END linux_boot_test rc=$?"
rmmod mhv
