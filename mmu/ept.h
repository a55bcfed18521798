/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 4-level EPT tables (SDM 29.3) built from a VM's page pool. Knows nothing
 * about slots or pinning: callers hand in host-physical addresses.
 *
 * Not thread-safe: the caller serialises every call (the VM's mmu mutex).
 * The root never changes between init and destroy, so the EPTP may be read
 * without the lock. After unmap or a permission cut, the caller must flush
 * the VM's EPT TLBs before it unlocks: freed table pages go back to the pool
 * and may be reused by the next map.
 */
#ifndef MHV_MMU_EPT_H
#define MHV_MMU_EPT_H

#include <linux/types.h>
#include <linux/bits.h>

#include "mmu/pool.h"

#define MHV_EPT_R		BIT_ULL(0)
#define MHV_EPT_W		BIT_ULL(1)
#define MHV_EPT_X		BIT_ULL(2)
#define MHV_EPT_RWX		(MHV_EPT_R | MHV_EPT_W | MHV_EPT_X)
#define MHV_EPT_MT_SHIFT	3
#define MHV_EPT_MT_WB		(6ULL << MHV_EPT_MT_SHIFT)
#define MHV_EPT_IPAT		BIT_ULL(6)
#define MHV_EPT_LARGE		BIT_ULL(7)
#define MHV_EPT_ADDR_MASK	GENMASK_ULL(51, 12)

#define MHV_EPT_SIZE_4K		BIT_ULL(12)
#define MHV_EPT_SIZE_2M		BIT_ULL(21)
#define MHV_EPT_PAGES_2M	512U

/* Guest-physical addresses mhv maps: the 4-level walk covers 48 bits, mhv uses 46. */
#define MHV_GPA_BITS		46
#define MHV_GPA_LIMIT		BIT_ULL(MHV_GPA_BITS)

struct mhv_ept {
	struct mhv_pool *pool;
	u64 *root;
	bool large_pages;	/* 2M leaves allowed */
	u64 mapped_4k;		/* 4K units mapped, 2M leaves count 512 */
	u64 leaves_2m;
	u64 splits;
};

/* A leaf found by mhv_ept_walk(). */
struct mhv_ept_leaf {
	u64 entry;
	u64 hpa;		/* of the looked-up gpa itself, not the leaf base */
	u64 size;		/* MHV_EPT_SIZE_4K or MHV_EPT_SIZE_2M */
};

int mhv_ept_init(struct mhv_ept *ept, struct mhv_pool *pool, bool large_pages);
/* Returns every table page to the pool; leaves' host pages are the caller's. */
void mhv_ept_destroy(struct mhv_ept *ept);
u64 mhv_ept_eptp(const struct mhv_ept *ept);

/*
 * Map [gpa, gpa + size) to hpa with @perm (MHV_EPT_R/W/X); size is 4K or 2M
 * (2M: both addresses 2M aligned, large pages allowed). -EEXIST if anything
 * is mapped there already, -ENOMEM if the pool is exhausted, -EINVAL on
 * bad arguments.
 */
int mhv_ept_map(struct mhv_ept *ept, u64 gpa, u64 hpa, u64 size, u64 perm);

/*
 * Unmap every leaf in [gpa, gpa + size) (4K aligned); a 2M leaf only partly
 * inside is split first (-ENOMEM if the pool cannot give a table: what was
 * unmapped before stays unmapped). Tables left empty go back to the pool.
 */
int mhv_ept_unmap(struct mhv_ept *ept, u64 gpa, u64 size);

/* Set @perm on every leaf in the range; splits like mhv_ept_unmap(). */
int mhv_ept_protect(struct mhv_ept *ept, u64 gpa, u64 size, u64 perm);

/* Replace the 2M leaf covering gpa by 512 4K leaves: -ENOENT if none. */
int mhv_ept_split(struct mhv_ept *ept, u64 gpa);

/*
 * Split every 2M leaf intersecting [gpa, gpa + size) (4K aligned): the
 * translation stays; -ENOMEM if the pool runs out (leaves split so far stay).
 */
int mhv_ept_split_range(struct mhv_ept *ept, u64 gpa, u64 size);

/* The leaf translating gpa: false if not mapped. */
bool mhv_ept_walk(const struct mhv_ept *ept, u64 gpa, struct mhv_ept_leaf *leaf);

/* True if nothing (no leaf, no table) is mapped in the 2M frame of gpa. */
bool mhv_ept_2m_frame_empty(const struct mhv_ept *ept, u64 gpa);

#endif
