// SPDX-License-Identifier: GPL-2.0
/* Fault injection points for VMX instructions; see fault_inject.h. */
#include <linux/debugfs.h>
#include <linux/fault-inject.h>

#include "vmx/fault_inject.h"

static DECLARE_FAULT_ATTR(fail_vmptrld);
static DECLARE_FAULT_ATTR(fail_invept);
static struct dentry *dirs[2];

bool mhv_should_fail_vmptrld(void)
{
	return should_fail(&fail_vmptrld, 1);
}

bool mhv_should_fail_invept(void)
{
	return should_fail(&fail_invept, 1);
}

void mhv_fault_inject_init(void)
{
	/* Quiet by default: a forced failure is not a kernel bug report. */
	fail_vmptrld.verbose = 0;
	fail_invept.verbose = 0;
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	/* Without debugfs the points stay off: nothing here is the module's to fail on. */
	dirs[0] = fault_create_debugfs_attr("fail_mhv_vmptrld", NULL, &fail_vmptrld);
	dirs[1] = fault_create_debugfs_attr("fail_mhv_invept", NULL, &fail_invept);
#endif
}

void mhv_fault_inject_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		if (!IS_ERR_OR_NULL(dirs[i]))
			debugfs_remove_recursive(dirs[i]);
}
