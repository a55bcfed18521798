// SPDX-License-Identifier: GPL-2.0
/*
 * MHV_MEM_PREFAULT: map a whole slot when it is set, as the faults would
 * (large leaves where they can be, read-only in a log-dirty slot). The
 * max_pages check comes first, so -ENOSPC never leaves a slot half-mapped.
 */
#include <linux/sched.h>

#include "mmu/mmu_priv.h"

u64 mhv_prefault_need(const struct mhv_slot *slot)
{
	/* Ballooned pages stay unmapped and are never pinned. */
	return slot->npages - slot->nr_pinned - slot->nr_ballooned;
}

int mhv_prefault_slot(struct mhv_mmu *mmu, struct mhv_slot *slot)
{
	struct mhv_mmu_private *priv = mmu->priv;
	u64 gpa = slot->gpa, end = slot->gpa + (slot->npages << PAGE_SHIFT);
	struct mhv_ept_leaf leaf;
	int ret;

	if (mhv_over_quota(priv, mhv_prefault_need(slot)))
		return -ENOSPC;
	while (gpa < end) {
		if (mhv_slot_ballooned(slot, gpa)) {
			gpa += PAGE_SIZE;
			continue;
		}
		ret = mhv_fault_in(mmu, slot, gpa, false);
		if (ret < 0)
			return ret;
		/* Step over the whole leaf: a 2M one covers 511 more pages. */
		if (mhv_ept_walk(&priv->ept, gpa, &leaf))
			gpa = ALIGN_DOWN(gpa, leaf.size) + leaf.size;
		else
			gpa += PAGE_SIZE;
		cond_resched();
	}
	return 0;
}
