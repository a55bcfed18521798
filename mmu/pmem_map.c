// SPDX-License-Identifier: GPL-2.0
/*
 * Host-physical ranges pmem/ maps into a VM's EPT: no slot, no pin, no
 * fault. The memory is device memory whose lifetime pmem/ tracks; it
 * removes these entries (and this flushes the TLBs) before it goes away.
 */
#include <linux/mm.h>

#include "mmu/mmu_priv.h"

static void fixed_del(struct mhv_mmu_private *priv, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < priv->nr_fixed; i++) {
		if (priv->fixed[i].gpa == gpa) {
			priv->fixed[i] = priv->fixed[--priv->nr_fixed];
			return;
		}
	}
}

int mhv_mmu_map_pfns(struct mhv_mmu *mmu, u64 gpa, u64 pfn, u64 npages, bool writable,
		     u64 *pages_2m)
{
	struct mhv_mmu_private *priv = mmu->priv;
	u64 perm = writable ? MHV_EPT_RWX : MHV_EPT_R | MHV_EPT_X;
	u64 size = npages << PAGE_SHIFT, hpa = PFN_PHYS(pfn), done = 0, step;
	int ret = 0;

	*pages_2m = 0;
	if (!npages || npages > MHV_GPA_LIMIT >> PAGE_SHIFT ||
	    !IS_ALIGNED(gpa, MHV_EPT_SIZE_4K) || gpa >= MHV_GPA_LIMIT ||
	    size > MHV_GPA_LIMIT - gpa)
		return -EINVAL;
	mutex_lock(&priv->lock);
	/* U32_MAX: no slot id is skipped. */
	if (mhv_range_in_use(priv, gpa, size, U32_MAX)) {
		ret = -EEXIST;
		goto out;
	}
	if (priv->nr_fixed == MHV_MMU_MAX_FIXED) {
		ret = -ENOSPC;
		goto out;
	}
	while (done < size) {
		/* 2 MiB leaves wherever both sides allow: 512 entries per GiB, no page touched. */
		step = priv->ept.large_pages && size - done >= MHV_EPT_SIZE_2M &&
		       IS_ALIGNED(gpa + done, MHV_EPT_SIZE_2M) &&
		       IS_ALIGNED(hpa + done, MHV_EPT_SIZE_2M) ?
		       MHV_EPT_SIZE_2M : MHV_EPT_SIZE_4K;
		ret = mhv_ept_map(&priv->ept, gpa + done, hpa + done, step, perm);
		if (ret)
			break;
		if (step == MHV_EPT_SIZE_2M)
			*pages_2m += MHV_EPT_PAGES_2M;
		done += step;
	}
	if (ret && done) {
		/* Whole leaves we made: no split, cannot fail. */
		mhv_ept_unmap(&priv->ept, gpa, done);
		mmu->ops->flush_tlbs(mmu);
		*pages_2m = 0;
	}
	if (!ret)
		priv->fixed[priv->nr_fixed++] = (struct mhv_fixed_range){ gpa, size };
out:
	mutex_unlock(&priv->lock);
	return ret;
}

void mhv_mmu_unmap_pfns(struct mhv_mmu *mmu, u64 gpa, u64 npages)
{
	struct mhv_mmu_private *priv = mmu->priv;

	mutex_lock(&priv->lock);
	/* The range is exactly what mhv_mmu_map_pfns() mapped: no split, no failure. */
	mhv_ept_unmap(&priv->ept, gpa, npages << PAGE_SHIFT);
	mmu->ops->flush_tlbs(mmu);
	fixed_del(priv, gpa);
	mutex_unlock(&priv->lock);
}
