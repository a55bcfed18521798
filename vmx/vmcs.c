// SPDX-License-Identifier: GPL-2.0
/* A vCPU's VMCS: its controls, the host state, and where it is current. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/trapnr.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "core/vcpu.h"
#include "vmx/caps.h"
#include "vmx/cpuid.h"
#include "vmx/msr.h"
#include "vmx/state.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

extern const char __mhv_vmx_exit[];

/* Wanted bits, OR the bits the CPU forces on, AND the bits it allows. */
static u32 adjust_ctls(u32 want, u64 ctl_msr)
{
	return (want | (u32)ctl_msr) & (u32)(ctl_msr >> 32);
}

u64 mhv_vmx_hw_cr0(u64 cr0)
{
	/* Unrestricted guest may run with paging and protection off. */
	u64 fixed0 = mhv_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	return ((cr0 & ~(X86_CR0_CD | X86_CR0_NW)) | fixed0) & mhv_caps.cr0_fixed1;
}

u64 mhv_vmx_hw_cr4(u64 cr4)
{
	/* With CR4.MCE clear a machine check in the guest would shut the CPU down. */
	return (cr4 | mhv_caps.cr4_fixed0 | X86_CR4_MCE) & mhv_caps.cr4_fixed1;
}

u64 mhv_vmx_guest_cr0(void)
{
	return (vmcs_readl(GUEST_CR0) & ~MHV_CR0_HOST_OWNED) |
	       (vmcs_readl(CR0_READ_SHADOW) & MHV_CR0_HOST_OWNED);
}

u64 mhv_vmx_guest_cr4(void)
{
	return (vmcs_readl(GUEST_CR4) & ~MHV_CR4_HOST_OWNED) |
	       (vmcs_readl(CR4_READ_SHADOW) & MHV_CR4_HOST_OWNED);
}

void mhv_vmx_set_efer(u64 efer)
{
	u32 entry = vmcs_read32(VM_ENTRY_CONTROLS);

	vmcs_write64(GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		entry |= VM_ENTRY_IA32E_MODE;
	else
		entry &= ~VM_ENTRY_IA32E_MODE;
	vmcs_write32(VM_ENTRY_CONTROLS, entry);
}

static void setup_controls(struct mhv_vcpu *vcpu)
{
	struct mhv_vm *vm = vcpu->vm;
	u32 proc2;

	u32 pin = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
		  (mhv_vmx_virtual_nmis() ? PIN_BASED_VIRTUAL_NMIS : 0);
	u32 exit = VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
		   VM_EXIT_LOAD_IA32_EFER | VM_EXIT_SAVE_DEBUG_CONTROLS;

	/* A time slice that ends even if no host interrupt gets through (see run.c). */
	if (mhv_has(MHV_FEAT_PREEMPTION_TIMER)) {
		pin |= PIN_BASED_VMX_PREEMPTION_TIMER;
		exit |= VM_EXIT_SAVE_VMX_PREEMPTION_TIMER;
	}
	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, adjust_ctls(pin, mhv_caps.pinbased_ctls));
	/*
	 * CR3 accesses stay with the guest (EPT); CR8 would reach the host's
	 * TPR and debug registers the host's breakpoints, so both exit.
	 */
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     adjust_ctls(CPU_BASED_HLT_EXITING | CPU_BASED_MWAIT_EXITING |
				 CPU_BASED_RDPMC_EXITING | CPU_BASED_CR8_LOAD_EXITING |
				 CPU_BASED_CR8_STORE_EXITING | CPU_BASED_MOV_DR_EXITING |
				 CPU_BASED_UNCOND_IO_EXITING | CPU_BASED_USE_MSR_BITMAPS |
				 CPU_BASED_MONITOR_EXITING |
				 CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
				 mhv_caps.procbased_ctls) &
		     ~(CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING |
		       CPU_BASED_INVLPG_EXITING));
	proc2 = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST |
		mhv_ctl_allowed(mhv_caps.procbased_ctls2, SECONDARY_EXEC_ENABLE_RDTSCP |
				SECONDARY_EXEC_ENABLE_INVPCID | SECONDARY_EXEC_WBINVD_EXITING);
	if (vm->vpid)
		proc2 |= SECONDARY_EXEC_ENABLE_VPID;
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, adjust_ctls(proc2, mhv_caps.procbased_ctls2));
	vmcs_write32(VM_EXIT_CONTROLS, adjust_ctls(exit, mhv_caps.exit_ctls));
	/* Guest DR7 and DEBUGCTL are loaded so host breakpoints never fire in the guest. */
	vmcs_write32(VM_ENTRY_CONTROLS,
		     adjust_ctls(VM_ENTRY_LOAD_IA32_EFER | VM_ENTRY_LOAD_DEBUG_CONTROLS,
				 mhv_caps.entry_ctls) & ~VM_ENTRY_IA32E_MODE);

	/*
	 * Machine checks belong to the host. #AC and #DB exit because the CPU
	 * can be made to raise them forever while delivering them (CVE-2015-5307,
	 * CVE-2015-8104) and never take a host interrupt; mhv reflects them.
	 * #DB also carries DR6, which mhv emulates.
	 */
	vmcs_write32(EXCEPTION_BITMAP, BIT(X86_TRAP_MC) | BIT(X86_TRAP_AC) | BIT(X86_TRAP_DB));
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_writel(CR0_GUEST_HOST_MASK, MHV_CR0_HOST_OWNED);
	vmcs_writel(CR4_GUEST_HOST_MASK, MHV_CR4_HOST_OWNED);
	vmcs_write64(MSR_BITMAP, mhv_msr_bitmap_pa());
	vmcs_write64(EPT_POINTER, vm->eptp);
	if (vm->vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vm->vpid);
	vmcs_write64(VMCS_LINK_POINTER, -1ull);
}

/* Host state that is the same on every CPU. */
static void setup_host_constant(void)
{
	struct desc_ptr idt;
	u64 sysenter_cs;

	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_RIP, (unsigned long)__mhv_vmx_exit);
	rdmsrl(MSR_IA32_SYSENTER_CS, sysenter_cs);
	vmcs_write32(HOST_IA32_SYSENTER_CS, sysenter_cs);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, native_read_msr(MSR_IA32_SYSENTER_EIP));
	vmcs_write64(HOST_IA32_EFER, native_read_msr(MSR_EFER));
}

/* Host state that differs between CPUs. Interrupts off. */
static void setup_host_this_cpu(int cpu)
{
	struct desc_ptr gdt;

	native_store_gdt(&gdt);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	vmcs_writel(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_writel(HOST_GS_BASE, native_read_msr(MSR_GS_BASE));
	vmcs_writel(HOST_IA32_SYSENTER_ESP, native_read_msr(MSR_IA32_SYSENTER_ESP));
}

int mhv_vmx_enter_vmcs(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	int cpu = smp_processor_id();
	unsigned long cr4;
	int ret;

	if (vmx->vmcs.cpu != cpu)
		mhv_loaded_vmcs_clear(&vmx->vmcs);
	local_irq_disable();
	if (!mhv_vmx_cpu_is_on()) {
		local_irq_enable();
		return -EIO;
	}
	ret = mhv_loaded_vmcs_load(&vmx->vmcs);
	if (ret) {
		local_irq_enable();
		return ret;
	}
	if (vmx->host_cpu != cpu) {
		setup_host_this_cpu(cpu);
		vmx->host_cpu = cpu;
		/* Stale translations for this EPTP/VPID may linger from an earlier visit. */
		set_bit(MHV_REQ_TLB_FLUSH, &vmx->requests);
	}
	/* Linux changes CR4 per task (TSD, PCE) and CR3 per mm/PCID generation. */
	cr4 = cr4_read_shadow();
	vmcs_writel(HOST_CR4, cr4);
	if (vmx->host_cr3 != __read_cr3()) {
		vmx->host_cr3 = __read_cr3();
		vmcs_writel(HOST_CR3, vmx->host_cr3);
	}
	return 0;
}

int mhv_vmx_vcpu_init(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	int ret;

	vmx->vmcs.page = mhv_alloc_vmcs_page();
	if (!vmx->vmcs.page)
		return -ENOMEM;
	vmx->vmcs.cpu = -1;
	INIT_LIST_HEAD(&vmx->vmcs.cpu_link);
	vmx->host_cpu = -1;
	vmx->running_cpu = -1;
	if (!fpu_alloc_guest_fpstate(&vmx->fpu)) {
		ret = -ENOMEM;
		goto free_vmcs;
	}
	ret = mhv_cpuid_init_default(vcpu);
	if (ret)
		goto free_fpu;
	mhv_msr_reset(vcpu);

	preempt_disable();
	ret = mhv_vmx_enter_vmcs(vcpu);
	if (!ret) {
		setup_controls(vcpu);
		setup_host_constant();
		mhv_vmx_reset_state(vcpu);
		local_irq_enable();
	}
	preempt_enable();
	if (ret)
		goto free_cpuid;
	return 0;

free_cpuid:
	mhv_cpuid_free(vcpu);
free_fpu:
	fpu_free_guest_fpstate(&vmx->fpu);
free_vmcs:
	__free_page(vmx->vmcs.page);
	return ret;
}

void mhv_vmx_vcpu_destroy(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;

	mhv_loaded_vmcs_clear(&vmx->vmcs);
	mhv_cpuid_free(vcpu);
	fpu_free_guest_fpstate(&vmx->fpu);
	__free_page(vmx->vmcs.page);
}
