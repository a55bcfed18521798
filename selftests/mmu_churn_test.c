// SPDX-License-Identifier: GPL-2.0
/*
 * 1000 VMs created and destroyed with everything the mmu holds: prefaulted
 * and logged regions, a resized pool, dirty logs, and every 100th a guest
 * that balloons. kmemleak (in the harness) and the debugfs count catch leaks.
 */
#include <dirent.h>
#include <errno.h>

#include "kselftest_harness.h"
#include "mmu_util.h"

#define CYCLES		1000
#define RUN_EVERY	100
#define REGION_GPA	(SZ1G)
#define REGION_SIZE	(16 * SZ4K)

static void guest_balloon_once(void)
{
	GUEST_ASSERT_EQ(mhv_vmcall(MHV_HC_DECREASE_RESERVATION, REGION_GPA, 4, 0, 0, 0).rax, 4);
	GUEST_ASSERT_EQ(mhv_vmcall(MHV_HC_POPULATE_PHYSMAP, REGION_GPA, 2, 0, 0, 0).rax, 2);
	gwrite(REGION_GPA + SZ4K, 1);
	GUEST_DONE();
}

static int vm_dirs(void)
{
	DIR *d = opendir("/sys/kernel/debug/mhv");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

FIXTURE(churn) {
	int unused;
};

FIXTURE_SETUP(churn)
{
}

FIXTURE_TEARDOWN(churn)
{
}

/* 1000 VMs take minutes in the emulator: well past the harness's 30 s default. */
TEST_F_TIMEOUT(churn, create_destroy_1000, 1200)
{
	char *mem = mmap_aligned(2 * REGION_SIZE, false);
	int before = vm_dirs(), i;

	for (i = 0; i < CYCLES; i++) {
		struct mhv_vm_config cfg = { .max_pages = 64, .ept_pool_pages = 16 };
		struct mhv_ept_pool pool = { .pages = 24 };
		struct mhv_memory_region r = {
			.slot = 1, .flags = MHV_MEM_PREFAULT | MHV_MEM_LOG_DIRTY,
			.guest_phys_addr = REGION_GPA, .size = REGION_SIZE,
			.userspace_addr = (u64)(unsigned long)mem,
		};
		struct mhv_dirty_log log;
		struct mhv_vm_stats st;
		u64 bitmap[1];
		int dev, fd;

		if (i % RUN_EVERY == RUN_EVERY - 1) {
			struct mhv_vcpu *vcpu;
			struct mhv_vm *vm;
			struct ucall uc;

			vm = vm_create_mmu(0, 0, false, &vcpu, guest_balloon_once);
			vm_set_memory_region(vm, 1, MHV_MEM_LOG_DIRTY, REGION_GPA,
					     REGION_SIZE, mem);
			ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
			vm_free(vm);
			continue;
		}
		dev = mhv_open_dev();
		fd = ioctl(dev, MHV_CREATE_VM, &cfg);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ioctl(fd, MHV_SET_MEMORY_REGION, &r));
		r.slot = 2;
		r.flags = MHV_MEM_PREFAULT;
		r.guest_phys_addr = 2 * REGION_GPA;
		r.userspace_addr += REGION_SIZE;
		ASSERT_EQ(0, ioctl(fd, MHV_SET_MEMORY_REGION, &r));
		log = (struct mhv_dirty_log){ .slot = 1, .bitmap = (u64)(unsigned long)bitmap };
		ASSERT_EQ(0, ioctl(fd, MHV_GET_DIRTY_LOG, &log));
		ASSERT_EQ(0, ioctl(fd, MHV_SET_EPT_POOL, &pool));
		ASSERT_EQ(0, ioctl(fd, MHV_GET_VM_STATS, &st));
		ASSERT_EQ(32, st.pages_pinned);
		/* Every other VM loses a region first; the rest keep theirs to the end. */
		if (i & 1) {
			r.size = 0;
			ASSERT_EQ(0, ioctl(fd, MHV_SET_MEMORY_REGION, &r));
		}
		close(fd);
		close(dev);
	}
	EXPECT_EQ(before, vm_dirs());
}

TEST_HARNESS_MAIN
