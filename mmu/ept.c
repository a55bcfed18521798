// SPDX-License-Identifier: GPL-2.0
/* EPT tables: map, unmap, split, walk and permission changes. */
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/mm.h>

#include "mmu/ept.h"

#define EPT_LEVELS		4
#define EPT_ENTRIES		512
#define EPTP_MT_WB		6ULL
#define EPTP_WALK_4		((EPT_LEVELS - 1ULL) << 3)

/* Entries with any of R/W/X set are present (no mode-based execute). */
static bool ept_present(u64 e)
{
	return e & MHV_EPT_RWX;
}

/* 1G leaves are never created, so only a PDE can be a large leaf. */
static bool ept_is_leaf(u64 e, int level)
{
	return level == 1 || (level == 2 && (e & MHV_EPT_LARGE));
}

static u64 ept_span(int level)
{
	return 1ULL << (PAGE_SHIFT + 9 * (level - 1));
}

static unsigned int ept_index(u64 gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (EPT_ENTRIES - 1);
}

static u64 *ept_child(u64 e)
{
	return phys_to_virt(e & MHV_EPT_ADDR_MASK);
}

/* A zeroed table from the pool and the non-leaf entry pointing at it. */
static u64 *ept_alloc_table(struct mhv_ept *ept, u64 *entry)
{
	struct page *page = mhv_pool_alloc(ept->pool);

	if (!page)
		return NULL;
	/* Non-leaf entries allow everything: the leaf decides. */
	*entry = page_to_phys(page) | MHV_EPT_RWX;
	return page_address(page);
}

static void ept_free_table(struct mhv_ept *ept, u64 *table)
{
	mhv_pool_free(ept->pool, virt_to_page(table));
}

static bool ept_table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++)
		if (READ_ONCE(table[i]))
			return false;
	return true;
}

/* R without W is fine (read-only), W without R is an EPT misconfiguration. */
static bool ept_perm_valid(u64 perm)
{
	return perm && !(perm & ~MHV_EPT_RWX) &&
	       (!(perm & MHV_EPT_W) || (perm & MHV_EPT_R));
}

int mhv_ept_init(struct mhv_ept *ept, struct mhv_pool *pool, bool large_pages)
{
	u64 unused;

	ept->pool = pool;
	ept->large_pages = large_pages;
	ept->mapped_4k = 0;
	ept->leaves_2m = 0;
	ept->splits = 0;
	ept->root = ept_alloc_table(ept, &unused);
	return ept->root ? 0 : -ENOMEM;
}

static void ept_free_tree(struct mhv_ept *ept, u64 *table, int level)
{
	unsigned int i;
	u64 e;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++) {
		e = READ_ONCE(table[i]);
		if (ept_present(e) && !ept_is_leaf(e, level))
			ept_free_tree(ept, ept_child(e), level - 1);
	}
	ept_free_table(ept, table);
}

void mhv_ept_destroy(struct mhv_ept *ept)
{
	if (ept->root)
		ept_free_tree(ept, ept->root, EPT_LEVELS);
	ept->root = NULL;
	ept->mapped_4k = 0;
	ept->leaves_2m = 0;
}

u64 mhv_ept_eptp(const struct mhv_ept *ept)
{
	/* A/D bits stay off until dirty logging needs them. */
	return virt_to_phys(ept->root) | EPTP_WALK_4 | EPTP_MT_WB;
}

/*
 * The entry for gpa at @target level, creating tables on the way if @alloc.
 * NULL with *err: -ENOENT (nothing there, !alloc), -EEXIST (a large leaf
 * above @target), -ENOMEM (pool exhausted).
 */
static u64 *ept_entry_at(struct mhv_ept *ept, u64 gpa, int target, bool alloc,
			 int *err)
{
	u64 *table = ept->root;
	u64 *slot, e;
	int level;

	for (level = EPT_LEVELS; level > target; level--) {
		slot = &table[ept_index(gpa, level)];
		e = READ_ONCE(*slot);
		if (!ept_present(e)) {
			if (!alloc) {
				*err = -ENOENT;
				return NULL;
			}
			table = ept_alloc_table(ept, &e);
			if (!table) {
				*err = -ENOMEM;
				return NULL;
			}
			WRITE_ONCE(*slot, e);
			continue;
		}
		if (ept_is_leaf(e, level)) {
			*err = -EEXIST;
			return NULL;
		}
		table = ept_child(e);
	}
	return &table[ept_index(gpa, target)];
}

/* Swap a 2M leaf for a table of 512 4K leaves translating the same way. */
static int ept_split_entry(struct mhv_ept *ept, u64 *slot)
{
	u64 e = READ_ONCE(*slot);
	u64 hpa = e & MHV_EPT_ADDR_MASK;
	u64 low = e & ~(MHV_EPT_ADDR_MASK | MHV_EPT_LARGE);
	u64 *table, te;
	unsigned int i;

	table = ept_alloc_table(ept, &te);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < EPT_ENTRIES; i++)
		WRITE_ONCE(table[i], (hpa + i * MHV_EPT_SIZE_4K) | low);
	/*
	 * Same translation, same permissions: the swap itself needs no flush;
	 * the change that made the split necessary does.
	 */
	WRITE_ONCE(*slot, te);
	ept->leaves_2m--;
	ept->splits++;
	return 0;
}

static void ept_clear_leaf(struct mhv_ept *ept, u64 *slot, int level)
{
	WRITE_ONCE(*slot, 0);
	if (level == 2) {
		ept->mapped_4k -= MHV_EPT_PAGES_2M;
		ept->leaves_2m--;
	} else {
		ept->mapped_4k--;
	}
}

/*
 * Unmap (perm == 0) or set perm on the leaves in [start, end) under @table;
 * splits partly covered 2M leaves and frees tables an unmap left empty.
 */
static int ept_update_range(struct mhv_ept *ept, u64 *table, int level,
			    u64 start, u64 end, u64 perm)
{
	u64 span = ept_span(level);
	u64 addr, next, base, e;
	u64 *slot, *child;
	int ret;

	for (addr = start; addr < end; addr = next) {
		base = addr & ~(span - 1);
		next = min(base + span, end);
		slot = &table[ept_index(addr, level)];
		e = READ_ONCE(*slot);
		if (!ept_present(e))
			continue;
		if (ept_is_leaf(e, level)) {
			if (addr == base && next == base + span) {
				if (perm)
					WRITE_ONCE(*slot, (e & ~MHV_EPT_RWX) | perm);
				else
					ept_clear_leaf(ept, slot, level);
				continue;
			}
			ret = ept_split_entry(ept, slot);
			if (ret)
				return ret;
			e = READ_ONCE(*slot);
		}
		child = ept_child(e);
		ret = ept_update_range(ept, child, level - 1, addr, next, perm);
		if (!perm && ept_table_empty(child)) {
			WRITE_ONCE(*slot, 0);
			ept_free_table(ept, child);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static bool ept_range_valid(u64 gpa, u64 size)
{
	return size && !((gpa | size) & (MHV_EPT_SIZE_4K - 1)) &&
	       gpa < MHV_GPA_LIMIT && size <= MHV_GPA_LIMIT - gpa;
}

int mhv_ept_map(struct mhv_ept *ept, u64 gpa, u64 hpa, u64 size, u64 perm)
{
	int level, err = 0;
	u64 *slot;

	if (size == MHV_EPT_SIZE_2M && ept->large_pages)
		level = 2;
	else if (size == MHV_EPT_SIZE_4K)
		level = 1;
	else
		return -EINVAL;
	if (!ept_range_valid(gpa, size) || ((gpa | hpa) & (size - 1)) ||
	    (hpa & ~MHV_EPT_ADDR_MASK) || !ept_perm_valid(perm))
		return -EINVAL;

	slot = ept_entry_at(ept, gpa, level, true, &err);
	if (!slot) {
		/* Give back tables made on the way: nothing is mapped below them. */
		if (err == -ENOMEM)
			ept_update_range(ept, ept->root, EPT_LEVELS, gpa, gpa + size, 0);
		return err;
	}
	if (ept_present(READ_ONCE(*slot)))
		return -EEXIST;

	WRITE_ONCE(*slot, hpa | perm | MHV_EPT_MT_WB | MHV_EPT_IPAT |
		   (level == 2 ? MHV_EPT_LARGE : 0));
	if (level == 2) {
		ept->mapped_4k += MHV_EPT_PAGES_2M;
		ept->leaves_2m++;
	} else {
		ept->mapped_4k++;
	}
	return 0;
}

int mhv_ept_unmap(struct mhv_ept *ept, u64 gpa, u64 size)
{
	if (!ept_range_valid(gpa, size))
		return -EINVAL;
	return ept_update_range(ept, ept->root, EPT_LEVELS, gpa, gpa + size, 0);
}

int mhv_ept_protect(struct mhv_ept *ept, u64 gpa, u64 size, u64 perm)
{
	if (!ept_range_valid(gpa, size) || !ept_perm_valid(perm))
		return -EINVAL;
	return ept_update_range(ept, ept->root, EPT_LEVELS, gpa, gpa + size, perm);
}

/* Split every 2M leaf under @table that intersects [start, end). */
static int ept_split_walk(struct mhv_ept *ept, u64 *table, int level, u64 start, u64 end)
{
	u64 span = ept_span(level);
	u64 addr, next, e;
	u64 *slot;
	int ret;

	for (addr = start; addr < end; addr = next) {
		next = min((addr & ~(span - 1)) + span, end);
		slot = &table[ept_index(addr, level)];
		e = READ_ONCE(*slot);
		if (!ept_present(e) || level == 1)
			continue;
		if (ept_is_leaf(e, level)) {
			ret = ept_split_entry(ept, slot);
			if (ret)
				return ret;
			continue;
		}
		if (level > 2) {
			ret = ept_split_walk(ept, ept_child(e), level - 1, addr, next);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int mhv_ept_split_range(struct mhv_ept *ept, u64 gpa, u64 size)
{
	if (!ept_range_valid(gpa, size))
		return -EINVAL;
	return ept_split_walk(ept, ept->root, EPT_LEVELS, gpa, gpa + size);
}

int mhv_ept_split(struct mhv_ept *ept, u64 gpa)
{
	int err = 0;
	u64 *slot;

	if (gpa >= MHV_GPA_LIMIT)
		return -EINVAL;
	slot = ept_entry_at(ept, gpa, 2, false, &err);
	if (!slot || !(READ_ONCE(*slot) & MHV_EPT_LARGE) ||
	    !ept_present(READ_ONCE(*slot)))
		return -ENOENT;
	return ept_split_entry(ept, slot);
}

bool mhv_ept_walk(const struct mhv_ept *ept, u64 gpa, struct mhv_ept_leaf *leaf)
{
	const u64 *table = ept->root;
	int level;
	u64 e, span;

	if (gpa >= MHV_GPA_LIMIT)
		return false;
	for (level = EPT_LEVELS; level >= 1; level--) {
		e = READ_ONCE(table[ept_index(gpa, level)]);
		if (!ept_present(e))
			return false;
		if (ept_is_leaf(e, level)) {
			span = ept_span(level);
			leaf->entry = e;
			leaf->size = span;
			leaf->hpa = (e & MHV_EPT_ADDR_MASK & ~(span - 1)) +
				    (gpa & (span - 1));
			return true;
		}
		table = ept_child(e);
	}
	return false;
}

bool mhv_ept_2m_frame_empty(const struct mhv_ept *ept, u64 gpa)
{
	const u64 *table = ept->root;
	int level;
	u64 e;

	if (gpa >= MHV_GPA_LIMIT)
		return false;
	for (level = EPT_LEVELS; level >= 2; level--) {
		e = READ_ONCE(table[ept_index(gpa, level)]);
		if (!ept_present(e))
			return true;
		if (level == 2 || ept_is_leaf(e, level))
			return false;
		table = ept_child(e);
	}
	return true;
}
