// SPDX-License-Identifier: GPL-2.0
/*
 * Namespaces by file descriptor, and their bytes.
 *
 * fsdax (/dev/pmemN): the block device's dax_device, from
 * fs_dax_get_by_bdev() with mhv as its holder, so removal (kill_dax) and
 * media errors reach mhv_pmem_ns_lost() through notify_failure; bytes and
 * pfns come from dax_direct_access() under dax_read_lock().
 *
 * devdax (/dev/daxN.M): device-dax gives its dax_device no operations, so
 * there is no in-kernel access call. Route taken: one page of a transient
 * shared mapping of the device in the caller's mm tells where the device's
 * byte 0 is; its dev_pagemap (one range, MEMORY_DEVICE_GENERIC) gives the
 * extent, linear from there. Bytes are reached through the direct map while
 * a pagemap reference keeps the device from being torn down. Nothing stays
 * pinned. Removal reaches the VMs through their mapping (see vm.c). A
 * media error on device-dax is not reported to mhv: its pagemap has no
 * memory_failure op, so no holder is told; the kernel signals the
 * processes that map the page instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": pmem: " fmt

#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/libnvdimm.h>
#include <linux/magic.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pmem/ns.h"

/* Namespaces, their tables and attachments, every VM's pmem state: see ns.h. */
DEFINE_MUTEX(mhv_pmem_lock);
static LIST_HEAD(mhv_pmem_namespaces);

/* fsdax: a pointer to @len bytes at @off; the caller holds dax_read_lock(). */
static int fsdax_kaddr(struct mhv_pmem_ns *ns, u64 off, u64 len, void **kaddr, u64 *pfn)
{
	u64 pos = ns->dax_start + off;
	long nr = DIV_ROUND_UP(offset_in_page(pos) + len, PAGE_SIZE);
	pfn_t p;
	long avail;

	if (off > ns->size || len > ns->size - off)
		return -ERANGE;
	avail = dax_direct_access(ns->dax_dev, PHYS_PFN(pos), nr, DAX_ACCESS, kaddr, &p);
	if (avail < 0)
		return avail == -ENXIO ? -ENODEV : (int)avail;
	if (avail < nr)
		return -EIO;	/* not contiguous: pmem never does this */
	*kaddr += offset_in_page(pos);
	if (pfn)
		*pfn = pfn_t_to_pfn(p);
	return 0;
}

/* devdax: the device's pagemap, if it is still the one we found. */
static struct dev_pagemap *devdax_hold(struct mhv_pmem_ns *ns, u64 off, u64 len)
{
	struct dev_pagemap *pgmap;

	if (off > ns->size || len > ns->size - off)
		return ERR_PTR(-ERANGE);
	pgmap = get_dev_pagemap(PHYS_PFN(ns->phys + off), NULL);
	if (pgmap == ns->pgmap)
		return pgmap;
	put_dev_pagemap(pgmap);
	/* Under mhv_pmem_lock, as every caller: a new device there is not ours. */
	ns->dead = true;
	return ERR_PTR(-ENODEV);
}

static int ns_rw(void *ctx, u64 off, void *buf, size_t len, bool write)
{
	struct mhv_pmem_ns *ns = ctx;
	struct dev_pagemap *pgmap;
	void *kaddr;
	int ret = 0, id;

	if (ns->devdax) {
		pgmap = devdax_hold(ns, off, len);
		if (IS_ERR(pgmap))
			return PTR_ERR(pgmap);
		kaddr = phys_to_virt(ns->phys + off);
	} else {
		id = dax_read_lock();
		ret = fsdax_kaddr(ns, off, len, &kaddr, NULL);
		if (ret)
			goto unlock;
	}
	if (!write) {
		/* A poisoned line fails the read instead of the machine. */
		if (copy_mc_to_kernel(buf, kaddr, len))
			ret = -EIO;
	} else {
		memcpy(kaddr, buf, len);
		if (ns->devdax)
			arch_wb_cache_pmem(kaddr, len);
		else
			dax_flush(ns->dax_dev, kaddr, len);
		/* Persisted before the caller writes anything that depends on it. */
		wmb();
	}
	if (ns->devdax) {
		put_dev_pagemap(pgmap);
		return ret;
	}
unlock:
	dax_read_unlock(id);
	return ret;
}

static int ns_read(void *ctx, u64 off, void *buf, size_t len)
{
	return ns_rw(ctx, off, buf, len, false);
}

static int ns_write(void *ctx, u64 off, const void *buf, size_t len)
{
	return ns_rw(ctx, off, (void *)buf, len, true);
}

int mhv_pmem_ns_load(struct mhv_pmem_ns *ns)
{
	lockdep_assert_held(&mhv_pmem_lock);
	if (ns->dead)
		return -ENODEV;
	return mhv_pmem_table_load(&ns->media, ns->size, &ns->table);
}

int mhv_pmem_ns_pfn(struct mhv_pmem_ns *ns, u64 off, u64 len, u64 *pfn)
{
	struct dev_pagemap *pgmap;
	void *kaddr;
	int ret, id;

	lockdep_assert_held(&mhv_pmem_lock);
	if (ns->dead)
		return -ENODEV;
	if (ns->devdax) {
		pgmap = devdax_hold(ns, off, len);
		if (IS_ERR(pgmap))
			return PTR_ERR(pgmap);
		*pfn = PHYS_PFN(ns->phys + off);
		put_dev_pagemap(pgmap);
		return 0;
	}
	id = dax_read_lock();
	ret = fsdax_kaddr(ns, off, len, &kaddr, pfn);
	dax_read_unlock(id);
	return ret;
}

void mhv_pmem_ns_flush(struct mhv_pmem_ns *ns, u64 off, u64 len)
{
	struct dev_pagemap *pgmap;
	void *kaddr;
	int id;

	lockdep_assert_held(&mhv_pmem_lock);
	if (ns->dead)
		return;
	if (ns->devdax) {
		pgmap = devdax_hold(ns, off, len);
		if (IS_ERR(pgmap))
			return;
		arch_wb_cache_pmem(phys_to_virt(ns->phys + off), len);
		put_dev_pagemap(pgmap);
	} else {
		id = dax_read_lock();
		if (!fsdax_kaddr(ns, off, len, &kaddr, NULL))
			dax_flush(ns->dax_dev, kaddr, len);
		dax_read_unlock(id);
	}
	/* The write-backs are ordered before whatever the caller does next. */
	wmb();
}

/*
 * kill_dax() (namespace disabled, device unbound) calls this with off 0 and
 * len U64_MAX; memory failure with the bad range. Runs under dax_read_lock.
 */
static int ns_notify_failure(struct dax_device *dax_dev, u64 off, u64 len, int mf_flags)
{
	struct mhv_pmem_ns *ns, *found = NULL;
	dev_t devt = 0;

	/*
	 * Not dax_holder(): a namespace being freed is the holder until
	 * fs_put_dax(). One in the list, under the lock, is alive.
	 */
	mutex_lock(&mhv_pmem_lock);
	list_for_each_entry(ns, &mhv_pmem_namespaces, node)
		if (ns->dax_dev == dax_dev && !ns->dead)
			found = ns;
	ns = found;
	if (ns && off == 0 && len == U64_MAX) {
		ns->dead = true;
		mhv_pmem_ns_lost(ns, 0, U64_MAX);
	} else if (ns && off + len > ns->dax_start && off < ns->dax_start + ns->size) {
		/* Offsets are the dax_device's: make them the namespace's. */
		mhv_pmem_ns_lost(ns, off > ns->dax_start ? off - ns->dax_start : 0, len);
	}
	if (ns)
		devt = ns->devt;
	mutex_unlock(&mhv_pmem_lock);
	if (!found)
		return -EOPNOTSUPP;
	pr_warn_ratelimited("namespace %u:%u: %s, its VMs are stopped\n", MAJOR(devt),
			    MINOR(devt), len == U64_MAX ? "removed" : "media error");
	return 0;
}

static const struct dax_holder_operations ns_holder_ops = {
	.notify_failure = ns_notify_failure,
};

static int fsdax_open(struct mhv_pmem_ns *ns, struct block_device *bdev)
{
	if (!blk_queue_dax(bdev->bd_disk->queue)) {
		pr_info_ratelimited("%pg has no DAX (a raw-mode namespace?): use fsdax or devdax\n",
				    bdev);
		return -EOPNOTSUPP;
	}
	ns->dax_dev = fs_dax_get_by_bdev(bdev, &ns->dax_start, ns, &ns_holder_ops);
	if (!ns->dax_dev && test_bit(GD_DEAD, &bdev->bd_disk->state)) {
		pr_info_ratelimited("%pg: namespace gone\n", bdev);
		return -ENODEV;
	}
	if (!ns->dax_dev) {
		pr_info_ratelimited("%pg: its DAX device is gone or held (mounted -o dax?)\n",
				    bdev);
		return -EBUSY;
	}
	ns->size = bdev_nr_bytes(bdev);
	return 0;
}

static int devdax_open(struct mhv_pmem_ns *ns, struct file *file)
{
	struct dev_pagemap *pgmap;
	unsigned long addr, pfn = 0;
	struct page *page;
	long n;
	int ret = 0;

	/* Device-dax maps in units of its alignment: 2 MiB is what mhv supports. */
	addr = vm_mmap(file, 0, MHV_PMEM_ALIGN, PROT_READ, MAP_SHARED, 0);
	if (IS_ERR_VALUE(addr)) {
		ret = (long)addr == -ENXIO ? -ENODEV : -EOPNOTSUPP;
		pr_info_ratelimited("dax %u:%u: cannot map it (%ld)\n",
				    MAJOR(ns->devt), MINOR(ns->devt), (long)addr);
		return ret;
	}
	n = get_user_pages_fast(addr, 1, 0, &page);
	if (n == 1) {
		pfn = page_to_pfn(page);
		put_page(page);
	}
	vm_munmap(addr, MHV_PMEM_ALIGN);
	if (n != 1)
		return n < 0 ? (int)n : -ENODEV;

	pgmap = get_dev_pagemap(pfn, NULL);
	if (!pgmap)
		return -ENODEV;
	if (pgmap->type != MEMORY_DEVICE_GENERIC || pgmap->nr_range != 1 ||
	    PFN_PHYS(pfn) < pgmap->range.start || PFN_PHYS(pfn) > pgmap->range.end) {
		pr_info_ratelimited("dax %u:%u: not one linear range: not supported\n",
				    MAJOR(ns->devt), MINOR(ns->devt));
		ret = -EOPNOTSUPP;
	} else {
		ns->phys = PFN_PHYS(pfn);
		ns->size = pgmap->range.end + 1 - ns->phys;
		ns->pgmap = pgmap;
	}
	put_dev_pagemap(pgmap);
	return ret;
}

static struct mhv_pmem_ns *ns_find(dev_t devt, bool devdax)
{
	struct mhv_pmem_ns *ns;

	lockdep_assert_held(&mhv_pmem_lock);
	list_for_each_entry(ns, &mhv_pmem_namespaces, node) {
		if (ns->devt == devt && ns->devdax == devdax && !ns->dead) {
			kref_get(&ns->ref);
			return ns;
		}
	}
	return NULL;
}

static void ns_free(struct mhv_pmem_ns *ns)
{
	if (ns->dax_dev)
		fs_put_dax(ns->dax_dev, ns);
	if (ns->file)
		fput(ns->file);
	kfree(ns);
}

/* Classify @file: 0 with *devt and *devdax set, or -EINVAL. */
static int ns_classify(struct file *file, dev_t *devt, bool *devdax)
{
	struct inode *inode = file_inode(file);

	if (S_ISBLK(inode->i_mode)) {
		*devt = I_BDEV(file->f_mapping->host)->bd_dev;
		*devdax = false;
		return 0;
	}
	/* An open device-dax file's mapping belongs to the dax filesystem's inode. */
	if (S_ISCHR(inode->i_mode) && file->f_mapping->host->i_sb->s_magic == DAXFS_MAGIC) {
		*devt = inode->i_rdev;
		*devdax = true;
		return 0;
	}
	return -EINVAL;
}

int mhv_pmem_ns_get(int fd, struct mhv_pmem_ns **out, bool *writable)
{
	struct mhv_pmem_ns *ns, *old;
	struct file *file;
	bool devdax;
	dev_t devt;
	int ret;

	file = fget(fd);
	if (!file)
		return -EBADF;
	ret = ns_classify(file, &devt, &devdax);
	if (ret) {
		pr_info_ratelimited("fd %d is not a pmem namespace (/dev/pmemN or /dev/daxN.M)\n",
				    fd);
		goto put_file;
	}
	mutex_lock(&mhv_pmem_lock);
	ns = ns_find(devt, devdax);
	mutex_unlock(&mhv_pmem_lock);
	if (ns)
		goto found;

	ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);
	if (!ns) {
		ret = -ENOMEM;
		goto put_file;
	}
	kref_init(&ns->ref);
	INIT_LIST_HEAD(&ns->atts);
	ns->devt = devt;
	ns->devdax = devdax;
	ns->media.read = ns_read;
	ns->media.write = ns_write;
	ns->media.ctx = ns;
	ret = devdax ? devdax_open(ns, file) : fsdax_open(ns, I_BDEV(file->f_mapping->host));
	mutex_lock(&mhv_pmem_lock);
	/* Someone else opened it meanwhile (and may be why we got -EBUSY). */
	old = ns_find(devt, devdax);
	if (old || ret) {
		mutex_unlock(&mhv_pmem_lock);
		ns_free(ns);
		ns = old;
		if (!ns)
			goto put_file;
		goto found;
	}
	ns->file = get_file(file);
	list_add(&ns->node, &mhv_pmem_namespaces);
	mutex_unlock(&mhv_pmem_lock);
found:
	*writable = file->f_mode & FMODE_WRITE;
	*out = ns;
put_file:
	fput(file);
	return ret;
}

static void ns_release(struct kref *ref)
{
	struct mhv_pmem_ns *ns = container_of(ref, struct mhv_pmem_ns, ref);

	list_del(&ns->node);
	ns_free(ns);
}

void mhv_pmem_ns_put(struct mhv_pmem_ns *ns)
{
	/* The list and the holder registration change under the lock. */
	if (kref_put_mutex(&ns->ref, ns_release, &mhv_pmem_lock))
		mutex_unlock(&mhv_pmem_lock);
}
