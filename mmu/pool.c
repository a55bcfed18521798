// SPDX-License-Identifier: GPL-2.0
/* The per-VM page pool: all pages allocated up front, handed out zeroed. */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "mmu/pool.h"

int mhv_pool_init(struct mhv_pool *pool, u32 nr_pages)
{
	/* A VM's own limits must not trigger host allocation-failure splats. */
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
	u32 i;

	memset(pool, 0, sizeof(*pool));
	if (!nr_pages || nr_pages > MHV_POOL_MAX_PAGES)
		return -EINVAL;

	pool->all = kvcalloc(nr_pages, sizeof(*pool->all), gfp);
	pool->free = kvcalloc(nr_pages, sizeof(*pool->free), gfp);
	if (!pool->all || !pool->free)
		goto fail;

	for (i = 0; i < nr_pages; i++) {
		pool->all[i] = alloc_page(gfp);
		if (!pool->all[i])
			goto fail;
		pool->total++;
		pool->free[pool->nr_free++] = pool->all[i];
	}
	return 0;

fail:
	mhv_pool_destroy(pool);
	return -ENOMEM;
}

void mhv_pool_destroy(struct mhv_pool *pool)
{
	u32 i;

	for (i = 0; i < pool->total; i++)
		__free_page(pool->all[i]);
	kvfree(pool->all);
	kvfree(pool->free);
	memset(pool, 0, sizeof(*pool));
}

struct page *mhv_pool_alloc(struct mhv_pool *pool)
{
	struct page *page;

	if (!pool->nr_free)
		return NULL;
	page = pool->free[--pool->nr_free];
	/* Zeroed here rather than on free: an EPT table must start empty. */
	clear_highpage(page);
	return page;
}

void mhv_pool_free(struct mhv_pool *pool, struct page *page)
{
	/* The free stack holds at most every page: never write past it. */
	if (pool->nr_free < pool->total)
		pool->free[pool->nr_free++] = page;
}
