/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhv's memory model for one VM: its EPT, built from a per-VM page pool, and
 * its memory regions (guest-physical ranges backed by user memory).
 *
 * The interface the VM/vCPU code (core/, vmx/) uses; everything else about
 * the mmu stays inside mmu/.
 */
#ifndef MHV_MMU_MMU_H
#define MHV_MMU_MMU_H

#include <linux/types.h>
#include <linux/mutex.h>

#include "uapi/mhv.h"

struct mhv_mmu;

/* What the mmu needs from the VM that owns it. */
struct mhv_mmu_ops {
	/*
	 * Make every vCPU of the VM drop its EPT-derived TLB entries before it
	 * next runs guest code, and wait until none is running on stale ones.
	 * Called after entries were removed or write-protected.
	 */
	void (*flush_tlbs)(struct mhv_mmu *mmu);
};

/* The result of mhv_mmu_handle_fault(). */
enum mhv_fault_result {
	MHV_FAULT_MAPPED,	/* now mapped: re-enter the guest */
	MHV_FAULT_MMIO,		/* no memory there, or a write to a read-only region */
};

struct mhv_mmu_private;

struct mhv_mmu {
	const struct mhv_mmu_ops *ops;
	struct mhv_mmu_private *priv;	/* tables, pool, regions: mmu/ only */
};

/*
 * Set up an empty EPT; pool_pages 0 picks a default (512), max_pages 0 means
 * no cap. -EINVAL if pool_pages is above 65536, -ENOMEM. Call it in the
 * owner's process: its mm is the one slots are pinned from.
 */
int mhv_mmu_init(struct mhv_mmu *mmu, const struct mhv_mmu_ops *ops,
		 u64 max_pages, u64 pool_pages);
/*
 * Unmap and unpin everything, free the tables and the pool. No vCPU may run;
 * ops->flush_tlbs() is called once more before pages are unpinned, so it
 * must still invalidate this EPTP on every CPU that may cache it.
 */
void mhv_mmu_destroy(struct mhv_mmu *mmu);

/*
 * MHV_SET_MEMORY_REGION, validated here: -EINVAL (flags, reserved, slot id
 * >= 32, alignment, beyond 2^46 guest-physical, deleting an empty slot),
 * -EEXIST (overlaps another slot), -EFAULT (user range not accessible),
 * -ENOMEM. size 0 deletes; a changed slot is deleted and added again.
 * Nothing is pinned or mapped here: faults do it.
 */
int mhv_mmu_set_region(struct mhv_mmu *mmu, const struct mhv_memory_region *region);

/* The EPT pointer for the VMCS (4-level, write-back, A/D as enabled). */
u64 mhv_mmu_eptp(struct mhv_mmu *mmu);

/*
 * An EPT violation at @gpa with the exit qualification @qual, in process
 * context of the VM's owner (may sleep). Returns enum mhv_fault_result or a
 * negative errno (-ENOMEM: pool exhausted; -ENOSPC: max_pages reached;
 * -EFAULT: the user mapping is gone or current->mm is not the owner's).
 */
int mhv_mmu_handle_fault(struct mhv_mmu *mmu, u64 gpa, u64 qual);

/*
 * Copy guest-physical memory (regions only), faulting pages in as a guest
 * access would. 0; -EFAULT outside regions or writing a read-only one;
 * -ENOMEM / -ENOSPC as mhv_mmu_handle_fault(). May sleep.
 */
int mhv_mmu_read_guest(struct mhv_mmu *mmu, u64 gpa, void *buf, size_t len);
int mhv_mmu_write_guest(struct mhv_mmu *mmu, u64 gpa, const void *buf, size_t len);

/* What one VM's mmu holds and did, for MHV's statistics. */
struct mhv_mmu_stats {
	u64 pages_mapped;	/* 4 KiB units mapped in the EPT */
	u64 pages_2m;		/* 2 MiB leaves among them */
	u64 pages_pinned;	/* 4 KiB pages pinned for the guest (vs max_pages) */
	u64 pool_total;		/* pages in the VM's table pool */
	u64 pool_used;
	u64 faults;		/* EPT violations handled */
	u64 splits;		/* 2 MiB leaves split into 4 KiB ones */
	u64 mmio_faults;	/* violations answered MHV_FAULT_MMIO */
};

void mhv_mmu_get_stats(struct mhv_mmu *mmu, struct mhv_mmu_stats *out);

#endif
