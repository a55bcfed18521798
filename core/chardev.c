// SPDX-License-Identifier: GPL-2.0
/* /dev/mhv: the system-wide file, from which VMs are created. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "core/chardev.h"
#include "core/vm.h"
#include "pmem/pmem.h"
#include "vmx/caps.h"
#include "vmx/mitigations.h"

static long mhv_get_vmx_caps(void __user *argp)
{
	struct mhv_vmx_caps caps = mhv_caps;

	caps.status = mhv_vmx_caps_status_now();
	caps.nr_cpus = num_online_cpus();
	return copy_to_user(argp, &caps, sizeof(caps)) ? -EFAULT : 0;
}

static long mhv_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case MHV_GET_API_VERSION:
		return arg ? -EINVAL : MHV_API_VERSION;
	case MHV_GET_VMX_CAPS:
		return mhv_get_vmx_caps(argp);
	case MHV_CREATE_VM:
		return mhv_vm_create_fd(argp);
	case MHV_GET_VCPU_MMAP_SIZE:
		return arg ? -EINVAL : PAGE_SIZE;
	case MHV_PMEM_FORMAT:
		return mhv_pmem_format(argp);
	case MHV_PMEM_CREATE:
		return mhv_pmem_create(argp);
	case MHV_PMEM_REMOVE:
		return mhv_pmem_remove(argp);
	case MHV_PMEM_LIST:
		return mhv_pmem_list(argp);
	}
	return -ENOTTY;
}

static const struct file_operations mhv_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mhv_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice mhv_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mhv",
	.fops = &mhv_dev_fops,
	.mode = 0600,
	.groups = mhv_mitigation_groups,
};

int mhv_chardev_register(void)
{
	return misc_register(&mhv_dev);
}

void mhv_chardev_unregister(void)
{
	misc_deregister(&mhv_dev);
}
