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
#include <linux/compiler_types.h>
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
 * owner's process: its mm is the one slots are pinned from. It also adds
 * the VM's debugfs view, /sys/kernel/debug/mhv/<tgid>-<n>/stats, which
 * mhv_mmu_destroy() removes.
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
 * -EEXIST (overlaps another slot or a pmem range), -EFAULT (user range not accessible),
 * -ENOMEM, -ENOSPC (MHV_MEM_PREFAULT past max_pages: nothing changed).
 * size 0 deletes; a change of MHV_MEM_LOG_DIRTY / MHV_MEM_PREFAULT alone
 * is made in place, any other change deletes and adds the slot again.
 * Only MHV_MEM_PREFAULT pins and maps here; otherwise faults do it.
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

/*
 * pmem/: map @npages host pages from @pfn at @gpa (2 MiB leaves where both
 * are aligned), outside any slot; nothing is pinned or touched; *pages_2m:
 * how many of them went into 2 MiB leaves. -EINVAL, -EEXIST (a slot or a
 * mapping is there), -ENOSPC (MHV_MMU_MAX_FIXED ranges mapped), -ENOMEM
 * (pool). No slot may be set over such a range while it is mapped (-EEXIST).
 * Unmapping removes exactly such a range and flushes the VM's TLBs before
 * it returns.
 */
/* Ranges one VM can have mapped that way. */
#define MHV_MMU_MAX_FIXED	32

int mhv_mmu_map_pfns(struct mhv_mmu *mmu, u64 gpa, u64 pfn, u64 npages, bool writable,
		     u64 *pages_2m);
void mhv_mmu_unmap_pfns(struct mhv_mmu *mmu, u64 gpa, u64 npages);

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
	u64 mapped_faults;	/* violations that mapped memory */
	u64 balloon_pages;	/* pages the guest gave back */
	u64 max_pages;
};

void mhv_mmu_get_stats(struct mhv_mmu *mmu, struct mhv_mmu_stats *out);

/*
 * VM ioctls, argp the user's struct. MHV_GET_VM_STATS: 0 or -EFAULT.
 * MHV_SET_EPT_POOL: -EINVAL (reserved, 0 pages, above 65536), -EBUSY
 * (fewer pages than the tables in use), -ENOMEM. MHV_GET_DIRTY_LOG: -EINVAL
 * (pad/reserved, slot id >= 32, slot without MHV_MEM_LOG_DIRTY), -ENOENT (no
 * such slot), -EFAULT (bitmap pointer; the bitmap is then not cleared).
 */
long mhv_mmu_get_vm_stats(struct mhv_mmu *mmu, void __user *argp);
long mhv_mmu_set_ept_pool(struct mhv_mmu *mmu, void __user *argp);
long mhv_mmu_get_dirty_log(struct mhv_mmu *mmu, void __user *argp);

/*
 * Balloon hypercalls, process context (they sleep): [gpa, gpa + nr pages)
 * inside one writable slot, else -EINVAL. Release returns the pages newly
 * given back; populate the ballooned pages backed again (zeroed), or
 * -ENOSPC if that would pass max_pages (nothing done), or an errno.
 */
long mhv_mmu_balloon_release(struct mhv_mmu *mmu, u64 gpa, u64 nr);
long mhv_mmu_balloon_populate(struct mhv_mmu *mmu, u64 gpa, u64 nr);

#endif
