// SPDX-License-Identifier: GPL-2.0
/*
 * Regions into guests: MHV_ATTACH_PMEM maps a named region at a 2 MiB
 * aligned guest-physical address with 2 MiB EPT leaves (write-back), without
 * touching, scrubbing or pinning its memory; MHV_GET_PMEM_MAP reports them
 * for the guest's E820 (type 12). When a namespace goes away the VMs using
 * it are stopped: vCPUs leave with MHV_EXIT_PMEM_LOST and never re-enter,
 * and their pmem EPT entries are removed and the TLBs flushed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": pmem: " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "mmu/mmu.h"
#include "pmem/copy_list.h"
#include "pmem/ns.h"
#include "pmem/pmem.h"
#include "pmem/vm.h"

static long attach_ret(const char *name, long ret)
{
	static const char * const why[] = {
		[EINVAL] = "invalid argument (flags, reserved, name, 2 MiB alignment)",
		[EBADF] = "fd not open for writing (attach MHV_PMEM_READONLY)",
		[ENODATA] = "no region table on the namespace",
		[ENOENT] = "no such region",
		[EEXIST] = "already attached, or overlaps guest memory",
		[EBUSY] = "overlaps a region another attachment holds exclusively",
		[ENOSPC] = "too many attachments",
		[ENODEV] = "namespace gone",
		[EIO] = "the VM lost its pmem",
		[ENOMEM] = "out of memory or EPT pool",
	};
	long e = -ret;

	if (ret && ret != -EFAULT && ret != -EOPNOTSUPP)
		pr_info_ratelimited("attach %.*s: %s (%ld)\n", MHV_PMEM_NAME_LEN, name,
				    e < ARRAY_SIZE(why) && why[e] ? why[e] : "failed", ret);
	return ret;
}

bool mhv_pmem_name_attached(struct mhv_pmem_ns *ns, const char *name)
{
	struct mhv_pmem_att *att;

	lockdep_assert_held(&mhv_pmem_lock);
	list_for_each_entry(att, &ns->atts, ns_node)
		if (!strncmp(att->name, name, MHV_PMEM_NAME_LEN))
			return true;
	return false;
}

/* Under mhv_pmem_lock. */
static void att_unmap(struct mhv_pmem_att *att)
{
	u64 npages = att->size >> PAGE_SHIFT;

	if (!att->mapped)
		return;
	/* Removes the entries and flushes every vCPU's EPT TLB (ops->flush_tlbs). */
	mhv_mmu_unmap_pfns(&att->vm->mmu, att->gpa, npages);
	att->mapped = false;
	att->vm->pmem->pages -= npages;
	att->vm->pmem->pages_2m -= att->pages_2m;
}

static void kick_ipi(void *unused)
{
}

/*
 * Make no vCPU run guest code again, taking no lock: the devdax callback
 * runs where nothing may allocate, and vm->lock is held while allocating.
 * The run loop checks the flag after it publishes its CPU, before each
 * entry; the IPI, waited for, forces out any vCPU already in the guest.
 */
static void vm_stop(struct mhv_vm *vm)
{
	WRITE_ONCE(vm->pmem->lost, true);
	/* Pairs with the barrier in the run loop before it enters the guest. */
	smp_mb();
	smp_call_function(kick_ipi, NULL, 1);
}

static void vm_unmap_all(struct mhv_pmem_vm *p)
{
	struct mhv_pmem_att *att;

	lockdep_assert_held(&mhv_pmem_lock);
	list_for_each_entry(att, &p->atts, vm_node)
		att_unmap(att);
}

void mhv_pmem_ns_lost(struct mhv_pmem_ns *ns, u64 off, u64 len)
{
	u64 end = len > U64_MAX - off ? U64_MAX : off + len;
	struct mhv_pmem_att *att;

	lockdep_assert_held(&mhv_pmem_lock);
	list_for_each_entry(att, &ns->atts, ns_node) {
		if (att->offset >= end || att->offset + att->size <= off)
			continue;
		if (!att->vm->pmem->lost)
			pr_warn_ratelimited("VM lost region %s: stopped\n", att->name);
		vm_stop(att->vm);
		vm_unmap_all(att->vm->pmem);
	}
}

static void unmap_work_fn(struct work_struct *work)
{
	struct mhv_pmem_vm *p = container_of(work, struct mhv_pmem_vm, unmap_work);

	mutex_lock(&mhv_pmem_lock);
	vm_unmap_all(p);
	mutex_unlock(&mhv_pmem_lock);
}

/*
 * devdax: the device's mapping is being zapped (kill_dev_dax() on removal,
 * or its owner unmapped it). Called under mmap_lock or i_mmap_rwsem, so it
 * must not take the mmu's lock (faults hold it while taking mmap_lock):
 * stop the vCPUs now, which keeps the guest off the memory, and remove the
 * EPT entries from a work item.
 */
static bool att_invalidate(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct mhv_pmem_att *att = container_of(mni, struct mhv_pmem_att, mni);

	if (range->event != MMU_NOTIFY_CLEAR && range->event != MMU_NOTIFY_UNMAP &&
	    range->event != MMU_NOTIFY_RELEASE)
		return true;
	if (!mmu_notifier_range_blockable(range))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	if (!READ_ONCE(att->vm->pmem->lost))
		pr_warn_ratelimited("devdax region %s unmapped: VM stopped\n", att->name);
	vm_stop(att->vm);
	schedule_work(&att->vm->pmem->unmap_work);
	return true;
}

static const struct mmu_interval_notifier_ops att_mni_ops = {
	.invalidate = att_invalidate,
};

/* devdax: map the region's first 2 MiB in the owner's mm and watch it. */
static int att_watch(struct mhv_pmem_att *att)
{
	struct page *page;
	unsigned long addr;
	long n;
	int ret;

	addr = vm_mmap(att->ns->file, 0, MHV_PMEM_ALIGN, PROT_READ, MAP_SHARED, att->offset);
	if (IS_ERR_VALUE(addr))
		return (long)addr == -ENXIO ? -ENODEV : (int)addr;
	/* It must still be the device we resolved: same bytes at the same place. */
	n = get_user_pages_fast(addr, 1, 0, &page);
	if (n == 1) {
		if (page_to_phys(page) != att->ns->phys + att->offset)
			n = -ENODEV;
		put_page(page);
	}
	if (n != 1) {
		ret = n < 0 ? (int)n : -ENODEV;
		goto unmap;
	}
	ret = mmu_interval_notifier_insert(&att->mni, current->mm, addr, MHV_PMEM_ALIGN,
					   &att_mni_ops);
	if (ret)
		goto unmap;
	att->sentinel = addr;
	att->watched = true;
	return 0;
unmap:
	vm_munmap(addr, MHV_PMEM_ALIGN);
	return ret;
}

static void att_unwatch(struct mhv_pmem_att *att)
{
	if (!att->watched)
		return;
	mmu_interval_notifier_remove(&att->mni);
	/* From another process (or an exiting one) the mapping goes with its mm. */
	if (current->mm == att->vm->mm)
		vm_munmap(att->sentinel, MHV_PMEM_ALIGN);
	att->watched = false;
}

static struct mhv_pmem_vm *vm_pmem(struct mhv_vm *vm)
{
	struct mhv_pmem_vm *p = vm->pmem;

	lockdep_assert_held(&mhv_pmem_lock);
	if (p)
		return p;
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	p->vm = vm;
	INIT_LIST_HEAD(&p->atts);
	INIT_WORK(&p->unmap_work, unmap_work_fn);
	/* The run loop reads it without the lock. */
	smp_store_release(&vm->pmem, p);
	return p;
}

/* The entry of @att's name, unchanged since we looked; under mhv_pmem_lock. */
static int att_check_entry(struct mhv_pmem_att *att)
{
	struct mhv_pmem_entry *e;
	int ret;

	ret = mhv_pmem_ns_load(att->ns);
	if (ret)
		return ret;
	e = mhv_pmem_table_find(&att->ns->table, att->name);
	if (!e)
		return -ENOENT;
	if (att->size && (e->offset != att->offset || e->size != att->size))
		return -ENOENT;	/* removed and made again meanwhile */
	if ((att->flags & MHV_PMEM_SHARED) && !(e->flags & MHV_PMEM_SHARED))
		return -EINVAL;
	att->offset = e->offset;
	att->size = e->size;
	return 0;
}

static int attach_locked(struct mhv_vm *vm, struct mhv_pmem_att *att)
{
	struct mhv_pmem_ns *ns = att->ns;
	struct mhv_pmem_att *o;
	struct mhv_pmem_vm *p;
	u64 pfn;
	int ret;

	ret = att_check_entry(att);
	if (ret)
		return ret;
	p = vm_pmem(vm);
	if (!p)
		return -ENOMEM;
	if (p->lost)
		return -EIO;
	if (p->count == MHV_PMEM_MAX_ATTACH)
		return -ENOSPC;
	list_for_each_entry(o, &p->atts, vm_node)
		if ((o->ns == ns && !strncmp(o->name, att->name, MHV_PMEM_NAME_LEN)) ||
		    mhv_pmem_ranges_overlap(o->gpa, o->size, att->gpa, att->size))
			return -EEXIST;
	/* Two VMs (or two attachments) share bytes only if both asked to. */
	list_for_each_entry(o, &ns->atts, ns_node)
		if (mhv_pmem_ranges_overlap(o->offset, o->size, att->offset, att->size) &&
		    !(o->flags & att->flags & MHV_PMEM_SHARED))
			return -EBUSY;
	ret = mhv_pmem_ns_pfn(ns, att->offset, att->size, &pfn);
	if (ret)
		return ret;
	ret = mhv_mmu_map_pfns(&vm->mmu, att->gpa, pfn, att->size >> PAGE_SHIFT,
			       !(att->flags & MHV_PMEM_READONLY), &att->pages_2m);
	if (ret)
		return ret;
	att->mapped = true;
	p->pages += att->size >> PAGE_SHIFT;
	p->pages_2m += att->pages_2m;
	p->count++;
	list_add_tail(&att->vm_node, &p->atts);
	list_add_tail(&att->ns_node, &ns->atts);
	return 0;
}

long mhv_pmem_attach(struct mhv_vm *vm, struct mhv_pmem_attach __user *uarg)
{
	struct mhv_pmem_attach a;
	struct mhv_pmem_att *att;
	bool writable;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~(MHV_PMEM_SHARED | MHV_PMEM_READONLY)) ||
	    memchr_inv(a.reserved, 0, sizeof(a.reserved)) || !mhv_pmem_name_valid(a.name) ||
	    !IS_ALIGNED(a.guest_phys_addr, MHV_PMEM_ALIGN))
		return attach_ret(a.name, -EINVAL);
	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (!att)
		return -ENOMEM;
	ret = mhv_pmem_ns_get(a.fd, &att->ns, &writable);
	if (ret)
		goto free;
	if (!writable && !(a.flags & MHV_PMEM_READONLY)) {
		ret = -EBADF;
		goto put;
	}
	att->vm = vm;
	memcpy(att->name, a.name, sizeof(att->name));
	att->flags = a.flags;
	att->gpa = a.guest_phys_addr;

	mutex_lock(&mhv_pmem_lock);
	ret = att_check_entry(att);
	mutex_unlock(&mhv_pmem_lock);
	if (ret)
		goto put;
	/* Outside the lock: mapping takes mmap_lock, which the watcher runs under. */
	if (att->ns->devdax) {
		ret = att_watch(att);
		if (ret)
			goto put;
	}
	mutex_lock(&mhv_pmem_lock);
	ret = attach_locked(vm, att);
	mutex_unlock(&mhv_pmem_lock);
	if (ret)
		goto unwatch;
	a.size = att->size;
	return copy_to_user(&uarg->size, &a.size, sizeof(a.size)) ? -EFAULT : 0;

unwatch:
	att_unwatch(att);
put:
	mhv_pmem_ns_put(att->ns);
free:
	kfree(att);
	return attach_ret(a.name, ret);
}

/*
 * Under mhv_pmem_lock: take @att out of its VM and namespace, its EPT
 * entries gone and what the guest wrote durable. The caller unwatches and
 * frees it outside the lock.
 */
static void att_remove(struct mhv_pmem_att *att)
{
	lockdep_assert_held(&mhv_pmem_lock);
	att_unmap(att);
	mhv_pmem_ns_flush(att->ns, att->offset, att->size);
	list_del(&att->vm_node);
	list_del(&att->ns_node);
	att->vm->pmem->count--;
}

static void att_free(struct mhv_pmem_att *att)
{
	att_unwatch(att);
	mhv_pmem_ns_put(att->ns);
	kfree(att);
}

long mhv_pmem_detach(struct mhv_vm *vm, const struct mhv_pmem_detach __user *uarg)
{
	struct mhv_pmem_att *att, *found = NULL;
	struct mhv_pmem_detach d;

	if (copy_from_user(&d, uarg, sizeof(d)))
		return -EFAULT;
	if (memchr_inv(d.reserved, 0, sizeof(d.reserved)) ||
	    !IS_ALIGNED(d.guest_phys_addr, MHV_PMEM_ALIGN))
		return -EINVAL;
	mutex_lock(&mhv_pmem_lock);
	if (vm->pmem) {
		list_for_each_entry(att, &vm->pmem->atts, vm_node) {
			if (att->gpa == d.guest_phys_addr) {
				found = att;
				att_remove(att);
				break;
			}
		}
	}
	mutex_unlock(&mhv_pmem_lock);
	if (!found)
		return -ENOENT;
	att_free(found);
	return 0;
}

long mhv_pmem_get_map(struct mhv_vm *vm, struct mhv_pmem_map __user *uarg)
{
	struct mhv_pmem_map_entry *out;
	struct mhv_pmem_att *att;
	struct mhv_pmem_map a;
	unsigned int n = 0;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.pad || memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return -EINVAL;
	out = kcalloc(MHV_PMEM_MAX_ATTACH, sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	mutex_lock(&mhv_pmem_lock);
	if (vm->pmem) {
		list_for_each_entry(att, &vm->pmem->atts, vm_node) {
			out[n].guest_phys_addr = att->gpa;
			out[n].size = att->size;
			memcpy(out[n].name, att->name, sizeof(out[n].name));
			out[n].flags = att->flags;
			n++;
		}
	}
	mutex_unlock(&mhv_pmem_lock);
	ret = mhv_pmem_copy_list(a.entries, &a.count, out, n, sizeof(*out));
	if (copy_to_user(uarg, &a, sizeof(a)))
		ret = -EFAULT;
	kfree(out);
	return ret;
}

long mhv_pmem_vm_stats(struct mhv_vm *vm, struct mhv_vm_stats __user *ustats)
{
	struct mhv_vm_stats st;
	u64 pages = 0, pages_2m = 0;

	if (copy_from_user(&st, ustats, sizeof(st)))
		return -EFAULT;
	mutex_lock(&mhv_pmem_lock);
	if (vm->pmem) {
		pages = vm->pmem->pages;
		pages_2m = vm->pmem->pages_2m;
	}
	mutex_unlock(&mhv_pmem_lock);
	/* The mmu counts every EPT leaf; RAM and pmem are reported apart. */
	st.pages_mapped -= min(st.pages_mapped, pages);
	st.pages_2m -= min(st.pages_2m, pages_2m);
	st.pmem_pages_mapped = pages;
	return copy_to_user(ustats, &st, sizeof(st)) ? -EFAULT : 0;
}

bool mhv_pmem_vcpu_lost(struct mhv_vcpu *vcpu)
{
	/* Pairs with vm_pmem(): a pointer seen is an initialised struct. */
	struct mhv_pmem_vm *p = smp_load_acquire(&vcpu->vm->pmem);

	return p && READ_ONCE(p->lost);
}

void mhv_pmem_vm_destroy(struct mhv_vm *vm)
{
	struct mhv_pmem_vm *p = vm->pmem;
	struct mhv_pmem_att *att, *tmp;
	LIST_HEAD(gone);

	if (!p)
		return;
	/* No VM ioctl can run, so the list is stable; stop the watchers first. */
	list_for_each_entry(att, &p->atts, vm_node)
		att_unwatch(att);
	cancel_work_sync(&p->unmap_work);

	mutex_lock(&mhv_pmem_lock);
	list_for_each_entry_safe(att, tmp, &p->atts, vm_node) {
		att_remove(att);
		list_add(&att->vm_node, &gone);
	}
	mutex_unlock(&mhv_pmem_lock);
	list_for_each_entry_safe(att, tmp, &gone, vm_node)
		att_free(att);
	vm->pmem = NULL;
	kfree(p);
}
