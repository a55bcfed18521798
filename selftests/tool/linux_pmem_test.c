// SPDX-License-Identifier: GPL-2.0
/*
 * A Linux guest's /dev/pmem0 is a region of a host pmem namespace, shown to
 * it as an E820 type 12 range (nd_e820): the file system the first boot
 * makes on it keeps its data across the guest's own reboot, a new VM and a
 * reload of mhv. The guest's init counts its boots in a file there.
 * MHV_PMEM_DEV names the host namespace (default /dev/pmem0, fsdax).
 */
#include "kselftest_harness.h"
#include "linux_guest.h"

#define REGION		"linuxfs"
#define REGION_SIZE	(64ULL << 20)

static struct mhvctl_result r;

static int boot_with_pmem(struct mhvctl_result *res, bool reboot)
{
	char pmem[128];

	snprintf(pmem, sizeof(pmem), "%s,name=" REGION ",size=64M",
		 env_or("MHV_PMEM_DEV", "/dev/pmem0"));
	return mhvctl(res, "run", "--mem", LINUX_MEM, "--timeout", LINUX_TIMEOUT, "--pmem", pmem,
		      "--initrd", linux_initrd(), "--cmdline",
		      reboot ? LINUX_CMDLINE " mhv.pmem mhv.reboot" : LINUX_CMDLINE " mhv.pmem",
		      linux_kernel());
}

static long guest_number(const struct mhvctl_result *res, const char *key)
{
	char v[64];

	return guest_value(res->out, key, v, sizeof(v)) ? strtol(v, NULL, 10) : -1;
}

TEST(a_file_system_on_pmem0_survives_reboot_new_vm_and_module_reload)
{
	/* A new region table: the first boot's region holds no file system. */
	ASSERT_EQ(0, mhvctl(&r, "pmem", "format", env_or("MHV_PMEM_DEV", "/dev/pmem0")))
		TH_LOG_RESULT(&r);

	/* The guest's own reboot ends the run: mhvctl's status 8. */
	ASSERT_EQ(8, boot_with_pmem(&r, true)) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "@@GUEST pmem-dev /dev/pmem0", &r);
	ASSERT_EQ(REGION_SIZE / 512, guest_number(&r, "pmem-sectors")) TH_LOG_RESULT(&r);
	ASSERT_EQ(1, guest_number(&r, "pmem-boots")) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.err, "guest reset itself", &r);

	/* A new VM on the same region. */
	ASSERT_EQ(1, boot_with_pmem(&r, false)) TH_LOG_RESULT(&r);
	ASSERT_EQ(2, guest_number(&r, "pmem-boots")) TH_LOG_RESULT(&r);

	/* And after the module went away and came back. */
	ASSERT_EQ(0, system("rmmod mhv && insmod /mhv/mhv.ko"));
	ASSERT_EQ(1, boot_with_pmem(&r, false)) TH_LOG_RESULT(&r);
	ASSERT_EQ(3, guest_number(&r, "pmem-boots")) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "@@GUEST dmesg-bad 0", &r);
}

TEST_HARNESS_MAIN
