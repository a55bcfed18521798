// SPDX-License-Identifier: GPL-2.0
/* One VM's mmu: setup, teardown, EPTP and statistics. */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mmu/mmu_priv.h"
#include "vmx/caps.h"

int mhv_mmu_init_params(struct mhv_mmu *mmu, const struct mhv_mmu_ops *ops,
			const struct mhv_mmu_params *p)
{
	u64 pool_pages = p->pool_pages ? p->pool_pages : MHV_POOL_DEFAULT_PAGES;
	struct mhv_mmu_private *priv;
	int ret;

	if (!ops || !ops->flush_tlbs || !p->pin_ops ||
	    pool_pages > MHV_POOL_MAX_PAGES)
		return -EINVAL;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL_ACCOUNT);
	if (!priv)
		return -ENOMEM;
	priv->scratch = kcalloc(MHV_EPT_PAGES_2M, sizeof(*priv->scratch),
				GFP_KERNEL_ACCOUNT);
	if (!priv->scratch) {
		ret = -ENOMEM;
		goto free_priv;
	}
	ret = mhv_pool_init(&priv->pool, pool_pages);
	if (ret)
		goto free_scratch;
	ret = mhv_ept_init(&priv->ept, &priv->pool, p->large_pages);
	if (ret)
		goto free_pool;

	mutex_init(&priv->lock);
	priv->pin_ops = p->pin_ops;
	priv->max_pages = p->max_pages;
	/* Kernel threads (KUnit) have no mm: their fake pin ops need none. */
	priv->mm = current->mm;
	if (priv->mm)
		mmgrab(priv->mm);
	mmu->ops = ops;
	mmu->priv = priv;
	return 0;

free_pool:
	mhv_pool_destroy(&priv->pool);
free_scratch:
	kfree(priv->scratch);
free_priv:
	kfree(priv);
	return ret;
}

int mhv_mmu_init(struct mhv_mmu *mmu, const struct mhv_mmu_ops *ops,
		 u64 max_pages, u64 pool_pages)
{
	const struct mhv_mmu_params params = {
		.max_pages = max_pages,
		.pool_pages = pool_pages,
		.large_pages = mhv_has(MHV_FEAT_EPT_2M),
		.pin_ops = &mhv_user_pin_ops,
	};

	int ret = mhv_mmu_init_params(mmu, ops, &params);

	if (!ret)
		mhv_mmu_debugfs_add(mmu);
	return ret;
}

void mhv_mmu_destroy(struct mhv_mmu *mmu)
{
	struct mhv_mmu_private *priv = mmu->priv;
	unsigned int i;

	if (!priv)
		return;
	/* First: its reader takes the lock this function is about to destroy. */
	mhv_mmu_debugfs_remove(mmu);
	/*
	 * No vCPU runs any more, but CPUs may still cache translations of this
	 * EPTP: they must go before its pages and tables can be reused.
	 */
	if (priv->pinned)
		mmu->ops->flush_tlbs(mmu);
	for (i = 0; i < MHV_MMU_MAX_SLOTS; i++)
		if (priv->slots[i])
			mhv_slot_free(mmu, priv->slots[i]);
	mhv_ept_destroy(&priv->ept);
	mhv_pool_destroy(&priv->pool);
	if (priv->mm)
		mmdrop(priv->mm);
	mutex_destroy(&priv->lock);
	kfree(priv->scratch);
	kfree(priv);
	mmu->priv = NULL;
}

u64 mhv_mmu_eptp(struct mhv_mmu *mmu)
{
	return mhv_ept_eptp(&mmu->priv->ept);
}

void mhv_mmu_get_stats(struct mhv_mmu *mmu, struct mhv_mmu_stats *out)
{
	struct mhv_mmu_private *priv = mmu->priv;

	mutex_lock(&priv->lock);
	out->pages_mapped = priv->ept.mapped_4k;
	out->pages_2m = priv->ept.leaves_2m;
	out->pages_pinned = priv->pinned;
	out->pool_total = priv->pool.total;
	out->pool_used = mhv_pool_used(&priv->pool);
	out->faults = priv->faults;
	out->splits = priv->ept.splits;
	out->mmio_faults = priv->mmio_faults;
	out->mapped_faults = priv->mapped_faults;
	out->balloon_pages = priv->ballooned;
	out->max_pages = priv->max_pages;
	mutex_unlock(&priv->lock);
}

long mhv_mmu_get_vm_stats(struct mhv_mmu *mmu, void __user *argp)
{
	struct mhv_vm_stats out = { };
	struct mhv_mmu_stats st;

	mhv_mmu_get_stats(mmu, &st);
	out.pages_mapped = st.pages_mapped;
	out.pages_2m = st.pages_2m * MHV_EPT_PAGES_2M;
	out.pages_pinned = st.pages_pinned;
	out.max_pages = st.max_pages;
	out.pool_total = st.pool_total;
	out.pool_used = st.pool_used;
	out.ept_faults = st.mapped_faults;
	out.mmio_faults = st.mmio_faults;
	out.splits = st.splits;
	/* pmem regions are not the mmu's: their owner adds them when it has them. */
	out.pmem_pages_mapped = 0;
	out.balloon_pages = st.balloon_pages;
	return copy_to_user(argp, &out, sizeof(out)) ? -EFAULT : 0;
}

long mhv_mmu_set_ept_pool(struct mhv_mmu *mmu, void __user *argp)
{
	struct mhv_mmu_private *priv = mmu->priv;
	struct mhv_ept_pool req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)) || !req.pages ||
	    req.pages > MHV_POOL_MAX_PAGES)
		return -EINVAL;
	mutex_lock(&priv->lock);
	ret = mhv_pool_resize(&priv->pool, req.pages);
	mutex_unlock(&priv->lock);
	return ret;
}
