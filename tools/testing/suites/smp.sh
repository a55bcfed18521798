# Two host CPUs (the 2-CPU Bochs machine): vCPUs moving between CPUs, two
# vCPUs at once, CPU hotplug under live VMs.
insmod /mhv/mhv.ko || exit 1
echo "@@MHV-TAP-BEGIN smp_test"
/mhv/selftests/smp_test
echo "@@MHV-TAP-END smp_test rc=$?"
rmmod mhv
