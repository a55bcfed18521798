/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_VMXON_H
#define MHV_VMX_VMXON_H

#include <linux/list.h>
#include <linux/types.h>

/* A VMCS that may be active on some CPU, and must be VMCLEARed there. */
struct mhv_loaded_vmcs {
	struct page *page;
	int cpu;			/* -1: clear, may be loaded anywhere */
	bool launched;
	struct list_head cpu_link;	/* on that CPU's list while cpu >= 0 */
};

/* VMX root on every online CPU while at least one VM exists. */
int mhv_vmx_get(void);
void mhv_vmx_put(void);

/* Whether this CPU is in VMX operation (call with preemption disabled). */
bool mhv_vmx_cpu_is_on(void);

int mhv_vmx_module_init(void);
void mhv_vmx_module_exit(void);

struct page *mhv_alloc_vmcs_page(void);
/* Make @lv current on this CPU (interrupts off; it must be clear or active here). */
int mhv_loaded_vmcs_load(struct mhv_loaded_vmcs *lv);
/* VMCLEAR wherever it is active (from any CPU, preemptible context). */
void mhv_loaded_vmcs_clear(struct mhv_loaded_vmcs *lv);

#endif
