// SPDX-License-Identifier: GPL-2.0
/* KUnit: log-dirty (bitmap, write-protect, 2M split) and MHV_MEM_PREFAULT. */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/string.h>

#include "mmu/kunit_fake.h"

#define UADDR		0x10000000ULL
#define SZ4K		MHV_EPT_SIZE_4K
#define SZ2M		MHV_EPT_SIZE_2M
#define BASE		(4 * SZ2M)
#define QUAL_READ	BIT_ULL(0)
#define QUAL_WRITE	BIT_ULL(1)

static struct mhv_memory_region region(u32 flags, u64 size)
{
	struct mhv_memory_region r = {
		.slot = 0, .flags = flags, .guest_phys_addr = BASE,
		.size = size, .userspace_addr = UADDR,
	};

	return r;
}

static struct mhv_fake_vm *vm_with(struct kunit *test, bool large, u64 max_pages,
				   u32 flags, u64 size)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_memory_region r = region(flags, size);

	KUNIT_ASSERT_EQ(test, mhv_fake_mmu_init(test, large, max_pages, 0), 0);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	return vm;
}

static u64 entry(struct mhv_fake_vm *vm, u64 gpa, u64 *size)
{
	struct mhv_ept_leaf leaf = { };

	if (!mhv_ept_walk(&vm->mmu.priv->ept, gpa, &leaf))
		return 0;
	if (size)
		*size = leaf.size;
	return leaf.entry;
}

static int copy_kernel(u64 dst, const void *src, size_t len)
{
	memcpy((void *)(unsigned long)dst, src, len);
	return 0;
}

static int copy_fails(u64 dst, const void *src, size_t len)
{
	return -EFAULT;
}

static int fetch(struct mhv_fake_vm *vm, u32 id, unsigned long *bits)
{
	return mhv_dirty_fetch(&vm->mmu, id, (unsigned long)bits, copy_kernel);
}

static void dirty_write_fault_sets_bit_and_fetch_rearms(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, true, 0, MHV_MEM_LOG_DIRTY, 16 * SZ4K);
	unsigned long bits[1] = { };
	unsigned int flushes;
	u64 size = 0;

	/* Reads map without W, at 4K even where a 2M frame could be. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ4K, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, entry(vm, BASE + SZ4K, &size) & MHV_EPT_W, 0ULL);
	KUNIT_EXPECT_EQ(test, size, SZ4K);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 0u);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 3 * SZ4K, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_NE(test, entry(vm, BASE + 3 * SZ4K, NULL) & MHV_EPT_W, 0ULL);
	/* The write to the read-mapped page: W restored, bit set. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ4K, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_NE(test, entry(vm, BASE + SZ4K, NULL) & MHV_EPT_W, 0ULL);

	flushes = vm->flushes;
	KUNIT_EXPECT_EQ(test, fetch(vm, 0, bits), 0);
	KUNIT_EXPECT_EQ(test, bits[0], BIT(1) | BIT(3));
	/* Re-armed: W gone, TLBs flushed before the call returned. */
	KUNIT_EXPECT_EQ(test, entry(vm, BASE + SZ4K, NULL) & MHV_EPT_W, 0ULL);
	KUNIT_EXPECT_EQ(test, entry(vm, BASE + 3 * SZ4K, NULL) & MHV_EPT_W, 0ULL);
	KUNIT_EXPECT_EQ(test, vm->flushes, flushes + 1);
	KUNIT_EXPECT_EQ(test, fetch(vm, 0, bits), 0);
	KUNIT_EXPECT_EQ(test, bits[0], 0UL);
	/* The next write is caught again. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 3 * SZ4K, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, fetch(vm, 0, bits), 0);
	KUNIT_EXPECT_EQ(test, bits[0], BIT(3));
	KUNIT_EXPECT_EQ(test, vm->pinned, 2L);
}

static void dirty_enable_in_place_splits_2m_keeps_pins(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, true, 0, 0, SZ2M);
	struct mhv_memory_region r = region(MHV_MEM_LOG_DIRTY, SZ2M);
	unsigned long bits[MHV_EPT_PAGES_2M / BITS_PER_LONG] = { };
	struct mhv_mmu_stats st;
	u64 size = 0;

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	entry(vm, BASE, &size);
	KUNIT_EXPECT_EQ(test, size, SZ2M);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, entry(vm, BASE + 7 * SZ4K, &size) & MHV_EPT_W, 0ULL);
	KUNIT_EXPECT_EQ(test, size, SZ4K);
	KUNIT_EXPECT_GE(test, vm->flushes, 1u);
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.splits, 1ULL);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 512ULL);
	KUNIT_EXPECT_EQ(test, vm->pinned, 512L);
	KUNIT_EXPECT_EQ(test, vm->first_unpin_seq, 0u);

	/* Only the written page becomes writable and dirty. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 5 * SZ4K, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_NE(test, entry(vm, BASE + 5 * SZ4K, NULL) & MHV_EPT_W, 0ULL);
	KUNIT_EXPECT_EQ(test, entry(vm, BASE + 6 * SZ4K, NULL) & MHV_EPT_W, 0ULL);
	KUNIT_EXPECT_EQ(test, fetch(vm, 0, bits), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(bits, MHV_EPT_PAGES_2M), 1u);
	KUNIT_EXPECT_TRUE(test, test_bit(5, bits));

	/* Off again in place: pins kept, a write is simply allowed. */
	r.flags = 0;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, fetch(vm, 0, bits), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 6 * SZ4K, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pinned, 512L);
}

static void dirty_fetch_errors(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, false, 0, MHV_MEM_LOG_DIRTY, 8 * SZ4K);
	struct mhv_memory_region plain = region(0, SZ4K);
	unsigned long bits[1] = { };

	plain.slot = 1;
	plain.guest_phys_addr = 0;
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &plain), 0);
	KUNIT_EXPECT_EQ(test, fetch(vm, MHV_MMU_MAX_SLOTS, bits), -EINVAL);
	KUNIT_EXPECT_EQ(test, fetch(vm, 2, bits), -ENOENT);
	KUNIT_EXPECT_EQ(test, fetch(vm, 1, bits), -EINVAL);

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 2 * SZ4K, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	/* A failed copy clears nothing: the bits come with the next call. */
	KUNIT_EXPECT_EQ(test, mhv_dirty_fetch(&vm->mmu, 0, 0, copy_fails), -EFAULT);
	KUNIT_EXPECT_NE(test, entry(vm, BASE + 2 * SZ4K, NULL) & MHV_EPT_W, 0ULL);
	KUNIT_EXPECT_EQ(test, fetch(vm, 0, bits), 0);
	KUNIT_EXPECT_EQ(test, bits[0], BIT(2));
}

static void dirty_kernel_write_is_logged(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, false, 0, MHV_MEM_LOG_DIRTY, 8 * SZ4K);
	unsigned long bits[1] = { };
	u64 v = 42;

	KUNIT_EXPECT_EQ(test, mhv_mmu_read_guest(&vm->mmu, BASE + SZ4K, &v, sizeof(v)), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_write_guest(&vm->mmu, BASE + 4 * SZ4K, &v, sizeof(v)), 0);
	KUNIT_EXPECT_EQ(test, fetch(vm, 0, bits), 0);
	KUNIT_EXPECT_EQ(test, bits[0], BIT(4));
}

static void prefault_maps_whole_slot(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, false, 0, MHV_MEM_PREFAULT, 16 * SZ4K);
	struct mhv_mmu_stats st;
	unsigned int i;

	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_NE(test, entry(vm, BASE + i * SZ4K, NULL) & MHV_EPT_W, 0ULL);
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 16ULL);
	KUNIT_EXPECT_EQ(test, st.pages_pinned, 16ULL);
	KUNIT_EXPECT_EQ(test, st.faults, 0ULL);
	KUNIT_EXPECT_EQ(test, vm->pinned, 16L);
}

static void prefault_uses_2m_and_logged_is_read_only(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with(test, true, 0, MHV_MEM_PREFAULT, 2 * SZ2M);
	struct mhv_memory_region r = region(MHV_MEM_PREFAULT | MHV_MEM_LOG_DIRTY, SZ4K * 4);
	u64 size = 0;

	entry(vm, BASE + SZ2M + SZ4K, &size);
	KUNIT_EXPECT_EQ(test, size, SZ2M);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 2u);
	KUNIT_EXPECT_EQ(test, vm->pinned, 1024L);

	r.slot = 1;
	r.guest_phys_addr = 0;
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	KUNIT_EXPECT_NE(test, entry(vm, 3 * SZ4K, &size), 0ULL);
	KUNIT_EXPECT_EQ(test, entry(vm, 3 * SZ4K, &size) & MHV_EPT_W, 0ULL);
}

static void prefault_past_max_pages_changes_nothing(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_memory_region r = region(MHV_MEM_PREFAULT, 16 * SZ4K);
	struct mhv_mmu_stats st;

	KUNIT_ASSERT_EQ(test, mhv_fake_mmu_init(test, false, 8, 0), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), -ENOSPC);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ), MHV_FAULT_MMIO);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);

	/* In place on a lazy slot: it stays, with what it had. */
	r.flags = 0;
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ), MHV_FAULT_MAPPED);
	r.flags = MHV_MEM_PREFAULT;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), -ENOSPC);
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 1ULL);
	KUNIT_EXPECT_EQ(test, vm->pinned, 1L);
	/* Exactly at the cap is fine. */
	r.size = 8 * SZ4K;
	r.slot = 1;
	r.guest_phys_addr = 0;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), -ENOSPC);
	r.size = 7 * SZ4K;
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, vm->pinned, 8L);
}

static void prefault_failure_removes_the_slot(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_memory_region r = region(MHV_MEM_PREFAULT, 2 * SZ2M);
	struct mhv_mmu_stats st;

	/* Root, PDPT, PD and one page table: the second 2M frame's table does not fit. */
	KUNIT_ASSERT_EQ(test, mhv_fake_mmu_init(test, false, 0, 4), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 0ULL);
	KUNIT_EXPECT_EQ(test, st.pool_used, 1ULL);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ), MHV_FAULT_MMIO);
}

static struct kunit_case mhv_dirty_cases[] = {
	KUNIT_CASE(dirty_write_fault_sets_bit_and_fetch_rearms),
	KUNIT_CASE(dirty_enable_in_place_splits_2m_keeps_pins),
	KUNIT_CASE(dirty_fetch_errors),
	KUNIT_CASE(dirty_kernel_write_is_logged),
	KUNIT_CASE(prefault_maps_whole_slot),
	KUNIT_CASE(prefault_uses_2m_and_logged_is_read_only),
	KUNIT_CASE(prefault_past_max_pages_changes_nothing),
	KUNIT_CASE(prefault_failure_removes_the_slot),
	{}
};

static struct kunit_suite mhv_dirty_suite = {
	.name = "mhv_mmu_dirty",
	.init = mhv_fake_vm_init,
	.exit = mhv_fake_vm_exit,
	.test_cases = mhv_dirty_cases,
};

kunit_test_suite(mhv_dirty_suite);
