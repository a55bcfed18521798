// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: lazy population on EPT violations, 2M selection, max_pages, slot
 * deletion order and guest memory access, with pinning faked from kernel
 * pages.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>

#include "mmu/kunit_fake.h"

#define UADDR		0x10000000ULL	/* 2M aligned user address */
#define SZ4K		MHV_EPT_SIZE_4K
#define SZ2M		MHV_EPT_SIZE_2M
#define BASE		(4 * SZ2M)	/* the test slot's guest-physical base */
#define QUAL_READ	BIT_ULL(0)
#define QUAL_WRITE	BIT_ULL(1)

static struct mhv_fake_vm *vm_with_slot(struct kunit *test, bool large,
					u64 max_pages, u64 size, u32 flags)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_memory_region r = {
		.slot = 0, .flags = flags, .guest_phys_addr = BASE,
		.size = size, .userspace_addr = UADDR,
	};

	KUNIT_ASSERT_EQ(test, mhv_fake_mmu_init(test, large, max_pages, 0), 0);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	return vm;
}

static struct mhv_ept_leaf walk(struct kunit *test, struct mhv_fake_vm *vm, u64 gpa)
{
	struct mhv_ept_leaf leaf = { };

	KUNIT_EXPECT_TRUE(test, mhv_ept_walk(&vm->mmu.priv->ept, gpa, &leaf));
	return leaf;
}

static bool mapped(struct mhv_fake_vm *vm, u64 gpa)
{
	struct mhv_ept_leaf leaf;

	return mhv_ept_walk(&vm->mmu.priv->ept, gpa, &leaf);
}

static void fault_maps_lazily_one_page(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, false, 0, 16 * SZ4K, 0);
	struct mhv_mmu_stats st;
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + 3 * SZ4K));
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 0x3abc, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	leaf = walk(test, vm, BASE + 0x3abc);
	KUNIT_EXPECT_EQ(test, leaf.size, SZ4K);
	KUNIT_EXPECT_EQ(test, leaf.entry & MHV_EPT_RWX, MHV_EPT_RWX);
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + 2 * SZ4K));
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + 4 * SZ4K));
	KUNIT_EXPECT_EQ(test, vm->pinned, 1L);

	/* The race of two vCPUs: the second finds it mapped, pins nothing. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 0x3000, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pinned, 1L);

	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.faults, 2ULL);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 1ULL);
	KUNIT_EXPECT_EQ(test, st.pages_pinned, 1ULL);
	KUNIT_EXPECT_EQ(test, st.pages_2m, 0ULL);
	KUNIT_EXPECT_EQ(test, st.mmio_faults, 0ULL);
	KUNIT_EXPECT_EQ(test, st.pool_used, 4ULL);
	KUNIT_EXPECT_EQ(test, st.pool_total, (u64)MHV_POOL_DEFAULT_PAGES);
}

static void fault_outside_slots_is_mmio(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 0, SZ2M, 0);
	struct mhv_mmu_stats st;

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE - 1, QUAL_READ),
			MHV_FAULT_MMIO);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ2M, QUAL_WRITE),
			MHV_FAULT_MMIO);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.mmio_faults, 2ULL);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 0ULL);
}

static void fault_readonly_slot_maps_reads_and_exits_writes(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, false, 0, 4 * SZ4K, MHV_MEM_READONLY);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ4K, QUAL_WRITE),
			MHV_FAULT_MMIO);
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + SZ4K));
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ4K, QUAL_READ),
			MHV_FAULT_MAPPED);
	leaf = walk(test, vm, BASE + SZ4K);
	KUNIT_EXPECT_EQ(test, leaf.entry & MHV_EPT_RWX, MHV_EPT_R | MHV_EPT_X);
	/* Mapped read-only, a write still exits. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ4K, QUAL_WRITE),
			MHV_FAULT_MMIO);
}

static void fault_maps_2m_when_pages_contiguous(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 0, 2 * SZ2M, 0);
	struct mhv_ept_leaf leaf;
	struct mhv_mmu_stats st;

	vm->mode = MHV_FAKE_2M_CONTIG;
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ2M + 0x5123, QUAL_READ),
			MHV_FAULT_MAPPED);
	leaf = walk(test, vm, BASE + SZ2M + 0x5123);
	KUNIT_EXPECT_EQ(test, leaf.size, SZ2M);
	KUNIT_EXPECT_TRUE(test, leaf.entry & MHV_EPT_LARGE);
	KUNIT_EXPECT_TRUE(test, mapped(vm, BASE + SZ2M));
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE));
	KUNIT_EXPECT_EQ(test, vm->pinned, 512L);
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.pages_2m, 1ULL);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 512ULL);
	KUNIT_EXPECT_EQ(test, st.pages_pinned, 512ULL);
}

static void fault_falls_back_to_4k_when_not_aligned(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 0, SZ2M, 0);
	struct mhv_ept_leaf leaf;

	vm->mode = MHV_FAKE_2M_MISALIGNED;
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 7 * SZ4K, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 1u);
	leaf = walk(test, vm, BASE + 7 * SZ4K);
	KUNIT_EXPECT_EQ(test, leaf.size, SZ4K);
	/* The 511 other pins were dropped: only the mapped page stays pinned. */
	KUNIT_EXPECT_EQ(test, vm->pinned, 1L);
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + 6 * SZ4K));

	/* With a page table in the frame, no further 2M attempt is made. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 1u);
	KUNIT_EXPECT_EQ(test, vm->pinned, 2L);
}

static void fault_falls_back_to_4k_when_refused(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 0, SZ2M, 0);

	vm->mode = MHV_FAKE_2M_REFUSE;
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, walk(test, vm, BASE).size, SZ4K);
	KUNIT_EXPECT_EQ(test, vm->pinned, 1L);
}

static void fault_no_2m_when_forced_off_or_frame_not_in_slot(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_memory_region r = {
		.slot = 1, .guest_phys_addr = 16 * SZ2M, .size = SZ2M - SZ4K,
		.userspace_addr = UADDR,
	};

	/* Large pages forced off: contiguous memory is mapped 4K. */
	vm = vm_with_slot(test, false, 0, SZ2M, 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, walk(test, vm, BASE).size, SZ4K);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 0u);

	/* A slot one page short of the 2M frame never gets a large leaf. */
	vm->mmu.priv->ept.large_pages = true;
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, 16 * SZ2M, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, walk(test, vm, 16 * SZ2M).size, SZ4K);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 0u);
}

static void fault_enforces_max_pages(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 2, SZ2M, 0);
	struct mhv_mmu_stats st;

	/* 512 pages would exceed the cap: 4K leaves instead of 2M. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 0u);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ4K, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 2 * SZ4K, QUAL_READ),
			-ENOSPC);
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + 2 * SZ4K));
	/* Pages already owned still fault in fine. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ4K, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.pages_pinned, 2ULL);
	KUNIT_EXPECT_EQ(test, vm->pinned, 2L);
}

static void fault_pin_error_is_returned(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 0, SZ2M, 0);

	vm->fail_pin = -EFAULT;
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ), -EFAULT);
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE));
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
}

static void fault_pool_exhausted_is_enomem(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;
	struct mhv_memory_region r = {
		.guest_phys_addr = BASE, .size = SZ2M, .userspace_addr = UADDR,
	};
	struct mhv_mmu_stats st;

	/* Root, PDPT, PD: the 4K leaf's page table does not fit. */
	KUNIT_ASSERT_EQ(test, mhv_fake_mmu_init(test, false, 0, 3), 0);
	KUNIT_ASSERT_EQ(test, mhv_mmu_set_region(&vm->mmu, &r), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ), -ENOMEM);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.pool_used, 1ULL);
	KUNIT_EXPECT_EQ(test, st.pages_pinned, 0ULL);

	/* A 2M leaf needs no page table: that one still fits. */
	vm->mmu.priv->ept.large_pages = true;
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pinned, 512L);
}

static void delete_slot_flushes_before_unpinning(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 0, 2 * SZ2M, 0);
	struct mhv_memory_region del = { .slot = 0 };
	struct mhv_mmu_stats st;

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ),
			MHV_FAULT_MAPPED);
	vm->mode = MHV_FAKE_2M_REFUSE;
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ2M, QUAL_READ),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pinned, 513L);
	KUNIT_EXPECT_EQ(test, vm->flushes, 0u);

	KUNIT_EXPECT_EQ(test, mhv_mmu_set_region(&vm->mmu, &del), 0);
	KUNIT_EXPECT_EQ(test, vm->flushes, 1u);
	KUNIT_EXPECT_GT(test, vm->first_unpin_seq, vm->last_flush_seq);
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE));
	KUNIT_EXPECT_FALSE(test, mapped(vm, BASE + SZ2M));
	mhv_mmu_get_stats(&vm->mmu, &st);
	KUNIT_EXPECT_EQ(test, st.pages_mapped, 0ULL);
	KUNIT_EXPECT_EQ(test, st.pages_pinned, 0ULL);
	KUNIT_EXPECT_EQ(test, st.pool_used, 1ULL);
	/* The range is MMIO now. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ),
			MHV_FAULT_MMIO);
}

static void destroy_unpins_everything(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 0, 2 * SZ2M, 0);

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_READ),
			MHV_FAULT_MAPPED);
	vm->mode = MHV_FAKE_2M_MISALIGNED;
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + SZ2M, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, vm->pinned, 513L);
	vm->first_unpin_seq = 0;	/* the fallback above dropped 511 pins */
	mhv_mmu_destroy(&vm->mmu);
	vm->live = false;
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
	KUNIT_EXPECT_EQ(test, vm->flushes, 1u);
	KUNIT_EXPECT_GT(test, vm->first_unpin_seq, vm->last_flush_seq);
}

static void fault_restores_cut_write_permission(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, false, 0, SZ2M, 0);

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	/* As dirty logging will: write-protect, then take the write fault. */
	KUNIT_EXPECT_EQ(test, mhv_ept_protect(&vm->mmu.priv->ept, BASE, SZ4K,
					      MHV_EPT_R | MHV_EPT_X), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	KUNIT_EXPECT_TRUE(test, walk(test, vm, BASE).entry & MHV_EPT_W);
	KUNIT_EXPECT_EQ(test, vm->pinned, 1L);
}

static void fault_unmapped_pin_is_mapped_again_without_pinning(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, true, 0, SZ2M, 0);
	struct mhv_ept_leaf leaf;
	u64 hpa;

	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 0x3000, QUAL_READ),
			MHV_FAULT_MAPPED);
	hpa = walk(test, vm, BASE).hpa;
	KUNIT_EXPECT_EQ(test, mhv_ept_unmap(&vm->mmu.priv->ept, BASE, SZ2M), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 0x3000, QUAL_READ),
			MHV_FAULT_MAPPED);
	leaf = walk(test, vm, BASE);
	KUNIT_EXPECT_EQ(test, leaf.size, SZ2M);
	KUNIT_EXPECT_EQ(test, leaf.hpa, hpa);
	KUNIT_EXPECT_EQ(test, vm->pins_2m, 1u);
	KUNIT_EXPECT_EQ(test, vm->pinned, 512L);

	/* Only part of the frame unmapped: the same pin comes back as 4K. */
	KUNIT_EXPECT_EQ(test, mhv_ept_unmap(&vm->mmu.priv->ept, BASE + 0x5000, SZ4K), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_handle_fault(&vm->mmu, BASE + 0x5000, QUAL_WRITE),
			MHV_FAULT_MAPPED);
	leaf = walk(test, vm, BASE + 0x5000);
	KUNIT_EXPECT_EQ(test, leaf.size, SZ4K);
	KUNIT_EXPECT_EQ(test, leaf.hpa, hpa + 0x5000);
	KUNIT_EXPECT_EQ(test, vm->pinned, 512L);
}

static void guest_copy_crosses_pages(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, false, 0, 4 * SZ4K, 0);
	const size_t len = SZ4K + 2000;
	u8 *in, *out, *va;
	size_t i;

	in = kunit_kmalloc(test, len, GFP_KERNEL);
	out = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < len; i++)
		in[i] = i * 7 + 1;

	/* From the last 100 bytes of page 0 into page 2. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_write_guest(&vm->mmu, BASE + SZ4K - 100, in, len), 0);
	KUNIT_EXPECT_EQ(test, mhv_mmu_read_guest(&vm->mmu, BASE + SZ4K - 100, out, len), 0);
	KUNIT_EXPECT_TRUE(test, !memcmp(in, out, len));
	KUNIT_EXPECT_EQ(test, vm->pinned, 3L);

	/* The bytes are in the pinned page the EPT maps, not somewhere else. */
	va = kmap_local_page(pfn_to_page(PHYS_PFN(walk(test, vm, BASE + SZ4K).hpa)));
	KUNIT_EXPECT_EQ(test, va[0], in[100]);
	kunmap_local(va);

	/* Running off the slot's end fails. */
	KUNIT_EXPECT_EQ(test, mhv_mmu_read_guest(&vm->mmu, BASE + 4 * SZ4K - 8, out, 16),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, mhv_mmu_read_guest(&vm->mmu, 0, out, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, mhv_mmu_read_guest(&vm->mmu, -8ULL, out, 16), -EFAULT);
}

static void guest_write_to_readonly_slot_fails(struct kunit *test)
{
	struct mhv_fake_vm *vm = vm_with_slot(test, false, 0, SZ4K, MHV_MEM_READONLY);
	u32 v = 0x12345678;

	KUNIT_EXPECT_EQ(test, mhv_mmu_write_guest(&vm->mmu, BASE, &v, sizeof(v)), -EFAULT);
	KUNIT_EXPECT_EQ(test, mhv_mmu_read_guest(&vm->mmu, BASE, &v, sizeof(v)), 0);
	KUNIT_EXPECT_EQ(test, v, 0u);
}

static struct kunit_case mhv_fault_cases[] = {
	KUNIT_CASE(fault_maps_lazily_one_page),
	KUNIT_CASE(fault_outside_slots_is_mmio),
	KUNIT_CASE(fault_readonly_slot_maps_reads_and_exits_writes),
	KUNIT_CASE(fault_maps_2m_when_pages_contiguous),
	KUNIT_CASE(fault_falls_back_to_4k_when_not_aligned),
	KUNIT_CASE(fault_falls_back_to_4k_when_refused),
	KUNIT_CASE(fault_no_2m_when_forced_off_or_frame_not_in_slot),
	KUNIT_CASE(fault_enforces_max_pages),
	KUNIT_CASE(fault_pin_error_is_returned),
	KUNIT_CASE(fault_pool_exhausted_is_enomem),
	KUNIT_CASE(delete_slot_flushes_before_unpinning),
	KUNIT_CASE(destroy_unpins_everything),
	KUNIT_CASE(fault_restores_cut_write_permission),
	KUNIT_CASE(fault_unmapped_pin_is_mapped_again_without_pinning),
	KUNIT_CASE(guest_copy_crosses_pages),
	KUNIT_CASE(guest_write_to_readonly_slot_fails),
	{}
};

static struct kunit_suite mhv_fault_suite = {
	.name = "mhv_mmu_fault",
	.init = mhv_fake_vm_init,
	.exit = mhv_fake_vm_exit,
	.test_cases = mhv_fault_cases,
};

kunit_test_suite(mhv_fault_suite);
