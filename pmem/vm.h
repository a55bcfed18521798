/* SPDX-License-Identifier: GPL-2.0 */
/* Inside pmem/: the regions one VM has attached. */
#ifndef MHV_PMEM_VM_H
#define MHV_PMEM_VM_H

#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/workqueue.h>

#include "mmu/mmu.h"
#include "uapi/mhv.h"

struct mhv_pmem_ns;
struct mhv_vm;

/* Regions one VM may attach: each is one range the mmu maps outside slots. */
#define MHV_PMEM_MAX_ATTACH	MHV_MMU_MAX_FIXED

/* One region mapped into one VM. Lists and fields under mhv_pmem_lock. */
struct mhv_pmem_att {
	struct list_head vm_node;	/* mhv_pmem_vm.atts */
	struct list_head ns_node;	/* mhv_pmem_ns.atts */
	struct mhv_pmem_ns *ns;		/* a reference */
	struct mhv_vm *vm;
	char name[MHV_PMEM_NAME_LEN];
	u64 offset, size, gpa;
	u32 flags;			/* MHV_PMEM_SHARED, MHV_PMEM_READONLY */
	bool mapped;
	u64 pages_2m;			/* mapped through 2 MiB leaves */
	/* devdax: a mapping of the region's start, watched for the device going away. */
	struct mmu_interval_notifier mni;
	bool watched;
	unsigned long sentinel;
};

struct mhv_pmem_vm {
	struct mhv_vm *vm;
	struct list_head atts;
	unsigned int count;
	bool lost;			/* set once; vCPUs then exit MHV_EXIT_PMEM_LOST */
	u64 pages;			/* 4 KiB pages mapped */
	u64 pages_2m;			/* of which through 2 MiB leaves */
	struct work_struct unmap_work;	/* EPT teardown after a devdax loss */
};

/* Under mhv_pmem_lock: is a region of this name attached by any VM? */
bool mhv_pmem_name_attached(struct mhv_pmem_ns *ns, const char *name);

#endif
