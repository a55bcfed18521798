// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots: validation of MHV_SET_MEMORY_REGION, create, modify and
 * delete. A change of MHV_MEM_LOG_DIRTY or MHV_MEM_PREFAULT alone is done in
 * place (the slot keeps its pins and its ballooned pages); any other change
 * is delete + add. Nothing is pinned or mapped here unless MHV_MEM_PREFAULT
 * asks for it: faults do it.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mmu/mmu_priv.h"

int mhv_region_check(const struct mhv_memory_region *r)
{
	const u64 align = MHV_EPT_SIZE_4K - 1;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	if (r->flags & ~MHV_MEM_VALID_FLAGS)
		return -EINVAL;
	if (r->slot >= MHV_MMU_MAX_SLOTS)
		return -EINVAL;
	/* Deleting looks at the slot id only. */
	if (!r->size)
		return 0;
	if ((r->guest_phys_addr | r->size | r->userspace_addr) & align)
		return -EINVAL;
	if (r->guest_phys_addr >= MHV_GPA_LIMIT ||
	    r->size > MHV_GPA_LIMIT - r->guest_phys_addr)
		return -EINVAL;
	if (r->userspace_addr != (unsigned long)r->userspace_addr ||
	    r->size != (unsigned long)r->size ||
	    !access_ok(u64_to_user_ptr(r->userspace_addr), r->size))
		return -EFAULT;
	return 0;
}

struct mhv_slot *mhv_slot_find(struct mhv_mmu_private *priv, u64 gpa)
{
	struct mhv_slot *slot;
	unsigned int i;

	for (i = 0; i < MHV_MMU_MAX_SLOTS; i++) {
		slot = priv->slots[i];
		if (slot && gpa >= slot->gpa &&
		    gpa - slot->gpa < slot->npages << PAGE_SHIFT)
			return slot;
	}
	return NULL;
}

void mhv_slot_free(struct mhv_mmu *mmu, struct mhv_slot *slot)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct page *page;
	unsigned long idx;
	unsigned int nr;

	xa_for_each(&slot->pins, idx, page) {
		nr = xa_get_mark(&slot->pins, idx, MHV_PIN_2M) ? MHV_EPT_PAGES_2M : 1;
		priv->pin_ops->unpin(mmu, page, nr, mhv_slot_writable(slot));
		priv->pinned -= nr;
	}
	xa_destroy(&slot->pins);
	/* Ballooned pages of a slot that goes are no longer the VM's at all. */
	priv->ballooned -= slot->nr_ballooned;
	xa_destroy(&slot->balloon);
	mhv_dirty_disable(slot);
	if (priv->slots[slot->id] == slot)
		priv->slots[slot->id] = NULL;
	kfree(slot);
}

/* Unmap, flush, and only then unpin: no CPU may translate to a freed page. */
int mhv_slot_delete(struct mhv_mmu *mmu, struct mhv_slot *slot)
{
	struct mhv_mmu_private *priv = mmu->priv;
	int ret;

	if (!xa_empty(&slot->pins)) {
		/*
		 * Large leaves never cross a slot's edge, so this needs no split
		 * and cannot run out of pool. If it did, the slot stays whole
		 * and consistent (its pins are kept; faults map them again).
		 */
		ret = mhv_ept_unmap(&priv->ept, slot->gpa, slot->npages << PAGE_SHIFT);
		mmu->ops->flush_tlbs(mmu);
		if (ret)
			return ret;
	}
	mhv_slot_free(mmu, slot);
	return 0;
}

static bool ranges_meet(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

bool mhv_range_in_use(const struct mhv_mmu_private *priv, u64 gpa, u64 size, u32 skip_id)
{
	const struct mhv_slot *slot;
	unsigned int i;

	for (i = 0; i < MHV_MMU_MAX_SLOTS; i++) {
		slot = priv->slots[i];
		if (slot && i != skip_id &&
		    ranges_meet(slot->gpa, slot->npages << PAGE_SHIFT, gpa, size))
			return true;
	}
	for (i = 0; i < priv->nr_fixed; i++)
		if (ranges_meet(priv->fixed[i].gpa, priv->fixed[i].size, gpa, size))
			return true;
	return false;
}

/* Same memory, same read-only-ness: only in-place flags may differ. */
static bool slot_same(const struct mhv_slot *slot, const struct mhv_memory_region *r)
{
	return slot->gpa == r->guest_phys_addr &&
	       slot->npages == r->size >> PAGE_SHIFT &&
	       slot->uaddr == r->userspace_addr &&
	       !((slot->flags ^ r->flags) & ~MHV_MEM_INPLACE_FLAGS);
}

/* Log-dirty on or off, and a prefault, on a slot that keeps its pins. */
static int slot_update_flags(struct mhv_mmu *mmu, struct mhv_slot *slot, u32 flags)
{
	struct mhv_mmu_private *priv = mmu->priv;
	int ret;

	if ((flags & MHV_MEM_PREFAULT) && mhv_over_quota(priv, mhv_prefault_need(slot)))
		return -ENOSPC;
	if ((flags & MHV_MEM_LOG_DIRTY) && !mhv_slot_logged(slot)) {
		ret = mhv_dirty_enable(mmu, slot);
		if (ret)
			return ret;
	} else if (!(flags & MHV_MEM_LOG_DIRTY) && mhv_slot_logged(slot)) {
		/* Pages stay write-protected until written once more: harmless. */
		mhv_dirty_disable(slot);
	}
	slot->flags = flags;
	return flags & MHV_MEM_PREFAULT ? mhv_prefault_slot(mmu, slot) : 0;
}

static struct mhv_slot *slot_alloc(const struct mhv_memory_region *r)
{
	struct mhv_slot *slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);

	if (!slot)
		return NULL;
	slot->id = r->slot;
	slot->gpa = r->guest_phys_addr;
	slot->npages = r->size >> PAGE_SHIFT;
	slot->uaddr = r->userspace_addr;
	xa_init_flags(&slot->pins, XA_FLAGS_ACCOUNT);
	xa_init_flags(&slot->balloon, XA_FLAGS_ACCOUNT);
	return slot;
}

/* Deleting an empty slot is -EINVAL, as in KVM. */
int mhv_mmu_set_region(struct mhv_mmu *mmu, const struct mhv_memory_region *r)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct mhv_slot *old, *slot;
	int ret;

	ret = mhv_region_check(r);
	if (ret)
		return ret;

	mutex_lock(&priv->lock);
	old = priv->slots[r->slot];
	if (!r->size) {
		ret = old ? mhv_slot_delete(mmu, old) : -EINVAL;
		goto out;
	}
	if (old && slot_same(old, r)) {
		ret = slot_update_flags(mmu, old, r->flags);
		goto out;
	}
	if (mhv_range_in_use(priv, r->guest_phys_addr, r->size, r->slot)) {
		ret = -EEXIST;
		goto out;
	}

	slot = slot_alloc(r);
	if (!slot) {
		ret = -ENOMEM;
		goto out;
	}
	/* Refuse before the old slot goes: -ENOSPC changes nothing. */
	if ((r->flags & MHV_MEM_PREFAULT) && priv->max_pages &&
	    priv->pinned - (old ? old->nr_pinned : 0) + slot->npages > priv->max_pages) {
		ret = -ENOSPC;
		goto free_new;
	}
	if (r->flags & MHV_MEM_LOG_DIRTY) {
		ret = mhv_dirty_enable(mmu, slot);
		if (ret)
			goto free_new;
	}
	slot->flags = r->flags;

	/* A changed slot is deleted and added: its pages are refaulted lazily. */
	if (old) {
		ret = mhv_slot_delete(mmu, old);
		if (ret)
			goto free_new;
	}
	priv->slots[r->slot] = slot;
	if (r->flags & MHV_MEM_PREFAULT) {
		ret = mhv_prefault_slot(mmu, slot);
		/* All or nothing: a slot that could not be mapped whole goes again. */
		if (ret)
			mhv_slot_delete(mmu, slot);
	}
	goto out;

free_new:
	mhv_slot_free(mmu, slot);
out:
	mutex_unlock(&priv->lock);
	return ret;
}
