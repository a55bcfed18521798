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

struct dentry;
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

/* Slot flags that can change in place, without dropping the slot's pins. */
#define MHV_MEM_INPLACE_FLAGS	(MHV_MEM_LOG_DIRTY | MHV_MEM_PREFAULT)
#define MHV_MEM_VALID_FLAGS	(MHV_MEM_READONLY | MHV_MEM_INPLACE_FLAGS)

struct mhv_slot {
	u32 id;
	u32 flags;		/* MHV_MEM_* */
	u64 gpa;
	u64 npages;
	u64 uaddr;
	/* Page index in the slot -> pinned struct page (see MHV_PIN_2M). */
	struct xarray pins;
	u64 nr_pinned;		/* 4K pages recorded in pins */
	/* Page index -> a value entry: the guest gave the page back (balloon). */
	struct xarray balloon;
	u64 nr_ballooned;
	unsigned long *dirty;	/* MHV_MEM_LOG_DIRTY: one bit per page */
};

struct mhv_mmu_params {
	u64 max_pages;		/* 0: no cap */
	u64 pool_pages;		/* 0: MHV_POOL_DEFAULT_PAGES */
	bool large_pages;	/* 2M EPT leaves allowed */
	const struct mhv_pin_ops *pin_ops;
};

/* A guest-physical range mapped by mhv_mmu_map_pfns(): no slot may cover it. */
struct mhv_fixed_range {
	u64 gpa;
	u64 size;
};

struct mhv_mmu_private {
	struct mutex lock;	/* slots, tables, pool, counters */
	struct mhv_pool pool;
	struct mhv_ept ept;
	const struct mhv_pin_ops *pin_ops;
	struct mm_struct *mm;	/* the owner's, whose memory backs the slots */
	struct mhv_slot *slots[MHV_MMU_MAX_SLOTS];
	struct mhv_fixed_range fixed[MHV_MMU_MAX_FIXED];
	unsigned int nr_fixed;
	struct page **scratch;	/* MHV_EPT_PAGES_2M entries for 2M pins */
	u64 max_pages;
	u64 pinned;		/* 4K pages pinned for the guest */
	u64 ballooned;		/* pages the guest gave back, all slots */
	u64 faults;
	u64 mapped_faults;	/* violations that mapped memory */
	u64 mmio_faults;
	struct dentry *debugfs;	/* mhv/<tgid>-<n>/, or NULL */
};

int mhv_mmu_init_params(struct mhv_mmu *mmu, const struct mhv_mmu_ops *ops,
			const struct mhv_mmu_params *params);

/* region.c */
int mhv_region_check(const struct mhv_memory_region *region);
struct mhv_slot *mhv_slot_find(struct mhv_mmu_private *priv, u64 gpa);
/* Does [gpa, gpa + size) meet a slot other than @skip_id (or a fixed range)? */
bool mhv_range_in_use(const struct mhv_mmu_private *priv, u64 gpa, u64 size, u32 skip_id);
/* Unpin and free a slot the EPT no longer maps (after the flush). */
void mhv_slot_free(struct mhv_mmu *mmu, struct mhv_slot *slot);

/* Unmap the slot, flush, unpin and free it. */
int mhv_slot_delete(struct mhv_mmu *mmu, struct mhv_slot *slot);

static inline bool mhv_slot_writable(const struct mhv_slot *slot)
{
	return !(slot->flags & MHV_MEM_READONLY);
}

static inline bool mhv_slot_logged(const struct mhv_slot *slot)
{
	return slot->flags & MHV_MEM_LOG_DIRTY;
}

static inline unsigned long mhv_slot_index(const struct mhv_slot *slot, u64 gpa)
{
	return (gpa - slot->gpa) >> PAGE_SHIFT;
}

static inline bool mhv_slot_ballooned(struct mhv_slot *slot, u64 gpa)
{
	return slot->nr_ballooned && xa_load(&slot->balloon, mhv_slot_index(slot, gpa));
}

static inline bool mhv_over_quota(const struct mhv_mmu_private *priv, u64 nr)
{
	return priv->max_pages && priv->pinned + nr > priv->max_pages;
}

/* fault.c: make gpa (inside @slot) mapped; MHV_FAULT_MAPPED or an errno. */
int mhv_fault_in(struct mhv_mmu *mmu, struct mhv_slot *slot, u64 gpa, bool write);
/* Record a fresh pin of @nr pages at @gpa and map it with @perm; unpins on error. */
int mhv_map_new_pin(struct mhv_mmu *mmu, struct mhv_slot *slot, u64 gpa,
		    struct page *page, unsigned int nr, u64 perm);
/* The EPT permissions of a slot page for an access (log-dirty maps reads without W). */
u64 mhv_slot_perm(const struct mhv_slot *slot, bool write);

/* dirty.c */
int mhv_dirty_enable(struct mhv_mmu *mmu, struct mhv_slot *slot);
void mhv_dirty_disable(struct mhv_slot *slot);
void mhv_dirty_mark(struct mhv_slot *slot, u64 gpa);
/* Copies a slot's bitmap out: 0 or -EFAULT (user space, or a KUnit buffer). */
typedef int (*mhv_dirty_copy_t)(u64 dst, const void *src, size_t len);
/* MHV_GET_DIRTY_LOG once the struct is checked: get, clear, re-protect, flush. */
int mhv_dirty_fetch(struct mhv_mmu *mmu, u32 id, u64 dst, mhv_dirty_copy_t copy);

/* prefault.c: map every page of the slot now; -ENOSPC (checked first), errno. */
int mhv_prefault_slot(struct mhv_mmu *mmu, struct mhv_slot *slot);
/* Pages prefaulting the slot would pin. */
u64 mhv_prefault_need(const struct mhv_slot *slot);

/* debugfs.c */
void mhv_mmu_debugfs_add(struct mhv_mmu *mmu);
void mhv_mmu_debugfs_remove(struct mhv_mmu *mmu);

#endif
