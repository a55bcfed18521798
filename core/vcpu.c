// SPDX-License-Identifier: GPL-2.0
/* vCPU objects and the vCPU fd: run, state, CPUID, MSRs, events, the run page. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "core/vcpu.h"
#include "vmx/cpuid.h"
#include "vmx/msr.h"
#include "vmx/run.h"
#include "vmx/state.h"
#include "vmx/vmcs.h"

static long vcpu_get(void __user *argp, void *val, size_t size,
		     int (*get)(struct mhv_vcpu *, void *), struct mhv_vcpu *vcpu)
{
	int ret = get(vcpu, val);

	if (ret)
		return ret;
	return copy_to_user(argp, val, size) ? -EFAULT : 0;
}

static int get_regs(struct mhv_vcpu *vcpu, void *val)
{
	return mhv_vmx_get_regs(vcpu, val);
}

static int get_sregs(struct mhv_vcpu *vcpu, void *val)
{
	return mhv_vmx_get_sregs(vcpu, val);
}

static long vcpu_ioctl_locked(struct mhv_vcpu *vcpu, unsigned int cmd, void __user *argp)
{
	union {
		struct mhv_regs regs;
		struct mhv_sregs sregs;
		struct mhv_event event;
	} u;

	switch (cmd) {
	case MHV_RUN:
		return argp ? -EINVAL : mhv_vmx_run(vcpu);
	case MHV_GET_REGS:
		return vcpu_get(argp, &u.regs, sizeof(u.regs), get_regs, vcpu);
	case MHV_SET_REGS:
		if (copy_from_user(&u.regs, argp, sizeof(u.regs)))
			return -EFAULT;
		return mhv_vmx_set_regs(vcpu, &u.regs);
	case MHV_GET_SREGS:
		return vcpu_get(argp, &u.sregs, sizeof(u.sregs), get_sregs, vcpu);
	case MHV_SET_SREGS:
		if (copy_from_user(&u.sregs, argp, sizeof(u.sregs)))
			return -EFAULT;
		return mhv_vmx_set_sregs(vcpu, &u.sregs);
	case MHV_GET_MSRS:
		return mhv_msrs_ioctl(vcpu, argp, false);
	case MHV_SET_MSRS:
		return mhv_msrs_ioctl(vcpu, argp, true);
	case MHV_SET_CPUID:
		return mhv_cpuid_set(vcpu, argp);
	case MHV_INJECT:
		if (copy_from_user(&u.event, argp, sizeof(u.event)))
			return -EFAULT;
		return mhv_vmx_queue_event(vcpu, &u.event);
	case MHV_GET_VCPU_STATS:
		return copy_to_user(argp, &vcpu->vmx.stats, sizeof(vcpu->vmx.stats)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static long mhv_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mhv_vcpu *vcpu = file->private_data;
	long ret;

	if (current->mm != vcpu->vm->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	ret = vcpu_ioctl_locked(vcpu, cmd, (void __user *)arg);
	mutex_unlock(&vcpu->mutex);
	if (ret < 0 && ret != -EINTR && ret != -EFAULT && ret != -ENOTTY)
		pr_info_ratelimited("vCPU %u ioctl %#x: %ld\n", vcpu->id, cmd, ret);
	return ret;
}

static int mhv_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mhv_vcpu *vcpu = file->private_data;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, virt_to_page(vcpu->run));
}

static int mhv_vcpu_release(struct inode *inode, struct file *file)
{
	struct mhv_vcpu *vcpu = file->private_data;
	struct mhv_vm *vm = vcpu->vm;

	mutex_lock(&vm->lock);
	WRITE_ONCE(vm->vcpus[vcpu->id], NULL);
	mutex_unlock(&vm->lock);
	mhv_vmx_vcpu_destroy(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	mhv_vm_put(vm);
	return 0;
}

static const struct file_operations mhv_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = mhv_vcpu_release,
	.unlocked_ioctl = mhv_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = mhv_vcpu_mmap,
	.llseek = noop_llseek,
};

int mhv_vcpu_create_fd(struct mhv_vm *vm, unsigned long id)
{
	struct mhv_vcpu *vcpu;
	int ret, fd;

	if (id >= MHV_MAX_VCPUS)
		return -EINVAL;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		ret = -ENOMEM;
		goto free_vcpu;
	}
	ret = mhv_vmx_vcpu_init(vcpu);
	if (ret)
		goto free_run;

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		ret = -EEXIST;
		goto unlock;
	}
	mhv_vm_get(vm);
	fd = anon_inode_getfd("mhv-vcpu", &mhv_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		mhv_vm_put(vm);
		goto unlock;
	}
	WRITE_ONCE(vm->vcpus[id], vcpu);
	mutex_unlock(&vm->lock);
	return fd;

unlock:
	mutex_unlock(&vm->lock);
	mhv_vmx_vcpu_destroy(vcpu);
free_run:
	free_page((unsigned long)vcpu->run);
free_vcpu:
	kfree(vcpu);
	return ret;
}
