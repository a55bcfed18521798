// SPDX-License-Identifier: GPL-2.0
/*
 * Ballooning (Xen's decrease_reservation / populate_physmap). Giving pages
 * back unmaps them (4K, splitting large leaves and large pins), flushes,
 * scrubs and unpins them: they stop counting against max_pages and a guest
 * access to them is an MMIO exit until the guest populates them again.
 *
 * Scrubbing happens on both sides. On release, so the guest's data does not
 * outlive its ownership in the caller's memory (which may be handed to
 * another guest). On populate, because that is the promise to the guest:
 * between the two, the owner may have written to or replaced the page
 * behind that address, and the guest must read zeros whatever it did.
 *
 * Only writable RAM slots take part; a range must lie inside one slot.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/xarray.h>

#include "mmu/mmu_priv.h"

#define BALLOONED	xa_mk_value(1)
#define BALLOONING	xa_mk_value(2)	/* stored by a release still in progress */

/* The writable slot holding all of [gpa, gpa + nr pages), or NULL. */
static struct mhv_slot *balloon_slot(struct mhv_mmu_private *priv, u64 gpa, u64 nr)
{
	struct mhv_slot *slot;

	if (!nr || !PAGE_ALIGNED(gpa) || gpa >= MHV_GPA_LIMIT ||
	    nr > (MHV_GPA_LIMIT - gpa) >> PAGE_SHIFT)
		return NULL;
	slot = mhv_slot_find(priv, gpa);
	if (!slot || !mhv_slot_writable(slot) ||
	    mhv_slot_index(slot, gpa) + nr > slot->npages)
		return NULL;
	return slot;
}

/* A 2M pin only partly inside [first, last] becomes 512 4K pins. */
static int split_pin(struct mhv_slot *slot, unsigned long idx,
		     unsigned long first, unsigned long last)
{
	u64 gpa = slot->gpa + ((u64)idx << PAGE_SHIFT);
	u64 frame = ALIGN_DOWN(gpa, MHV_EPT_SIZE_2M);
	unsigned long head, i;
	struct page *page;
	int ret;

	if (frame < slot->gpa)
		return 0;
	head = mhv_slot_index(slot, frame);
	page = xa_load(&slot->pins, head);
	if (!page || !xa_get_mark(&slot->pins, head, MHV_PIN_2M) ||
	    (head >= first && head + MHV_EPT_PAGES_2M - 1 <= last))
		return 0;
	for (i = 1; i < MHV_EPT_PAGES_2M; i++) {
		ret = xa_err(xa_store(&slot->pins, head + i, nth_page(page, i),
				      GFP_KERNEL_ACCOUNT));
		if (ret) {
			while (--i)
				xa_erase(&slot->pins, head + i);
			return ret;
		}
	}
	/* Pins are counted per page, so each 4K one can go on its own. */
	xa_clear_mark(&slot->pins, head, MHV_PIN_2M);
	return 0;
}

/* Mark the pages not yet ballooned; returns how many, or -ENOMEM with none marked. */
static long mark_ballooned(struct mhv_slot *slot, unsigned long first, unsigned long last)
{
	unsigned long idx;
	long newly = 0;
	void *entry;
	int ret;

	for (idx = first; idx <= last; idx++) {
		if (xa_load(&slot->balloon, idx))
			continue;
		ret = xa_err(xa_store(&slot->balloon, idx, BALLOONING, GFP_KERNEL_ACCOUNT));
		if (ret) {
			xa_for_each_range(&slot->balloon, idx, entry, first, last)
				if (entry == BALLOONING)
					xa_erase(&slot->balloon, idx);
			return ret;
		}
		newly++;
	}
	/* Replacing present entries allocates nothing. */
	xa_for_each_range(&slot->balloon, idx, entry, first, last)
		if (entry == BALLOONING)
			xa_store(&slot->balloon, idx, BALLOONED, GFP_KERNEL_ACCOUNT);
	return newly;
}

static void scrub(struct page *page, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		clear_highpage(nth_page(page, i));
}

/* The pins of [first, last], after the EPT no longer maps them: scrub, unpin. */
static void release_pins(struct mhv_mmu *mmu, struct mhv_slot *slot,
			 unsigned long first, unsigned long last)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct page *page;
	unsigned long idx;
	unsigned int nr;

	xa_for_each_range(&slot->pins, idx, page, first, last) {
		nr = xa_get_mark(&slot->pins, idx, MHV_PIN_2M) ? MHV_EPT_PAGES_2M : 1;
		xa_erase(&slot->pins, idx);
		scrub(page, nr);
		priv->pin_ops->unpin(mmu, page, nr, true);
		priv->pinned -= nr;
		slot->nr_pinned -= nr;
	}
}

static long balloon_release(struct mhv_mmu *mmu, u64 gpa, u64 nr)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct mhv_slot *slot = balloon_slot(priv, gpa, nr);
	unsigned long first, last;
	long newly;
	int ret;

	if (!slot)
		return -EINVAL;
	first = mhv_slot_index(slot, gpa);
	last = first + nr - 1;
	ret = split_pin(slot, first, first, last);
	if (!ret)
		ret = split_pin(slot, last, first, last);
	if (ret)
		return ret;
	/* Splits large leaves at the edges (pool pages); the flush comes in any case. */
	ret = mhv_ept_unmap(&priv->ept, gpa, nr << PAGE_SHIFT);
	mmu->ops->flush_tlbs(mmu);
	/* Pinned but unmapped is consistent on these errors: faults map it again. */
	if (ret)
		return ret;
	newly = mark_ballooned(slot, first, last);
	if (newly < 0)
		return newly;
	release_pins(mmu, slot, first, last);
	slot->nr_ballooned += newly;
	priv->ballooned += newly;
	return newly;
}

/* Pin one ballooned page again, zero it and map it. */
static int populate_one(struct mhv_mmu *mmu, struct mhv_slot *slot, unsigned long idx)
{
	struct mhv_mmu_private *priv = mmu->priv;
	u64 gpa = slot->gpa + ((u64)idx << PAGE_SHIFT);
	struct page *page;
	int ret;

	ret = priv->pin_ops->pin(mmu, slot->uaddr + ((u64)idx << PAGE_SHIFT), 1, true, &page);
	if (ret)
		return ret;
	/* Zeroed before it is mapped: no vCPU can see what was there. */
	clear_highpage(page);
	ret = mhv_map_new_pin(mmu, slot, gpa, page, 1, MHV_EPT_RWX);
	if (ret)
		return ret;
	xa_erase(&slot->balloon, idx);
	slot->nr_ballooned--;
	priv->ballooned--;
	/* Its content changed: a migration must copy it. */
	if (mhv_slot_logged(slot))
		mhv_dirty_mark(slot, gpa);
	return 0;
}

static long balloon_populate(struct mhv_mmu *mmu, u64 gpa, u64 nr)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct mhv_slot *slot = balloon_slot(priv, gpa, nr);
	unsigned long first, last, idx;
	long done = 0, want = 0;
	void *entry;
	int ret = 0;

	if (!slot)
		return -EINVAL;
	first = mhv_slot_index(slot, gpa);
	last = first + nr - 1;
	xa_for_each_range(&slot->balloon, idx, entry, first, last)
		want++;
	/* All or nothing against the cap, as Xen's populate_physmap. */
	if (mhv_over_quota(priv, want))
		return -ENOSPC;
	xa_for_each_range(&slot->balloon, idx, entry, first, last) {
		ret = populate_one(mmu, slot, idx);
		if (ret)
			break;
		done++;
		cond_resched();
	}
	/* Part-way failures report what was done; the guest may retry the rest. */
	return done ? done : ret;
}

long mhv_mmu_balloon_release(struct mhv_mmu *mmu, u64 gpa, u64 nr)
{
	struct mhv_mmu_private *priv = mmu->priv;
	long ret;

	if (!nr)
		return 0;
	mutex_lock(&priv->lock);
	ret = balloon_release(mmu, gpa, nr);
	mutex_unlock(&priv->lock);
	return ret;
}

long mhv_mmu_balloon_populate(struct mhv_mmu *mmu, u64 gpa, u64 nr)
{
	struct mhv_mmu_private *priv = mmu->priv;
	long ret;

	if (!nr)
		return 0;
	mutex_lock(&priv->lock);
	ret = balloon_populate(mmu, gpa, nr);
	mutex_unlock(&priv->lock);
	return ret;
}
