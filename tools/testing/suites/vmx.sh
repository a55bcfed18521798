# Selftests that need VT-x: the emulated VT-x machine (Bochs).
insmod /mhv/mhv.ko || exit 1
for t in /mhv/selftests/*_test; do
	name=$(basename "$t")
	# novmx_test is QEMU's, smp_test the 2-CPU machine's (suites/smp.sh);
	# mitigations_test runs here (mitigations=off) and there (kernel defaults).
	[ "$name" = novmx_test ] || [ "$name" = smp_test ] && continue
	# MHV_TESTS (mhv.tests= on the command line) narrows a developer's run.
	case ",${MHV_TESTS:-$name}," in *,"$name",*) ;; *) continue ;; esac
	echo "@@MHV-TAP-BEGIN $name"
	"$t"
	echo "@@MHV-TAP-END $name rc=$?"
done
rmmod mhv
