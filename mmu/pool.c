// SPDX-License-Identifier: GPL-2.0
/*
 * The per-VM page pool: all pages allocated up front (or when it grows),
 * handed out zeroed.
 */
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "mmu/pool.h"

/* A VM's own limits must not trigger host allocation-failure splats. */
#define POOL_GFP	(GFP_KERNEL_ACCOUNT | __GFP_NOWARN)

int mhv_pool_init(struct mhv_pool *pool, u32 nr_pages)
{
	const gfp_t gfp = POOL_GFP;
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
		/* pool_shrink() marks pages through it. */
		set_page_private(pool->all[i], 0);
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

static int pool_grow(struct mhv_pool *pool, u32 nr_pages)
{
	struct page **all, **free;
	u32 i, n = pool->total;

	all = kvcalloc(nr_pages, sizeof(*all), POOL_GFP);
	free = kvcalloc(nr_pages, sizeof(*free), POOL_GFP);
	if (!all || !free)
		goto fail;
	memcpy(all, pool->all, n * sizeof(*all));
	memcpy(free, pool->free, pool->nr_free * sizeof(*free));
	for (i = n; i < nr_pages; i++) {
		all[i] = alloc_page(POOL_GFP);
		if (!all[i])
			goto free_pages;
		set_page_private(all[i], 0);
	}
	kvfree(pool->all);
	kvfree(pool->free);
	pool->all = all;
	pool->free = free;
	for (i = n; i < nr_pages; i++)
		pool->free[pool->nr_free++] = all[i];
	pool->total = nr_pages;
	return 0;

free_pages:
	while (i-- > n)
		__free_page(all[i]);
fail:
	kvfree(all);
	kvfree(free);
	return -ENOMEM;
}

/* Free pages come off the top of the free stack; page->private marks them for the sweep. */
static void pool_shrink(struct mhv_pool *pool, u32 nr_pages)
{
	u32 drop = pool->total - nr_pages, i, kept = 0;

	for (i = 0; i < drop; i++)
		set_page_private(pool->free[--pool->nr_free], 1);
	for (i = 0; i < pool->total; i++) {
		struct page *page = pool->all[i];

		if (page_private(page)) {
			set_page_private(page, 0);
			__free_page(page);
		} else {
			pool->all[kept++] = page;
		}
	}
	/* The arrays keep their size: mhv_pool_free() bounds by total. */
	pool->total = nr_pages;
}

int mhv_pool_resize(struct mhv_pool *pool, u32 nr_pages)
{
	if (!nr_pages || nr_pages > MHV_POOL_MAX_PAGES)
		return -EINVAL;
	if (nr_pages < mhv_pool_used(pool))
		return -EBUSY;
	if (nr_pages > pool->total)
		return pool_grow(pool, nr_pages);
	if (nr_pages < pool->total)
		pool_shrink(pool, nr_pages);
	return 0;
}
