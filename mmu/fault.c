// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations: lazy population of slots. A fault pins the backing page
 * (or its whole 2M frame when that can be one large leaf), records the pin
 * in the slot and maps it. In a log-dirty slot pages are mapped at 4K and
 * without W until written: the write fault sets the page's dirty bit.
 */
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/xarray.h>

#include "mmu/mmu_priv.h"

/* Exit qualification of an EPT violation (SDM 28.2.1, table 28-7). */
#define EPT_QUAL_WRITE		BIT_ULL(1)

u64 mhv_slot_perm(const struct mhv_slot *slot, bool write)
{
	/* Read-only slots lack W, so guest writes exit and become MMIO. */
	if (!mhv_slot_writable(slot) || (mhv_slot_logged(slot) && !write))
		return MHV_EPT_R | MHV_EPT_X;
	return MHV_EPT_RWX;
}

static unsigned long slot_uaddr(const struct mhv_slot *slot, u64 gpa)
{
	return slot->uaddr + (gpa - slot->gpa);
}

/*
 * The pin recorded for gpa: its own 4K entry, or a page of the 2M pin that
 * covers it (then *head is that pin's first page, else NULL).
 */
static struct page *slot_pinned_page(struct mhv_slot *slot, u64 gpa,
				     struct page **head)
{
	u64 frame = ALIGN_DOWN(gpa, MHV_EPT_SIZE_2M);
	unsigned long idx = (gpa - slot->gpa) >> PAGE_SHIFT;
	unsigned long fidx;
	struct page *page;

	*head = NULL;
	page = xa_load(&slot->pins, idx);
	if (page && !xa_get_mark(&slot->pins, idx, MHV_PIN_2M))
		return page;
	if (frame < slot->gpa)
		return NULL;
	fidx = (frame - slot->gpa) >> PAGE_SHIFT;
	page = xa_load(&slot->pins, fidx);
	if (!page || !xa_get_mark(&slot->pins, fidx, MHV_PIN_2M))
		return NULL;
	*head = page;
	return nth_page(page, idx - fidx);
}

/* Whether gpa's 2M frame could become one large leaf at all. */
static bool frame_wants_2m(struct mhv_mmu_private *priv, struct mhv_slot *slot, u64 gpa)
{
	u64 frame = ALIGN_DOWN(gpa, MHV_EPT_SIZE_2M);
	unsigned long fidx, last;

	/* Log-dirty tracks 4K pages; a large leaf could not be write-protected per page. */
	if (!priv->ept.large_pages || mhv_slot_logged(slot) || frame < slot->gpa ||
	    frame + MHV_EPT_SIZE_2M > slot->gpa + (slot->npages << PAGE_SHIFT))
		return false;
	/* The host side can only be aligned if the user address is. */
	if (!IS_ALIGNED(slot_uaddr(slot, frame), MHV_EPT_SIZE_2M))
		return false;
	if (mhv_over_quota(priv, MHV_EPT_PAGES_2M) ||
	    !mhv_ept_2m_frame_empty(&priv->ept, frame))
		return false;
	fidx = (frame - slot->gpa) >> PAGE_SHIFT;
	last = fidx + MHV_EPT_PAGES_2M - 1;
	if (xa_find(&slot->pins, &fidx, last, XA_PRESENT))
		return false;
	/* A page the guest gave back must stay unmapped. */
	fidx = (frame - slot->gpa) >> PAGE_SHIFT;
	return !slot->nr_ballooned || !xa_find(&slot->balloon, &fidx, last, XA_PRESENT);
}

static bool pages_form_2m(struct page **pages)
{
	unsigned long pfn = page_to_pfn(pages[0]);
	unsigned int i;

	if (!IS_ALIGNED(pfn, MHV_EPT_PAGES_2M))
		return false;
	for (i = 1; i < MHV_EPT_PAGES_2M; i++)
		if (page_to_pfn(pages[i]) != pfn + i)
			return false;
	return true;
}

int mhv_map_new_pin(struct mhv_mmu *mmu, struct mhv_slot *slot, u64 gpa,
		    struct page *page, unsigned int nr, u64 perm)
{
	struct mhv_mmu_private *priv = mmu->priv;
	unsigned long idx = (gpa - slot->gpa) >> PAGE_SHIFT;
	u64 size = (u64)nr << PAGE_SHIFT;
	int ret;

	ret = xa_err(xa_store(&slot->pins, idx, page, GFP_KERNEL_ACCOUNT));
	if (ret)
		goto unpin;
	if (nr > 1)
		xa_set_mark(&slot->pins, idx, MHV_PIN_2M);
	ret = mhv_ept_map(&priv->ept, gpa, page_to_phys(page), size, perm);
	if (ret) {
		xa_erase(&slot->pins, idx);
		goto unpin;
	}
	priv->pinned += nr;
	slot->nr_pinned += nr;
	return MHV_FAULT_MAPPED;
unpin:
	/* Never mapped, so the guest never wrote it through us. */
	priv->pin_ops->unpin(mmu, page, nr, false);
	return ret;
}

/* Try the whole 2M frame; 1 = not possible here, the caller maps 4K. */
static int fault_in_2m(struct mhv_mmu *mmu, struct mhv_slot *slot, u64 gpa,
		       struct page **page_4k)
{
	struct mhv_mmu_private *priv = mmu->priv;
	u64 frame = ALIGN_DOWN(gpa, MHV_EPT_SIZE_2M);
	unsigned int keep = (gpa - frame) >> PAGE_SHIFT;
	struct page **pages = priv->scratch;
	unsigned int i;

	if (priv->pin_ops->pin(mmu, slot_uaddr(slot, frame), MHV_EPT_PAGES_2M,
			       mhv_slot_writable(slot), pages))
		return 1;
	if (pages_form_2m(pages))
		return mhv_map_new_pin(mmu, slot, frame, pages[0], MHV_EPT_PAGES_2M,
				       mhv_slot_perm(slot, true));

	/* Keep only the pin of the faulting page: it is the one we map. */
	for (i = 0; i < MHV_EPT_PAGES_2M; i++)
		if (i != keep)
			priv->pin_ops->unpin(mmu, pages[i], 1, false);
	*page_4k = pages[keep];
	return 1;
}

/* A write to a mapped page without W: log it, then let it write. */
static int fault_restore_write(struct mhv_mmu_private *priv, struct mhv_slot *slot,
			       u64 gpa, const struct mhv_ept_leaf *leaf)
{
	u64 size = leaf->size;
	int ret;

	if (mhv_slot_logged(slot) && size != MHV_EPT_SIZE_4K) {
		/* Only this page is written: only it may become writable. */
		ret = mhv_ept_split(&priv->ept, gpa);
		if (ret)
			return ret;
		size = MHV_EPT_SIZE_4K;
	}
	return mhv_ept_protect(&priv->ept, ALIGN_DOWN(gpa, size), size,
			       mhv_slot_perm(slot, true));
}

static int fault_in(struct mhv_mmu *mmu, struct mhv_slot *slot, u64 gpa, bool write)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct page *page = NULL, *head;
	u64 perm = mhv_slot_perm(slot, write);
	struct mhv_ept_leaf leaf;
	int ret;

	if (mhv_ept_walk(&priv->ept, gpa, &leaf)) {
		/* Another vCPU won the race, or a cut permission is restored. */
		if (write && !(leaf.entry & MHV_EPT_W)) {
			ret = fault_restore_write(priv, slot, gpa, &leaf);
			if (ret)
				return ret;
		}
		return MHV_FAULT_MAPPED;
	}

	page = slot_pinned_page(slot, gpa, &head);
	if (page) {
		/* Pinned earlier, unmapped since: map it again, no second pin. */
		u64 frame = ALIGN_DOWN(gpa, MHV_EPT_SIZE_2M);

		if (head && priv->ept.large_pages && !mhv_slot_logged(slot) &&
		    mhv_ept_2m_frame_empty(&priv->ept, frame))
			ret = mhv_ept_map(&priv->ept, frame, page_to_phys(head),
					  MHV_EPT_SIZE_2M, perm);
		else
			ret = mhv_ept_map(&priv->ept, gpa, page_to_phys(page),
					  MHV_EPT_SIZE_4K, perm);
		return ret ? ret : MHV_FAULT_MAPPED;
	}

	if (mhv_over_quota(priv, 1))
		return -ENOSPC;
	if (frame_wants_2m(priv, slot, gpa)) {
		ret = fault_in_2m(mmu, slot, gpa, &page);
		if (ret <= 0)
			return ret;
	}
	if (!page) {
		ret = priv->pin_ops->pin(mmu, slot_uaddr(slot, gpa), 1,
					 mhv_slot_writable(slot), &page);
		if (ret)
			return ret;
	}
	return mhv_map_new_pin(mmu, slot, gpa, page, 1, perm);
}

int mhv_fault_in(struct mhv_mmu *mmu, struct mhv_slot *slot, u64 gpa, bool write)
{
	int ret;

	gpa = ALIGN_DOWN(gpa, MHV_EPT_SIZE_4K);
	ret = fault_in(mmu, slot, gpa, write);
	/* Marked under the lock that MHV_GET_DIRTY_LOG takes: never lost. */
	if (ret == MHV_FAULT_MAPPED && write && mhv_slot_logged(slot))
		mhv_dirty_mark(slot, gpa);
	return ret;
}

int mhv_mmu_handle_fault(struct mhv_mmu *mmu, u64 gpa, u64 qual)
{
	struct mhv_mmu_private *priv = mmu->priv;
	bool write = qual & EPT_QUAL_WRITE;
	struct mhv_slot *slot;
	int ret;

	mutex_lock(&priv->lock);
	priv->faults++;
	slot = mhv_slot_find(priv, gpa);
	/* A page the guest ballooned out is not memory until it populates it again. */
	if (!slot || (write && !mhv_slot_writable(slot)) || mhv_slot_ballooned(slot, gpa)) {
		priv->mmio_faults++;
		ret = MHV_FAULT_MMIO;
	} else {
		ret = mhv_fault_in(mmu, slot, gpa, write);
		if (ret == MHV_FAULT_MAPPED)
			priv->mapped_faults++;
	}
	mutex_unlock(&priv->lock);
	return ret;
}

/* The page behind gpa, faulted in if needed; the lock keeps it pinned. */
static int guest_page(struct mhv_mmu *mmu, u64 gpa, bool write, struct page **page)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct mhv_slot *slot = mhv_slot_find(priv, gpa);
	struct mhv_ept_leaf leaf;
	int ret;

	if (!slot || (write && !mhv_slot_writable(slot)) || mhv_slot_ballooned(slot, gpa))
		return -EFAULT;
	ret = mhv_fault_in(mmu, slot, gpa, write);
	if (ret < 0)
		return ret;
	if (!mhv_ept_walk(&priv->ept, gpa, &leaf))
		return -EFAULT;
	*page = pfn_to_page(PHYS_PFN(leaf.hpa));
	return 0;
}

static int guest_copy(struct mhv_mmu *mmu, u64 gpa, void *buf, size_t len, bool write)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct page *page;
	size_t off, chunk;
	void *va;
	int ret = 0;

	if (gpa + len < gpa)
		return -EFAULT;
	mutex_lock(&priv->lock);
	while (len) {
		off = offset_in_page(gpa);
		chunk = min_t(size_t, len, PAGE_SIZE - off);
		ret = guest_page(mmu, gpa, write, &page);
		if (ret)
			break;
		va = kmap_local_page(page);
		if (write)
			memcpy(va + off, buf, chunk);
		else
			memcpy(buf, va + off, chunk);
		kunmap_local(va);
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	mutex_unlock(&priv->lock);
	return ret;
}

int mhv_mmu_read_guest(struct mhv_mmu *mmu, u64 gpa, void *buf, size_t len)
{
	return guest_copy(mmu, gpa, buf, len, false);
}

int mhv_mmu_write_guest(struct mhv_mmu *mmu, u64 gpa, const void *buf, size_t len)
{
	/* guest_copy() only reads @buf when writing the guest. */
	return guest_copy(mmu, gpa, (void *)buf, len, true);
}
