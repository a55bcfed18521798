/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_VMCS_H
#define MHV_VMX_VMCS_H

#include <linux/types.h>

struct mhv_vcpu;

/* CR bits the host owns: guest writes to them exit, reads see the shadow. */
#define MHV_CR0_HOST_OWNED	(X86_CR0_NE | X86_CR0_CD | X86_CR0_NW | X86_CR0_PG)
/*
 * The CR4 bits a guest changes without an exit, as in KVM: none of them
 * changes what mhv must switch or check. Everything else exits so that mhv
 * sees it: PAE, PSE, SMEP, SMAP, LA57 and PCIDE change the paging mode (PDPTEs,
 * TLB flushes), MCE stays set in hardware so that a machine check is never a
 * shutdown, OSXSAVE decides what XSETBV may do, PKE makes PKRU live (switched
 * only where the host has it), and VMXE, SMXE, CET and PKS are refused.
 */
#define MHV_CR4_GUEST_OWNED	(X86_CR4_PVI | X86_CR4_DE | X86_CR4_PCE | X86_CR4_OSFXSR | \
				 X86_CR4_OSXMMEXCPT | X86_CR4_PGE | X86_CR4_TSD |	\
				 X86_CR4_FSGSBASE)
#define MHV_CR4_HOST_OWNED	(~(u64)MHV_CR4_GUEST_OWNED)

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
/* The guest's view of CR0/CR4: its own bits from the VMCS, the host-owned ones from the shadow. */
u64 mhv_vmx_guest_cr0(void);
u64 mhv_vmx_guest_cr4(void);
/* Keep the VM-entry "IA-32e mode guest" control in step with EFER.LMA. */
void mhv_vmx_set_efer(u64 efer);

#endif
