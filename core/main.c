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

static int __init mhv_init(void)
{
	int ret;

	mhv_vmx_caps_probe();
	ret = mhv_chardev_register();
	if (ret) {
		pr_err("cannot register /dev/mhv: %d\n", ret);
		return ret;
	}
	return 0;
}

static void __exit mhv_exit(void)
{
	mhv_chardev_unregister();
}

module_init(mhv_init);
module_exit(mhv_exit);
MODULE_DESCRIPTION("mhv micro-hypervisor");
MODULE_LICENSE("GPL");
