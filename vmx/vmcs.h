/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_VMCS_H
#define MHV_VMX_VMCS_H

#include <linux/types.h>

struct mhv_vcpu;

/* CR bits the host owns: guest writes to them exit, reads see the shadow. */
#define MHV_CR0_HOST_OWNED	(X86_CR0_NE | X86_CR0_CD | X86_CR0_NW | X86_CR0_PG)
#define MHV_CR4_HOST_OWNED	(X86_CR4_VMXE)

int mhv_vmx_vcpu_init(struct mhv_vcpu *vcpu);
void mhv_vmx_vcpu_destroy(struct mhv_vcpu *vcpu);

/*
 * Make the vCPU's VMCS current on this CPU with interrupts off, refreshing
 * the host state when it moved here. Preemption must be disabled. On error
 * interrupts stay enabled.
 */
int mhv_vmx_enter_vmcs(struct mhv_vcpu *vcpu);

/* CR0/CR4 as the hardware needs them for a guest value (fixed bits applied). */
u64 mhv_vmx_hw_cr0(u64 cr0);
u64 mhv_vmx_hw_cr4(u64 cr4);
/* Keep the VM-entry "IA-32e mode guest" control in step with EFER.LMA. */
void mhv_vmx_set_efer(u64 efer);

#endif
