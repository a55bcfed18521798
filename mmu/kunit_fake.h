/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit only: a VM whose slots are "pinned" from kernel pages, with
 * counters the suites assert on (no user mm in a KUnit thread).
 */
#ifndef MHV_MMU_KUNIT_FAKE_H
#define MHV_MMU_KUNIT_FAKE_H

#include <kunit/test.h>

#include "mmu/mmu_priv.h"

/* What a 512-page pin returns. */
enum mhv_fake_2m {
	MHV_FAKE_2M_CONTIG,	/* contiguous and 2M aligned */
	MHV_FAKE_2M_MISALIGNED,	/* contiguous, one page off alignment */
	MHV_FAKE_2M_REFUSE,	/* -E2BIG: the frame cannot be large */
};

struct mhv_fake_vm {
	struct mhv_mmu mmu;
	bool live;		/* mmu initialised: the suite exit destroys it */
	enum mhv_fake_2m mode;
	int fail_pin;		/* an errno the next pins return */
	bool fill;		/* 4K pins hand out pages full of 0xaa, not zeros */
	unsigned int unpinned_nonzero;	/* unpinned pages that were not all zero */
	long pinned;		/* pages pinned now */
	unsigned int pins_2m;	/* 512-page pin attempts */
	unsigned int flushes;
	unsigned int seq;	/* orders flushes and unpins */
	unsigned int last_flush_seq;
	unsigned int first_unpin_seq;
};

/* The suite's init/exit: a fake VM in test->priv, destroyed at exit. */
int mhv_fake_vm_init(struct kunit *test);
void mhv_fake_vm_exit(struct kunit *test);

/* Init the fake VM's mmu; large pages and limits as the test wants. */
int mhv_fake_mmu_init(struct kunit *test, bool large, u64 max_pages, u64 pool_pages);

#endif
