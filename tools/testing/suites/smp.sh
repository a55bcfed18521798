# Two host CPUs (the 2-CPU Bochs machine): vCPUs moving between CPUs, two
# vCPUs at once, CPU hotplug under live VMs. This machine boots with the
# kernel's default mitigations (the others with mitigations=off), so the
# mitigation test sees the host's choices made both ways.
insmod /mhv/mhv.ko || exit 1
for t in smp_test mitigations_test; do
	echo "@@MHV-TAP-BEGIN $t"
	"/mhv/selftests/$t"
	echo "@@MHV-TAP-END $t rc=$?"
done
rmmod mhv
