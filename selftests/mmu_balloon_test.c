// SPDX-License-Identifier: GPL-2.0
/*
 * Ballooning from inside the guest: pages given back stop counting against
 * max_pages and read as MMIO; populated again they read as zeros; populate
 * and faults past max_pages fail with -ENOSPC.
 */
#include <errno.h>

#include "kselftest_harness.h"
#include "mmu_util.h"

#define R_GPA		(SZ1G)
#define R_PAGES		32ULL
#define R2_GPA		(SZ1G + 0x1000000ULL)
#define R2_PAGES	16ULL
#define PATTERN		0xba11005eedULL
#define SLOT0_PAGES	(MHV_DEFAULT_MEM_SIZE / SZ4K)
#define CAP		(SLOT0_PAGES + R_PAGES)

static u64 hc(u64 nr, u64 gpa, u64 pages)
{
	return mhv_vmcall(nr, gpa, pages, 0, 0, 0).rax;
}

static void guest_balloon(void)
{
	u64 i;

	for (i = 0; i < R_PAGES; i++)
		gwrite(R_GPA + i * SZ4K + 64, PATTERN + i);
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(hc(MHV_HC_DECREASE_RESERVATION, R_GPA + 8 * SZ4K, 8), 8);
	GUEST_SYNC(2);
	for (i = 0; i < 8; i++)
		gwrite(R2_GPA + i * SZ4K, i);
	/* At the cap: populating 8 would pass it. */
	GUEST_ASSERT_EQ(hc(MHV_HC_POPULATE_PHYSMAP, R_GPA + 8 * SZ4K, 8), (u64)-ENOSPC);
	GUEST_SYNC(3);
	GUEST_ASSERT_EQ(hc(MHV_HC_DECREASE_RESERVATION, R2_GPA, 8), 8);
	GUEST_ASSERT_EQ(hc(MHV_HC_POPULATE_PHYSMAP, R_GPA + 8 * SZ4K, 8), 8);
	for (i = 0; i < R_PAGES; i++) {
		u64 v = gread(R_GPA + i * SZ4K + 64);

		GUEST_ASSERT_EQ(v, i >= 8 && i < 16 ? 0 : PATTERN + i);
	}
	GUEST_SYNC(4);
	/* Outside RAM, and across a region's end. */
	GUEST_ASSERT_EQ(hc(MHV_HC_DECREASE_RESERVATION, 0xf0000000ULL, 1), (u64)-EINVAL);
	GUEST_ASSERT_EQ(hc(MHV_HC_DECREASE_RESERVATION, R_GPA + (R_PAGES - 1) * SZ4K, 2),
			(u64)-EINVAL);
	GUEST_ASSERT_EQ(hc(MHV_HC_POPULATE_PHYSMAP, R_GPA + 3, 1), (u64)-EINVAL);
	/* A ballooned page is not memory: an MMIO read. */
	GUEST_ASSERT_EQ(gread(R2_GPA), 0x77);
	GUEST_SYNC(5);
	/* A fresh page past the cap: the run fails with ENOSPC. */
	gwrite(R2_GPA + 9 * SZ4K, 1);
	GUEST_DONE();
}

TEST(balloon_round_trip_and_max_pages)
{
	struct mhv_vm_stats st;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	char *hva;
	u64 i;

	vm = vm_create_mmu(CAP, 0, true, &vcpu, guest_balloon);
	hva = vm_region(vm, 1, 0, R_GPA, R_PAGES * SZ4K, false);
	vm_region(vm, 2, 0, R2_GPA, R2_PAGES * SZ4K, false);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vm_stats(vm, &st);
	ASSERT_EQ(CAP, st.pages_pinned);
	EXPECT_EQ(CAP, st.max_pages);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vm_stats(vm, &st);
	EXPECT_EQ(8, st.balloon_pages);
	EXPECT_EQ(CAP - 8, st.pages_pinned);
	/* Scrubbed when given back: the guest's data is not left behind. */
	for (i = 8; i < 16; i++)
		EXPECT_EQ(0, *(u64 *)(hva + i * SZ4K + 64));
	EXPECT_EQ(PATTERN + 7, *(u64 *)(hva + 7 * SZ4K + 64));
	/* The owner scribbles on a given-back page: populate must zero it again. */
	*(u64 *)(hva + 9 * SZ4K + 64) = 0xdead;

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vm_stats(vm, &st);
	EXPECT_EQ(CAP, st.pages_pinned);
	EXPECT_EQ(8, st.balloon_pages);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vm_stats(vm, &st);
	EXPECT_EQ(8, st.balloon_pages);
	EXPECT_EQ(CAP, st.pages_pinned);

	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(R2_GPA, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(0, vcpu->run->mmio.is_write);
	vcpu->run->mmio.data = 0x77;
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);

	ASSERT_EQ(-1, __vcpu_run(vcpu));
	EXPECT_EQ(ENOSPC, errno);
	vm_stats(vm, &st);
	EXPECT_EQ(CAP + 8, st.pages_pinned + st.balloon_pages);
	vm_free(vm);
}

TEST_HARNESS_MAIN
