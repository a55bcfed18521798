// SPDX-License-Identifier: GPL-2.0
/* Pinning the VM owner's user memory behind a slot (FOLL_LONGTERM). */
#include <linux/mm.h>
#include <linux/sched.h>

#include "mmu/mmu_priv.h"

/*
 * A cheap look before pinning a whole frame: its first page must start a
 * folio of at least @nr pages (THP, hugetlb, devdax), or the frame cannot be
 * one large leaf and pinning it all would only populate memory for nothing.
 */
static bool user_frame_may_be_large(unsigned long uaddr, unsigned int nr,
				    unsigned int flags)
{
	struct page *page;
	bool large;

	if (pin_user_pages_fast(uaddr, 1, flags, &page) != 1)
		return false;
	large = IS_ALIGNED(page_to_pfn(page), nr) &&
		folio_nr_pages(page_folio(page)) >= nr;
	unpin_user_page(page);
	return large;
}

static int user_pin(struct mhv_mmu *mmu, unsigned long uaddr, unsigned int nr,
		    bool write, struct page **pages)
{
	unsigned int flags = FOLL_LONGTERM | (write ? FOLL_WRITE : 0);
	int got;

	/* Only the owner's memory: a passed-on VM fd must not pin another mm's. */
	if (!current->mm || current->mm != mmu->priv->mm)
		return -EFAULT;
	if (nr > 1 && !user_frame_may_be_large(uaddr, nr, flags))
		return -E2BIG;

	got = pin_user_pages_fast(uaddr, nr, flags, pages);
	if (got == nr)
		return 0;
	if (got > 0)
		unpin_user_pages(pages, got);
	return got < 0 ? got : -EFAULT;
}

static void user_unpin(struct mhv_mmu *mmu, struct page *page, unsigned int nr,
		       bool dirty)
{
	unpin_user_page_range_dirty_lock(page, nr, dirty);
}

const struct mhv_pin_ops mhv_user_pin_ops = {
	.pin = user_pin,
	.unpin = user_unpin,
};
