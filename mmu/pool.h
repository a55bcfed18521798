/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's page pool (Xen's HAP pool): every EPT table page of the VM comes
 * from here, so a guest can never make the host allocate table memory after
 * the VM was created.
 */
#ifndef MHV_MMU_POOL_H
#define MHV_MMU_POOL_H

#include <linux/types.h>

struct page;

/* Above this a VM config is refused: 256 MiB of tables maps >100 GiB at 4K. */
#define MHV_POOL_MAX_PAGES	65536U
#define MHV_POOL_DEFAULT_PAGES	512U

struct mhv_pool {
	struct page **all;	/* every page, for destroy */
	struct page **free;	/* a stack of the free ones */
	u32 total;
	u32 nr_free;
};

int mhv_pool_init(struct mhv_pool *pool, u32 nr_pages);
/* Frees every page, handed out or not. */
void mhv_pool_destroy(struct mhv_pool *pool);
/* A zeroed page, or NULL when the pool is exhausted. */
struct page *mhv_pool_alloc(struct mhv_pool *pool);
void mhv_pool_free(struct mhv_pool *pool, struct page *page);
/*
 * Xen's set_allocation: grow by allocating pages, shrink by freeing free
 * ones. -EINVAL (0 or above MHV_POOL_MAX_PAGES), -EBUSY (fewer than are in
 * use), -ENOMEM (growing; the pool is unchanged).
 */
int mhv_pool_resize(struct mhv_pool *pool, u32 nr_pages);

static inline u32 mhv_pool_used(const struct mhv_pool *pool)
{
	return pool->total - pool->nr_free;
}

#endif
