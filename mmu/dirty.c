// SPDX-License-Identifier: GPL-2.0
/*
 * Log-dirty (Xen's paging_log_dirty): a logged slot maps its pages at 4K
 * without W; the first write to a page faults, sets its bit and makes it
 * writable. MHV_GET_DIRTY_LOG hands the bitmap out and clears it, takes W
 * away again and flushes, all under the mmu lock: a write that races with
 * it either hit a page whose bit was still set (so it is in this bitmap and
 * done before the flush returns) or faults and waits for the lock (so it is
 * in the next one).
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mmu/mmu_priv.h"

static size_t dirty_bytes(const struct mhv_slot *slot)
{
	/* The uapi's __u64 words are unsigned longs on x86-64. */
	return BITS_TO_LONGS(slot->npages) * sizeof(long);
}

/* No W on any mapped page of the slot: splits its large leaves first. */
static int dirty_write_protect(struct mhv_mmu *mmu, struct mhv_slot *slot)
{
	struct mhv_mmu_private *priv = mmu->priv;
	u64 size = slot->npages << PAGE_SHIFT;
	int ret;

	ret = mhv_ept_split_range(&priv->ept, slot->gpa, size);
	if (!ret)
		ret = mhv_ept_protect(&priv->ept, slot->gpa, size, MHV_EPT_R | MHV_EPT_X);
	/* Even a half-done change must reach the TLBs (and freed-table reuse). */
	mmu->ops->flush_tlbs(mmu);
	return ret;
}

int mhv_dirty_enable(struct mhv_mmu *mmu, struct mhv_slot *slot)
{
	int ret;

	slot->dirty = kvzalloc(dirty_bytes(slot), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!slot->dirty)
		return -ENOMEM;
	if (slot->nr_pinned) {
		ret = dirty_write_protect(mmu, slot);
		if (ret) {
			mhv_dirty_disable(slot);
			return ret;
		}
	}
	slot->flags |= MHV_MEM_LOG_DIRTY;
	return 0;
}

void mhv_dirty_disable(struct mhv_slot *slot)
{
	kvfree(slot->dirty);
	slot->dirty = NULL;
	slot->flags &= ~MHV_MEM_LOG_DIRTY;
}

void mhv_dirty_mark(struct mhv_slot *slot, u64 gpa)
{
	__set_bit(mhv_slot_index(slot, gpa), slot->dirty);
}

/* Clear the set bits and take W away from their pages again; the caller flushes. */
static int dirty_rearm(struct mhv_mmu_private *priv, struct mhv_slot *slot)
{
	unsigned long start, end = 0;
	int ret;

	for (;;) {
		start = find_next_bit(slot->dirty, slot->npages, end);
		if (start >= slot->npages)
			return 0;
		end = find_next_zero_bit(slot->dirty, slot->npages, start);
		/* Logged slots have 4K leaves only: this never splits, never fails. */
		ret = mhv_ept_protect(&priv->ept, slot->gpa + ((u64)start << PAGE_SHIFT),
				      (u64)(end - start) << PAGE_SHIFT,
				      MHV_EPT_R | MHV_EPT_X);
		if (ret)
			return ret;
		bitmap_clear(slot->dirty, start, end - start);
	}
}

int mhv_dirty_fetch(struct mhv_mmu *mmu, u32 id, u64 dst, mhv_dirty_copy_t copy)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct mhv_slot *slot;
	int ret;

	if (id >= MHV_MMU_MAX_SLOTS)
		return -EINVAL;
	mutex_lock(&priv->lock);
	slot = priv->slots[id];
	if (!slot) {
		ret = -ENOENT;
	} else if (!mhv_slot_logged(slot)) {
		ret = -EINVAL;
	} else if (copy(dst, slot->dirty, dirty_bytes(slot))) {
		/* Nothing cleared: the next call returns these bits again. */
		ret = -EFAULT;
	} else {
		ret = dirty_rearm(priv, slot);
		/* Before returning: no vCPU may still write through an old W. */
		mmu->ops->flush_tlbs(mmu);
	}
	mutex_unlock(&priv->lock);
	return ret;
}

static int copy_bitmap_to_user(u64 dst, const void *src, size_t len)
{
	return copy_to_user(u64_to_user_ptr(dst), src, len) ? -EFAULT : 0;
}

long mhv_mmu_get_dirty_log(struct mhv_mmu *mmu, void __user *argp)
{
	struct mhv_dirty_log log;

	if (copy_from_user(&log, argp, sizeof(log)))
		return -EFAULT;
	if (log.pad || memchr_inv(log.reserved, 0, sizeof(log.reserved)))
		return -EINVAL;
	return mhv_dirty_fetch(mmu, log.slot, log.bitmap, copy_bitmap_to_user);
}
