// SPDX-License-Identifier: GPL-2.0
/* VM objects and the VM fd: memory regions and vCPU creation. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/vcpu.h"
#include "core/vm.h"
#include "pmem/pmem.h"
#include "vmx/run.h"
#include "vmx/vmxon.h"
#include "vmx/vpid.h"

/* The mmu changed or removed translations: no vCPU may keep using the old ones. */
static void vm_flush_tlbs(struct mhv_mmu *mmu)
{
	struct mhv_vm *vm = container_of(mmu, struct mhv_vm, mmu);
	int i;

	/* vm->lock keeps each vCPU alive while it is kicked (lock order: mmu, then VM). */
	mutex_lock(&vm->lock);
	for (i = 0; i < MHV_MAX_VCPUS; i++) {
		struct mhv_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		set_bit(MHV_REQ_TLB_FLUSH, &vcpu->vmx.requests);
		/* Pairs with the barrier in the run loop before it enters the guest. */
		smp_mb__after_atomic();
		mhv_vmx_kick(vcpu);
	}
	mutex_unlock(&vm->lock);
}

static const struct mhv_mmu_ops vm_mmu_ops = {
	.flush_tlbs = vm_flush_tlbs,
};

static void vm_destroy(struct kref *ref)
{
	struct mhv_vm *vm = container_of(ref, struct mhv_vm, ref);

	/* No CPU may translate through this EPT once its pages go back to their owner. */
	mhv_vm_flush_and_release(vm->vpid, vm->eptp);
	mhv_pmem_vm_destroy(vm);
	mhv_mmu_destroy(&vm->mmu);
	mmdrop(vm->mm);
	kfree(vm);
	mhv_vmx_put();
}

void mhv_vm_get(struct mhv_vm *vm)
{
	kref_get(&vm->ref);
}

void mhv_vm_put(struct mhv_vm *vm)
{
	kref_put(&vm->ref, vm_destroy);
}

static long vm_set_memory_region(struct mhv_vm *vm, void __user *argp)
{
	struct mhv_memory_region region;

	if (copy_from_user(&region, argp, sizeof(region)))
		return -EFAULT;
	return mhv_mmu_set_region(&vm->mmu, &region);
}

static long mhv_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mhv_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	/* Guest memory is the creator's: another process must not map or fault it. */
	if (current->mm != vm->mm)
		return -EIO;
	switch (cmd) {
	case MHV_SET_MEMORY_REGION:
		ret = vm_set_memory_region(vm, argp);
		break;
	case MHV_CREATE_VCPU:
		ret = mhv_vcpu_create_fd(vm, arg);
		break;
	case MHV_GET_VM_STATS:
		ret = mhv_mmu_get_vm_stats(&vm->mmu, argp);
		if (!ret)
			ret = mhv_pmem_vm_stats(vm, argp);
		break;
	case MHV_SET_EPT_POOL:
		ret = mhv_mmu_set_ept_pool(&vm->mmu, argp);
		break;
	case MHV_GET_DIRTY_LOG:
		ret = mhv_mmu_get_dirty_log(&vm->mmu, argp);
		break;
	/* pmem/ says what went wrong itself, in one line. */
	case MHV_ATTACH_PMEM:
		return mhv_pmem_attach(vm, argp);
	case MHV_GET_PMEM_MAP:
		return mhv_pmem_get_map(vm, argp);
	case MHV_DETACH_PMEM:
		ret = mhv_pmem_detach(vm, argp);
		break;
	default:
		return -ENOTTY;
	}
	if (ret < 0 && ret != -EFAULT)
		pr_info_ratelimited("VM ioctl %#x: %ld\n", cmd, ret);
	return ret;
}

static int mhv_vm_release(struct inode *inode, struct file *file)
{
	mhv_vm_put(file->private_data);
	return 0;
}

static const struct file_operations mhv_vm_fops = {
	.owner = THIS_MODULE,
	.release = mhv_vm_release,
	.unlocked_ioctl = mhv_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static int check_config(const struct mhv_vm_config *cfg)
{
	if (cfg->flags || cfg->pad || memchr_inv(cfg->reserved, 0, sizeof(cfg->reserved))) {
		pr_info_ratelimited("MHV_CREATE_VM: unknown flags or nonzero reserved fields\n");
		return -EINVAL;
	}
	return 0;
}

int mhv_vm_create_fd(const struct mhv_vm_config __user *uconfig)
{
	struct mhv_vm_config cfg;
	struct mhv_vm *vm;
	int ret, fd;

	if (copy_from_user(&cfg, uconfig, sizeof(cfg)))
		return -EFAULT;
	ret = check_config(&cfg);
	if (ret)
		return ret;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->config = cfg;
	vm->mm = current->mm;
	mmgrab(vm->mm);

	ret = mhv_vmx_get();
	if (ret)
		goto free_vm;
	ret = mhv_mmu_init(&vm->mmu, &vm_mmu_ops, cfg.max_pages, cfg.ept_pool_pages);
	if (ret)
		goto put_vmx;
	vm->eptp = mhv_mmu_eptp(&vm->mmu);
	vm->vpid = mhv_vpid_alloc();

	fd = anon_inode_getfd("mhv-vm", &mhv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		mhv_vm_put(vm);
		return fd;
	}
	return fd;

put_vmx:
	mhv_vmx_put();
free_vm:
	mmdrop(vm->mm);
	kfree(vm);
	if (ret == -EBUSY)
		pr_info_ratelimited("MHV_CREATE_VM: VT-x is held by another hypervisor\n");
	return ret;
}
