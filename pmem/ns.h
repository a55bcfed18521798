/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside pmem/: an attached NVDIMM namespace (fsdax block device or devdax
 * character device) and its byte access. One object per device, shared by
 * every VM that maps one of its regions and by the table ioctls.
 *
 * Locking: mhv_pmem_lock (a mutex) guards every namespace's fields, the
 * attachment lists and each VM's pmem state. It is never held across
 * anything that takes mmap_lock (user copies, vm_mmap, GUP): the devdax
 * loss callback runs under mmap_lock or i_mmap_rwsem. Order: mhv_pmem_lock,
 * then the mmu's lock, then vm->lock.
 */
#ifndef MHV_PMEM_NS_H
#define MHV_PMEM_NS_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "pmem/table.h"

struct dax_device;
struct dev_pagemap;
struct file;

extern struct mutex mhv_pmem_lock;

struct mhv_pmem_ns {
	struct list_head node;		/* the live namespaces */
	struct kref ref;		/* callers and attachments */
	dev_t devt;
	bool devdax;
	bool dead;			/* removed or failed: nothing maps it again */
	struct file *file;		/* keeps the device open */
	struct dax_device *dax_dev;	/* fsdax: we are its holder */
	u64 dax_start;			/* fsdax: the bdev's byte offset in dax_dev */
	phys_addr_t phys;		/* devdax: where its byte 0 is */
	struct dev_pagemap *pgmap;	/* devdax: identity only, no reference */
	u64 size;
	struct list_head atts;		/* struct mhv_pmem_att.ns_node */
	struct mhv_pmem_media media;
	struct mhv_pmem_table table;	/* scratch: reloaded by every user */
};

/*
 * The namespace behind @fd, with a reference. -EBADF (no such fd), -EINVAL
 * (not a pmem device), -EOPNOTSUPP (a raw namespace without DAX, or a
 * devdax layout mhv cannot map), -EBUSY (another DAX holder, e.g. a
 * filesystem mounted -o dax), -ENODEV (going away). *writable: @fd was
 * opened for writing. Never hold mhv_pmem_lock.
 */
int mhv_pmem_ns_get(int fd, struct mhv_pmem_ns **out, bool *writable);
void mhv_pmem_ns_put(struct mhv_pmem_ns *ns);

/* Under mhv_pmem_lock: reload the table from the media. -ENODATA: unformatted. */
int mhv_pmem_ns_load(struct mhv_pmem_ns *ns);

/*
 * The first pfn of [off, off + len), which must be contiguous; called with
 * mhv_pmem_lock held, which keeps the namespace from being torn down
 * until the caller has recorded what it mapped. -ENODEV if it is gone.
 */
int mhv_pmem_ns_pfn(struct mhv_pmem_ns *ns, u64 off, u64 len, u64 *pfn);
/* Write back CPU caches over [off, off + len) so guest data is durable. */
void mhv_pmem_ns_flush(struct mhv_pmem_ns *ns, u64 off, u64 len);

/* vm.c: the namespace (or @len bytes at @off of it) failed: stop its users. */
void mhv_pmem_ns_lost(struct mhv_pmem_ns *ns, u64 off, u64 len);

#endif
