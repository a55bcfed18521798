// SPDX-License-Identifier: GPL-2.0
/*
 * mhv: a small micro-hypervisor for Linux.
 *
 * The module loads on any x86-64 CPU; without usable VT-x it still provides
 * /dev/mhv so that user space can ask why guests cannot run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "core/chardev.h"
#include "vmx/caps.h"
#include "vmx/emergency.h"
#include "vmx/fault_inject.h"
#include "vmx/mitigations.h"
#include "vmx/msr.h"
#include "vmx/vmxon.h"

static int __init mhv_init(void)
{
	int ret;

	mhv_vmx_caps_probe();
	mhv_mitigations_probe();
	ret = mhv_msr_bitmap_init();
	if (ret)
		return ret;
	ret = mhv_vmx_module_init();
	if (ret)
		goto free_bitmap;
	ret = mhv_emergency_module_init();
	if (ret)
		goto vmx_exit;
	ret = mhv_chardev_register();
	if (ret) {
		pr_err("cannot register /dev/mhv: %d\n", ret);
		goto emergency_exit;
	}
	mhv_fault_inject_init();
	return 0;

emergency_exit:
	mhv_emergency_module_exit();
vmx_exit:
	mhv_vmx_module_exit();
free_bitmap:
	mhv_msr_bitmap_exit();
	return ret;
}

/* Every VM holds a module reference through its files: none is left here. */
static void __exit mhv_exit(void)
{
	mhv_chardev_unregister();
	mhv_fault_inject_exit();
	mhv_emergency_module_exit();
	mhv_vmx_module_exit();
	mhv_msr_bitmap_exit();
}

module_init(mhv_init);
module_exit(mhv_exit);
MODULE_DESCRIPTION("mhv micro-hypervisor");
MODULE_LICENSE("GPL");
