// SPDX-License-Identifier: GPL-2.0
/* KUnit only: fake pinning from kernel pages and a recording TLB flush. */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "mmu/kunit_fake.h"

static struct mhv_fake_vm *to_fake(struct mhv_mmu *mmu)
{
	return container_of(mmu, struct mhv_fake_vm, mmu);
}

/* Order @order pages as independent order-0 pages, each freed on its own. */
static struct page *alloc_split(unsigned int order)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);

	if (page)
		split_page(page, order);
	return page;
}

static int fake_pin_2m(struct mhv_fake_vm *vm, struct page **pages)
{
	unsigned int i, skip = vm->mode == MHV_FAKE_2M_MISALIGNED ? 1 : 0;
	unsigned int order = skip ? 10 : 9;
	struct page *page;

	vm->pins_2m++;
	if (vm->mode == MHV_FAKE_2M_REFUSE)
		return -E2BIG;
	page = alloc_split(order);
	if (!page)
		return -ENOMEM;
	/* A 2M-aligned order-10 block shifted by one page: contiguous, unaligned. */
	for (i = 0; i < (1U << order); i++) {
		if (i >= skip && i < skip + MHV_EPT_PAGES_2M)
			pages[i - skip] = nth_page(page, i);
		else
			__free_page(nth_page(page, i));
	}
	vm->pinned += MHV_EPT_PAGES_2M;
	return 0;
}

static int fake_pin(struct mhv_mmu *mmu, unsigned long uaddr, unsigned int nr,
		    bool write, struct page **pages)
{
	struct mhv_fake_vm *vm = to_fake(mmu);

	if (vm->fail_pin)
		return vm->fail_pin;
	if (nr == MHV_EPT_PAGES_2M)
		return fake_pin_2m(vm, pages);
	if (nr != 1)
		return -EINVAL;
	pages[0] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pages[0])
		return -ENOMEM;
	/* Stale data the owner left there: a repopulated page must not show it. */
	if (vm->fill)
		memset(page_address(pages[0]), 0xaa, PAGE_SIZE);
	vm->pinned++;
	return 0;
}

static void fake_unpin(struct mhv_mmu *mmu, struct page *page, unsigned int nr,
		       bool dirty)
{
	struct mhv_fake_vm *vm = to_fake(mmu);
	unsigned int i;

	if (!vm->first_unpin_seq)
		vm->first_unpin_seq = ++vm->seq;
	for (i = 0; i < nr; i++) {
		if (memchr_inv(page_address(nth_page(page, i)), 0, PAGE_SIZE))
			vm->unpinned_nonzero++;
		__free_page(nth_page(page, i));
	}
	vm->pinned -= nr;
}

static void fake_flush(struct mhv_mmu *mmu)
{
	struct mhv_fake_vm *vm = to_fake(mmu);

	vm->flushes++;
	vm->last_flush_seq = ++vm->seq;
}

static const struct mhv_pin_ops fake_pin_ops = {
	.pin = fake_pin,
	.unpin = fake_unpin,
};

static const struct mhv_mmu_ops fake_mmu_ops = {
	.flush_tlbs = fake_flush,
};

int mhv_fake_vm_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct mhv_fake_vm), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

void mhv_fake_vm_exit(struct kunit *test)
{
	struct mhv_fake_vm *vm = test->priv;

	if (vm->live)
		mhv_mmu_destroy(&vm->mmu);
	/* Whatever the test did, every fake pin must be gone by now. */
	KUNIT_EXPECT_EQ(test, vm->pinned, 0L);
}

int mhv_fake_mmu_init(struct kunit *test, bool large, u64 max_pages, u64 pool_pages)
{
	struct mhv_fake_vm *vm = test->priv;
	const struct mhv_mmu_params params = {
		.max_pages = max_pages,
		.pool_pages = pool_pages,
		.large_pages = large,
		.pin_ops = &fake_pin_ops,
	};
	int ret;

	ret = mhv_mmu_init_params(&vm->mmu, &fake_mmu_ops, &params);
	vm->live = !ret;
	return ret;
}
