// SPDX-License-Identifier: GPL-2.0
/* KUnit: MHV_SET_MEMORY_REGION validation, overlap, modify and delete. */
#include <kunit/test.h>

#include "mmu/kunit_fake.h"

/* Any address below TASK_SIZE passes access_ok(); nothing is touched. */
#define UADDR	0x10000000ULL
#define SZ2M	MHV_EPT_SIZE_2M

static struct mhv_memory_region region(u32 slot, u64 gpa, u64 size)
{
	struct mhv_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .size = size,
		.userspace_addr = UADDR,
	};

	return r;
}

static struct mhv_mmu *mmu_of(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;

	KUNIT_ASSERT_EQ(test, mhv_fake_mmu_init(test, true, 0, 0), 0);
	return &vm->mmu;
}

static void region_every_bad_field_has_its_errno(struct kunit *test)
{
	struct mhv_mmu *mmu = mmu_of(test);
	struct mhv_memory_region r;

	r = region(0, 0, SZ2M);
	r.reserved[0] = 1;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	r = region(0, 0, SZ2M);
	r.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	r = region(0, 0, SZ2M);
	r.flags = MHV_MEM_PREFAULT << 1;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	r = region(MHV_MMU_MAX_SLOTS, 0, SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	r = region(0, 0x800, SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	r = region(0, 0, SZ2M + 1);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	r = region(0, 0, SZ2M);
	r.userspace_addr += 8;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	/* Beyond 2^46 guest-physical, and wrapping around 2^64. */
	r = region(0, MHV_GPA_LIMIT - SZ2M, 2 * SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	r = region(0, -SZ2M, 2 * SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	/* User ranges that are not user space. */
	r = region(0, 0, SZ2M);
	r.userspace_addr = 0xffff888000000000ULL;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EFAULT);
	r = region(0, 0, SZ2M);
	r.userspace_addr = -SZ2M;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EFAULT);
	/* None of these created a slot. */
	r = region(0, 0, 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
}

static void region_good_ones_are_accepted(struct kunit *test)
{
	struct mhv_mmu *mmu = mmu_of(test);
	struct mhv_memory_region r;

	r = region(0, 0, SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	r = region(MHV_MMU_MAX_SLOTS - 1, MHV_GPA_LIMIT - 0x1000, 0x1000);
	r.flags = MHV_MEM_READONLY;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	/* Setting the same again changes nothing. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
}

static void region_overlap_is_eexist(struct kunit *test)
{
	struct mhv_mmu *mmu = mmu_of(test);
	struct mhv_memory_region r;

	r = region(0, 4 * SZ2M, 2 * SZ2M);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	r = region(1, 3 * SZ2M, SZ2M + 0x1000);		/* tail in */
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EEXIST);
	r = region(1, 6 * SZ2M - 0x1000, SZ2M);		/* head in */
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EEXIST);
	r = region(1, 0, 16 * SZ2M);			/* around */
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EEXIST);
	r = region(1, 5 * SZ2M, 0x1000);		/* inside */
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EEXIST);
	/* Adjacent on both sides is fine. */
	r = region(1, 3 * SZ2M, SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	r = region(2, 6 * SZ2M, SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
}

/* A pmem range (mapped by pfn, outside slots) and a slot never share addresses. */
static void region_and_pmem_range_exclude_each_other(struct kunit *test)
{
	struct mhv_mmu *mmu = mmu_of(test);
	struct mhv_memory_region r;
	u64 pages_2m, i;

	KUNIT_ASSERT_EQ(test, mhv_mmu_map_pfns(mmu, 8 * SZ2M, 0x100000, 1024, true, &pages_2m), 0);
	KUNIT_EXPECT_EQ(test, pages_2m, 1024);
	r = region(0, 9 * SZ2M, 0x1000);		/* inside */
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EEXIST);
	r = region(0, 0, 16 * SZ2M);			/* around */
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EEXIST);
	r = region(0, 10 * SZ2M, SZ2M);			/* adjacent */
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	/* And the other way round. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_map_pfns(mmu, 10 * SZ2M, 0x100000, 512, true, &pages_2m),
			-EEXIST);
	/* Gone once unmapped. */
	mhv_mmu_unmap_pfns(mmu, 8 * SZ2M, 1024);
	r = region(1, 8 * SZ2M, 2 * SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	/* A bounded number of them. */
	for (i = 0; i < MHV_MMU_MAX_FIXED; i++)
		KUNIT_ASSERT_EQ(test, mhv_mmu_map_pfns(mmu, (32 + i) * SZ2M, 0x100000, 512, true,
						       &pages_2m), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_map_pfns(mmu, 128 * SZ2M, 0x100000, 512, true, &pages_2m),
			-ENOSPC);
	for (i = 0; i < MHV_MMU_MAX_FIXED; i++)
		mhv_mmu_unmap_pfns(mmu, (32 + i) * SZ2M, 512);
}

static void region_delete_and_delete_empty(struct kunit *test)
{
	struct mhv_mmu *mmu = mmu_of(test);
	struct mhv_memory_region r;

	r = region(3, 0, SZ2M);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	r.size = 0;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EINVAL);
	/* The range is free again for another slot. */
	r = region(4, 0, SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
}

static void region_modify_moves_the_slot(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_mmu *mmu = mmu_of(test);
	struct mhv_memory_region r;

	r = region(0, 0, SZ2M);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(mmu, 0x1000, 0), MHV_FAULT_MAPPED);
	KUNIT_EXPECT_GT(test, vm->pinned, 0L);

	/* Same id, new place: the old pages go, the old range becomes MMIO. */
	r = region(0, 8 * SZ2M, SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	KUNIT_EXPECT_EQ(test, vm->flushes, 1u);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(mmu, 0x1000, 0), MHV_FAULT_MMIO);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(mmu, 8 * SZ2M, 0), MHV_FAULT_MAPPED);

	/* A modification that would overlap another slot leaves the old one. */
	r = region(1, 0, SZ2M);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	r = region(0, 0, 2 * SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(mmu, &r), -EEXIST);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(mmu, 8 * SZ2M + 0x1000, 0),
			MHV_FAULT_MAPPED);
}

static void region_set_pins_nothing(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_mmu *mmu = mmu_of(test);
	struct mhv_memory_region r = region(0, 0, 64 * SZ2M);
	struct mhv_mmu_stats st;

	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(mmu, &r), 0);
	mhv_mmu_get_stats(mmu, &st);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 0ULL);
	KUNIT_EXPECT_EQ(test, st.pool_used, 1ULL);
}

static struct kunit_case mhv_region_cases[] = {
	KUNIT_CASE(region_every_bad_field_has_its_errno),
	KUNIT_CASE(region_good_ones_are_accepted),
	KUNIT_CASE(region_overlap_is_eexist),
	KUNIT_CASE(region_and_pmem_range_exclude_each_other),
	KUNIT_CASE(region_delete_and_delete_empty),
	KUNIT_CASE(region_modify_moves_the_slot),
	KUNIT_CASE(region_set_pins_nothing),
	{}
};

static struct kunit_suite mhv_region_suite = {
	.name = "mhv_mmu_region",
	.init = mhv_fake_vm_init,
	.exit = mhv_fake_vm_exit,
	.test_cases = mhv_region_cases,
};

kunit_test_suite(mhv_region_suite);
