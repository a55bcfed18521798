/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside mmu/ only (and its KUnit suites): the private state of one VM's
 * mmu and the seams the tests replace.
 *
 * Locking: priv->lock protects everything here; it is held across faults,
 * which sleep (pinning). The EPT root never changes between init and
 * destroy, so mhv_mmu_eptp() reads it without the lock.
 *
 * Invariant: every page mapped in the EPT is pinned and recorded in its
 * slot's pins; a recorded pin may be unmapped (the next fault maps it again
 * without pinning twice). Unpinning happens only after the EPT entries were
 * removed and ops->flush_tlbs() returned.
 */
#ifndef MHV_MMU_MMU_PRIV_H
#define MHV_MMU_MMU_PRIV_H

#include <linux/mutex.h>
#include <linux/xarray.h>

#include "mmu/mmu.h"
#include "mmu/ept.h"
#include "mmu/pool.h"

struct mm_struct;
struct page;

#define MHV_MMU_MAX_SLOTS	32
/* A pins entry with this mark is the first of 512 pinned contiguous pages. */
#define MHV_PIN_2M		XA_MARK_1

/* Pinning the memory behind a slot: user pages normally, fakes in KUnit. */
struct mhv_pin_ops {
	/*
	 * Pin @nr pages from @uaddr into @pages: 0 with all pinned, or a
	 * negative errno with none pinned. @nr > 1 is an opportunistic large
	 * page: the op may refuse it cheaply (-E2BIG) when it cannot be one.
	 */
	int (*pin)(struct mhv_mmu *mmu, unsigned long uaddr, unsigned int nr,
		   bool write, struct page **pages);
	/* Unpin @nr physically contiguous pages starting at @page. */
	void (*unpin)(struct mhv_mmu *mmu, struct page *page, unsigned int nr,
		      bool dirty);
};

extern const struct mhv_pin_ops mhv_user_pin_ops;

struct mhv_slot {
	u32 id;
	u32 flags;		/* MHV_MEM_* */
	u64 gpa;
	u64 npages;
	u64 uaddr;
	/* Page index in the slot -> pinned struct page (see MHV_PIN_2M). */
	struct xarray pins;
};

struct mhv_mmu_params {
	u64 max_pages;		/* 0: no cap */
	u64 pool_pages;		/* 0: MHV_POOL_DEFAULT_PAGES */
	bool large_pages;	/* 2M EPT leaves allowed */
	const struct mhv_pin_ops *pin_ops;
};

struct mhv_mmu_private {
	struct mutex lock;	/* slots, tables, pool, counters */
	struct mhv_pool pool;
	struct mhv_ept ept;
	const struct mhv_pin_ops *pin_ops;
	struct mm_struct *mm;	/* the owner's, whose memory backs the slots */
	struct mhv_slot *slots[MHV_MMU_MAX_SLOTS];
	struct page **scratch;	/* MHV_EPT_PAGES_2M entries for 2M pins */
	u64 max_pages;
	u64 pinned;		/* 4K pages pinned for the guest */
	u64 faults;
	u64 mmio_faults;
};

int mhv_mmu_init_params(struct mhv_mmu *mmu, const struct mhv_mmu_ops *ops,
			const struct mhv_mmu_params *params);

/* region.c */
int mhv_region_check(const struct mhv_memory_region *region);
struct mhv_slot *mhv_slot_find(struct mhv_mmu_private *priv, u64 gpa);
/* Unpin and free a slot the EPT no longer maps (after the flush). */
void mhv_slot_free(struct mhv_mmu *mmu, struct mhv_slot *slot);

static inline bool mhv_slot_writable(const struct mhv_slot *slot)
{
	return !(slot->flags & MHV_MEM_READONLY);
}

/* fault.c: make gpa (inside @slot) mapped; MHV_FAULT_MAPPED or an errno. */
int mhv_fault_in(struct mhv_mmu *mmu, struct mhv_slot *slot, u64 gpa, bool write);

#endif
