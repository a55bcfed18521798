// SPDX-License-Identifier: GPL-2.0
/* KUnit: ballooning (unmap, flush, scrub, unpin, accounting) and pool resizing. */
#include <kunit/test.h>
#include <linux/string.h>

#include "mmu/kunit_fake.h"

#define UADDR		0x10000000ULL
#define SZ4K		MHV_EPT_SIZE_4K
#define SZ2M		MHV_EPT_SIZE_2M
#define BASE		(4 * SZ2M)
#define QUAL_READ	BIT_ULL(0)
#define QUAL_WRITE	BIT_ULL(1)

static struct mhv_fake_vm *vm_with(struct kunit *test, bool large, u64 max_pages,
				   u32 flags, u64 size)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_memory_region r = {
		.flags = flags, .guest_phys_addr = BASE, .size = size,
		.userspace_addr = UADDR,
	};

	KUNIT_ASSERT_EQ(test, mhv_fake_mmu_init(test, large, max_pages, 0), 0);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	return vm;
}

static bool mapped(struct mhv_fake_vm *vm, u64 gpa, u64 *size)
{
	struct mhv_ept_leaf leaf;

	if (!mhv_ept_walk(&vm->mmu.priv->ept, gpa, &leaf))
		return false;
	if (size)
		*size = leaf.size;
	return true;
}

static struct mhv_mmu_stats stats(struct mhv_fake_vm *vm)
{
	struct mhv_mmu_stats st;

	mhv_mmu_get_stats(&vm->mmu, &st);
	return st;
}

static void touch(struct kunit *test, struct mhv_fake_vm *vm, u64 gpa, unsigned int n)
{
	u64 pattern = 0x5ec2e75ec2e7ULL;
	unsigned int i;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, mhv_mmu_write_guest(&vm->mmu, gpa + i * SZ4K, &pattern,
							  sizeof(pattern)), 0);
}

static void release_unmaps_flushes_scrubs_unpins(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, false, 0, 0, 16 * SZ4K);
	u64 v;

	touch(test, vm, BASE, 16);
	vm->first_unpin_seq = 0;
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE + 4 * SZ4K, 4), 4L);
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + 4 * SZ4K, NULL));
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + 7 * SZ4K, NULL));
	KUNIT_EXPECT_TRUE(test, mapped(vm, BASE + 8 * SZ4K, NULL));
	KUNIT_EXPECT_EQ(test, vm->pinned, 12L);
	KUNIT_EXPECT_GT(test, vm->first_unpin_seq, vm->last_flush_seq);
	KUNIT_EXPECT_EQ(test, vm->unpinned_nonzero, 0u);
	KUNIT_EXPECT_EQ(test, stats(vm).balloon_pages, 4ULL);
	KUNIT_EXPECT_EQ(test, stats(vm).pages_pinned, 12ULL);

	/* Gone until populated: MMIO for the guest, -EFAULT for the kernel. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 5 * SZ4K, QUAL_READ),
			MHV_FAULT_MMIO);
	KUNIT_EXPECT_EQ(test, mhv_mmu_read_guest(&vm->mmu, BASE + 5 * SZ4K, &v, sizeof(v)),
			-EFAULT);
	/* Giving back what is given back already releases nothing more. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE + 4 * SZ4K, 5), 1L);
	KUNIT_EXPECT_EQ(test, stats(vm).balloon_pages, 5ULL);
	KUNIT_EXPECT_EQ(test, vm->pinned, 11L);
}

static void populate_zeroes_maps_and_counts(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, false, 0, 0, 16 * SZ4K);
	u64 v = 1;

	touch(test, vm, BASE, 16);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE, 2), 2L);
	/* The owner's page now holds something else: the guest must not see it. */
	vm->fill = true;
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_populate(&vm->mmu, BASE, 4), 2L);
	KUNIT_EXPECT_TRUE(test, mapped(vm, BASE + SZ4K, NULL));
	KUNIT_EXPECT_EQ(test, mhv_mmu_read_guest(&vm->mmu, BASE + SZ4K + 8, &v, sizeof(v)), 0);
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	KUNIT_EXPECT_EQ(test, stats(vm).balloon_pages, 0ULL);
	KUNIT_EXPECT_EQ(test, stats(vm).pages_pinned, 16ULL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_populate(&vm->mmu, BASE, 4), 0L);
}

static void release_splits_2m_leaf_and_pin(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, true, 0, 0, SZ2M);
	u64 size = 0;

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_WRITE), MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pinned, 512L);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE + 9 * SZ4K, 1), 1L);
	KUNIT_EXPECT_EQ(test, vm->pinned, 511L);
	KUNIT_EXPECT_EQ(test, stats(vm).splits, 1ULL);
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + 9 * SZ4K, NULL));
	KUNIT_EXPECT_TRUE(test, mapped(vm, BASE + 10 * SZ4K, &size));
	KUNIT_EXPECT_EQ(test, size, SZ4K);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_populate(&vm->mmu, BASE + 9 * SZ4K, 1), 1L);
	KUNIT_EXPECT_EQ(test, vm->pinned, 512L);
	/* The whole frame back out: 511 split pins and the repopulated one. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE, 512), 512L);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	KUNIT_EXPECT_EQ(test, stats(vm).pages_mapped, 0ULL);
}

static void frame_with_ballooned_page_is_never_2m(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, true, 0, 0, SZ2M);
	u64 size = 0;

	/* Never touched: counted as given back, nothing was pinned. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE + 100 * SZ4K, 1), 1L);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ), MHV_FAULT_MAPPED);
	KUNIT_EXPECT_TRUE(test, mapped(vm, BASE, &size));
	KUNIT_EXPECT_EQ(test, size, SZ4K);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 0u);
}

static void balloon_bad_ranges_are_einval(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, false, 0, 0, 16 * SZ4K);
	struct mhv_memory_region ro = {
		.slot = 1, .flags = MHV_MEM_READONLY, .guest_phys_addr = 0,
		.size = 4 * SZ4K, .userspace_addr = UADDR,
	};
	struct mhv_mmu *mmu = &vm->mmu;

	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(mmu, &ro), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(mmu, BASE + 16 * SZ4K, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(mmu, BASE + 15 * SZ4K, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(mmu, BASE + 8, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(mmu, 0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(mmu, BASE, ~0ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(mmu, -SZ4K, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_populate(mmu, BASE + 16 * SZ4K, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(mmu, BASE, 0), 0L);
	KUNIT_EXPECT_EQ(test, stats(vm).balloon_pages, 0ULL);
}

static void populate_respects_max_pages(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, false, 4, 0, 8 * SZ4K);

	touch(test, vm, BASE, 4);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE, 2), 2L);
	touch(test, vm, BASE + 4 * SZ4K, 2);
	KUNIT_EXPECT_EQ(test, vm->pinned, 4L);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_populate(&vm->mmu, BASE, 2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, stats(vm).balloon_pages, 2ULL);
	KUNIT_EXPECT_EQ(test, vm->pinned, 4L);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE + 4 * SZ4K, 1), 1L);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_populate(&vm->mmu, BASE, 2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_populate(&vm->mmu, BASE, 1), 1L);
	KUNIT_EXPECT_EQ(test, vm->pinned, 4L);
}

static void deleting_slot_forgets_its_balloon(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, false, 0, 0, 16 * SZ4K);
	struct mhv_memory_region del = { .slot = 0 };

	touch(test, vm, BASE, 8);
	KUNIT_EXPECT_EQ(test, mhv_mmu_balloon_release(&vm->mmu, BASE + 4 * SZ4K, 8), 8L);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &del), 0);
	KUNIT_EXPECT_EQ(test, stats(vm).balloon_pages, 0ULL);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
}

static void pool_grows_and_shrinks_to_what_is_used(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_memory_region r = {
		.guest_phys_addr = BASE, .size = 2 * SZ2M, .userspace_addr = UADDR,
	};
	struct mhv_pool *pool;

	KUNIT_ASSERT_EQ(test, mhv_fake_mmu_init(test, false, 0, 3), 0);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	pool = &vm->mmu.priv->pool;
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ), -ENOMEM);
	/* The run returned the error; the VMM grows the pool and the fault works. */
	KUNIT_EXPECT_EQ(test, mhv_pool_resize(pool, 8), 0);
	KUNIT_EXPECT_EQ(test, pool->total, 8u);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ), MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ2M, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(pool), 5u);
	KUNIT_EXPECT_EQ(test, mhv_pool_resize(pool, 4), -EBUSY);
	KUNIT_EXPECT_EQ(test, mhv_pool_resize(pool, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_pool_resize(pool, MHV_POOL_MAX_PAGES + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_pool_resize(pool, 5), 0);
	KUNIT_EXPECT_EQ(test, pool->total, 5u);
	KUNIT_EXPECT_EQ(test, pool->nr_free, 0u);
	KUNIT_EXPECT_EQ(test, stats(vm).pool_total, 5ULL);
	/* Tables freed after the shrink go back onto the smaller pool. */
	r.size = 0;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, pool->nr_free, 4u);
	KUNIT_EXPECT_EQ(test, mhv_pool_resize(pool, 1), 0);
	KUNIT_EXPECT_EQ(test, mhv_pool_resize(pool, 64), 0);
	KUNIT_EXPECT_EQ(test, pool->nr_free, 63u);
}

static struct kunit_case mhv_balloon_cases[] = {
	KUNIT_CASE(release_unmaps_flushes_scrubs_unpins),
	KUNIT_CASE(populate_zeroes_maps_and_counts),
	KUNIT_CASE(release_splits_2m_leaf_and_pin),
	KUNIT_CASE(frame_with_ballooned_page_is_never_2m),
	KUNIT_CASE(balloon_bad_ranges_are_einval),
	KUNIT_CASE(populate_respects_max_pages),
	KUNIT_CASE(deleting_slot_forgets_its_balloon),
	KUNIT_CASE(pool_grows_and_shrinks_to_what_is_used),
	{}
};

static struct kunit_suite mhv_balloon_suite = {
	.name = "mhv_mmu_balloon",
	.init = mhv_fake_vm_init,
	.exit = mhv_fake_vm_exit,
	.test_cases = mhv_balloon_cases,
};

kunit_test_suite(mhv_balloon_suite);
