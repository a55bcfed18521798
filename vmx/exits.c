// SPDX-License-Identifier: GPL-2.0
/*
 * VM exit handlers, dispatched by table on the basic exit reason. Each runs
 * with interrupts off and the VMCS current, and returns an enum
 * mhv_exit_action; what must sleep finishes in mhv_vmx_handle_slow().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/trapnr.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/mce.h>
#include <asm/processor-flags.h>

#include "core/hypercall.h"
#include "core/vcpu.h"
#include "vmx/caps.h"
#include "vmx/cpuid.h"
#include "vmx/cr.h"
#include "vmx/guest_walk.h"
#include "vmx/msr.h"
#include "vmx/run.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

typedef int (*exit_handler_t)(struct mhv_vcpu *vcpu);

static u64 *gprs(struct mhv_vcpu *vcpu)
{
	return vcpu->vmx.gprs;
}

static int internal_error(struct mhv_vcpu *vcpu, u32 suberror)
{
	struct mhv_run *run = vcpu->run;

	run->exit_reason = MHV_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.exit_reason = vcpu->vmx.exit.reason;
	run->internal.exit_qualification = vcpu->vmx.exit.qual;
	run->internal.guest_phys_addr = vcpu->vmx.exit.gpa;
	return MHV_TO_USER;
}

static int inject_ud(struct mhv_vcpu *vcpu)
{
	mhv_vmx_inject_exception(vcpu, X86_TRAP_UD, false, 0);
	return MHV_RESUME;
}

static int inject_gp(struct mhv_vcpu *vcpu)
{
	mhv_vmx_inject_exception(vcpu, X86_TRAP_GP, true, 0);
	return MHV_RESUME;
}

static int skip(struct mhv_vcpu *vcpu)
{
	mhv_vmx_skip_insn(vcpu);
	return MHV_RESUME;
}

/*
 * A machine check in the guest is the host's to handle. do_machine_check()
 * must see it as taken in user mode, as it was from the host's point of view:
 * from kernel mode it panics on any uncorrected error, where from user mode
 * it kills the task that consumed the poison (the VMM) and the host lives.
 */
static void mhv_vmx_machine_check(void)
{
#ifdef CONFIG_X86_MCE
	struct pt_regs regs = {
		.cs = 3,
		.flags = X86_EFLAGS_IF,
	};

	do_machine_check(&regs);
#endif
}

/*
 * An exception that interrupted the delivery of another event: the
 * exception is benign (#DB, #AC), so the two are handled one after the
 * other (SDM 6.15, table 6-5). An interrupt or NMI mhv was injecting goes
 * back to the queue; an exception or INT n comes again when the
 * instruction runs again. Returns false when the queue is taken and the
 * interrupted event must be delivered first.
 */
static bool requeue_vectored_event(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	u32 v = vmx->vectoring;
	u32 type = v & INTR_INFO_INTR_TYPE_MASK;

	if (!(v & VECTORING_INFO_VALID_MASK))
		return true;
	if (type == INTR_TYPE_EXT_INTR || type == INTR_TYPE_NMI_INTR) {
		if (vmx->event_pending)
			return false;
		vmx->event = (struct mhv_event) {
			.type = type == INTR_TYPE_NMI_INTR ? MHV_EVENT_NMI : MHV_EVENT_INTERRUPT,
			.vector = v & VECTORING_INFO_VECTOR_MASK,
		};
		vmx->event_pending = true;
	}
	vmx->vectoring = 0;
	return true;
}

/* Deliver to the guest the exception that exited, as the CPU would have. */
static int reflect_exception(struct mhv_vcpu *vcpu, u32 info)
{
	u32 type = info & INTR_INFO_INTR_TYPE_MASK;

	if (!requeue_vectored_event(vcpu))
		return MHV_YIELD;
	if (info & INTR_INFO_DELIVER_CODE_MASK)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read32(VM_EXIT_INTR_ERROR_CODE));
	/* INT1 and INT3 are instructions: their delivery pushes the next RIP. */
	if (type == INTR_TYPE_PRIV_SW_EXCEPTION || type == INTR_TYPE_SOFT_EXCEPTION)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
		     info & (INTR_INFO_VECTOR_MASK | INTR_INFO_INTR_TYPE_MASK |
			     INTR_INFO_DELIVER_CODE_MASK | INTR_INFO_VALID_MASK));
	/*
	 * Out of the inner loop, with interrupts on for a moment: if delivering
	 * this exception raises it again, the guest never reaches an instruction
	 * boundary, so no host interrupt or timer exit would ever be taken.
	 */
	return MHV_YIELD;
}

/* The guest's DR6 is mhv's: the exit qualification says what the hardware would have set. */
static int reflect_db(struct mhv_vcpu *vcpu, u32 info)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);

	vmx->dr6 = (vmx->dr6 & ~MHV_DR6_TRAP_BITS) |
		   (qual & (MHV_DR6_TRAP_BITS | MHV_DR6_BD | MHV_DR6_BS));
	return reflect_exception(vcpu, info);
}

static int handle_exception_nmi(struct mhv_vcpu *vcpu)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);
	u8 vector = info & INTR_INFO_VECTOR_MASK;

	mhv_vmx_save_vectoring(vcpu);
	/* NMIs are the host's: hand them to its handler. */
	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR) {
		asm volatile("int $2");
		return MHV_RESUME;
	}
	/* The exception hit an IRET that had unblocked NMIs: block them again (SDM 28.2.3). */
	if ((info & INTR_INFO_UNBLOCK_NMI) && vector != X86_TRAP_DF &&
	    mhv_vmx_virtual_nmis())
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) | GUEST_INTR_STATE_NMI);
	switch (vector) {
	case X86_TRAP_MC:
		mhv_vmx_machine_check();
		return MHV_RESUME;
	case X86_TRAP_DB:
		return reflect_db(vcpu, info);
	case X86_TRAP_AC:
		return reflect_exception(vcpu, info);
	}
	vcpu->vmx.exit.qual = info;
	return internal_error(vcpu, MHV_INTERNAL_UNHANDLED_EXIT);
}

static int handle_external_interrupt(struct mhv_vcpu *vcpu)
{
	return MHV_YIELD;
}

/* The slice is over: let the host look at its own work. */
static int handle_preemption_timer(struct mhv_vcpu *vcpu)
{
	return MHV_YIELD;
}

static int handle_triple_fault(struct mhv_vcpu *vcpu)
{
	vcpu->run->exit_reason = MHV_EXIT_SHUTDOWN;
	return MHV_TO_USER;
}

static int handle_interrupt_window(struct mhv_vcpu *vcpu)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_BASED_INTR_WINDOW_EXITING);
	return MHV_RESUME;
}

static int handle_nmi_window(struct mhv_vcpu *vcpu)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_BASED_NMI_WINDOW_EXITING);
	return MHV_RESUME;
}

static int handle_cpuid(struct mhv_vcpu *vcpu)
{
	u64 *g = gprs(vcpu);
	u32 function = g[MHV_RAX], out[4];

	mhv_cpuid_lookup(vcpu, function, g[MHV_RCX], out);
	/* OSXSAVE mirrors the guest's own CR4. */
	if (function == 1 && (vmcs_readl(GUEST_CR4) & X86_CR4_OSXSAVE))
		out[2] |= BIT(27);
	g[MHV_RAX] = out[0];
	g[MHV_RBX] = out[1];
	g[MHV_RCX] = out[2];
	g[MHV_RDX] = out[3];
	return skip(vcpu);
}

static int handle_hlt(struct mhv_vcpu *vcpu)
{
	mhv_vmx_skip_insn(vcpu);
	vcpu->run->exit_reason = MHV_EXIT_HLT;
	return MHV_TO_USER;
}

static int handle_vmcall(struct mhv_vcpu *vcpu)
{
	return mhv_hypercall(vcpu);
}

static int handle_io(struct mhv_vcpu *vcpu)
{
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);
	struct mhv_run *run = vcpu->run;
	u8 size = (qual & 7) + 1;

	vcpu->vmx.exit.qual = qual;
	/* String I/O would need the guest's segments and paging: not supported. */
	if (qual & BIT(4))
		return internal_error(vcpu, MHV_INTERNAL_UNHANDLED_EXIT);
	mhv_vmx_skip_insn(vcpu);
	run->exit_reason = MHV_EXIT_IO;
	run->io.size = size;
	run->io.port = qual >> 16;
	run->io.pad = 0;
	if (qual & BIT(3)) {
		run->io.direction = MHV_EXIT_IO_IN;
		run->io.data = 0;
		vcpu->vmx.io_size = size;
		vcpu->vmx.completion = MHV_COMPLETE_IO_IN;
	} else {
		run->io.direction = MHV_EXIT_IO_OUT;
		run->io.data = gprs(vcpu)[MHV_RAX] & GENMASK_ULL(size * 8 - 1, 0);
	}
	return MHV_TO_USER;
}

static bool in_64bit_mode(void)
{
	return (vmcs_read64(GUEST_IA32_EFER) & EFER_LMA) &&
	       (vmcs_read32(GUEST_CS_AR_BYTES) & MHV_SEG_AR_L);
}

/* MOV CR/DR operands: outside 64-bit mode only the low 32 bits of the register count. */
static u64 read_gpr(struct mhv_vcpu *vcpu, int reg)
{
	u64 value = reg == MHV_RSP ? vmcs_readl(GUEST_RSP) : gprs(vcpu)[reg];

	return in_64bit_mode() ? value : (u32)value;
}

static void write_gpr(struct mhv_vcpu *vcpu, int reg, u64 value)
{
	if (!in_64bit_mode())
		value = (u32)value;
	if (reg == MHV_RSP)
		vmcs_writel(GUEST_RSP, value);
	else
		gprs(vcpu)[reg] = value;
}

static bool pae_paging(u64 cr0, u64 cr4, u64 efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA);
}

/* After a paging-mode change into PAE paging, the PDPTEs must come from memory. */
static int load_pdptes_later(struct mhv_vcpu *vcpu)
{
	vcpu->vmx.exit.cr3 = vmcs_readl(GUEST_CR3);
	return MHV_SLOW;
}

/* An emulated MOV to CR0/CR4 did not flush the guest's TLB as the real one would have. */
static void flush_guest_tlb(struct mhv_vcpu *vcpu)
{
	set_bit(MHV_REQ_TLB_FLUSH, &vcpu->vmx.requests);
}

static int set_cr0(struct mhv_vcpu *vcpu, u64 val)
{
	u64 old = mhv_vmx_guest_cr0();
	u64 cr4 = mhv_vmx_guest_cr4();
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	bool cs_l = vmcs_read32(GUEST_CS_AR_BYTES) & MHV_SEG_AR_L;

	if (!mhv_cr0_valid(val))
		return inject_gp(vcpu);
	/* The other low bits ignore writes; ET is hardwired to 1. */
	val = (val & MHV_CR0_DEFINED) | X86_CR0_ET;
	if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (efer & EFER_LME)) {
		/* Entering long mode needs PAE, and code that is not already 64-bit. */
		if (!(cr4 & X86_CR4_PAE) || cs_l)
			return inject_gp(vcpu);
		efer |= EFER_LMA;
		mhv_vmx_set_efer(efer);
	} else if (!(val & X86_CR0_PG)) {
		/* 64-bit code cannot turn paging off under itself, nor can PCIDE stay. */
		if (((efer & EFER_LMA) && cs_l) || (cr4 & X86_CR4_PCIDE))
			return inject_gp(vcpu);
		if (efer & EFER_LMA) {
			efer &= ~EFER_LMA;
			mhv_vmx_set_efer(efer);
		}
	}
	vmcs_writel(CR0_READ_SHADOW, val);
	vmcs_writel(GUEST_CR0, mhv_vmx_hw_cr0(val));
	if ((old ^ val) & (X86_CR0_PG | X86_CR0_WP))
		flush_guest_tlb(vcpu);
	mhv_vmx_skip_insn(vcpu);
	if (!(old & X86_CR0_PG) && pae_paging(val, cr4, efer))
		return load_pdptes_later(vcpu);
	return MHV_RESUME;
}

static int set_cr4(struct mhv_vcpu *vcpu, u64 val)
{
	u64 cr0 = mhv_vmx_guest_cr0();
	u64 efer = vmcs_read64(GUEST_IA32_EFER);
	u64 old = mhv_vmx_guest_cr4();

	if (!mhv_cr4_valid(val, mhv_cr4_guest_allowed()))
		return inject_gp(vcpu);
	/* Long mode keeps PAE and its paging depth; PCIDE needs it and CR3's PCID at 0. */
	if ((efer & EFER_LMA) && (!(val & X86_CR4_PAE) || ((old ^ val) & X86_CR4_LA57)))
		return inject_gp(vcpu);
	if ((val & X86_CR4_PCIDE) && !(old & X86_CR4_PCIDE) &&
	    (!(efer & EFER_LMA) || (vmcs_readl(GUEST_CR3) & 0xfff)))
		return inject_gp(vcpu);
	vmcs_writel(CR4_READ_SHADOW, val);
	vmcs_writel(GUEST_CR4, mhv_vmx_hw_cr4(val));
	if (old != val)
		flush_guest_tlb(vcpu);
	mhv_vmx_skip_insn(vcpu);
	if (((old ^ val) & X86_CR4_PAE) && pae_paging(cr0, val, efer))
		return load_pdptes_later(vcpu);
	return MHV_RESUME;
}

static int handle_cr_access(struct mhv_vcpu *vcpu)
{
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);
	int cr = qual & 15, type = (qual >> 4) & 3, reg = (qual >> 8) & 15;
	u64 val;

	vcpu->vmx.exit.qual = qual;
	switch (type) {
	case 0:		/* MOV to CR */
		val = read_gpr(vcpu, reg);
		if (cr == 0)
			return set_cr0(vcpu, val);
		if (cr == 4)
			return set_cr4(vcpu, val);
		if (cr == 8) {
			if (val >> 4)
				return inject_gp(vcpu);
			/* No local APIC is emulated: CR8 is just storage. */
			vcpu->vmx.cr8 = val;
			return skip(vcpu);
		}
		break;
	case 1:		/* MOV from CR */
		if (cr == 8) {
			write_gpr(vcpu, reg, vcpu->vmx.cr8);
			return skip(vcpu);
		}
		break;
	case 3:		/* LMSW: sets PE, MP, EM, TS; cannot clear PE */
		val = mhv_vmx_guest_cr0();
		val = (val & ~0xeULL) | ((qual >> 16) & 0xf);
		return set_cr0(vcpu, val);
	}
	return internal_error(vcpu, MHV_INTERNAL_UNHANDLED_EXIT);
}

static int handle_dr_access(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	u64 qual = vmcs_readl(EXIT_QUALIFICATION);
	int dr = qual & 7, reg = (qual >> 8) & 15;
	bool from_dr = qual & BIT(4);
	u64 val;

	if (dr == 4 || dr == 5) {
		if (vmcs_readl(GUEST_CR4) & X86_CR4_DE)
			return inject_ud(vcpu);
		dr += 2;
	}
	/* General detect: the access itself raises #DB, and GD clears so the handler can work. */
	if (vmx->dr7 & MHV_DR7_GD) {
		vmx->dr7 &= ~MHV_DR7_GD;
		vmx->dr6 = (vmx->dr6 & ~MHV_DR6_TRAP_BITS) | MHV_DR6_BD;
		mhv_vmx_inject_exception(vcpu, X86_TRAP_DB, false, 0);
		return MHV_RESUME;
	}
	/* Debug registers are emulated storage: no guest breakpoint reaches the hardware. */
	if (from_dr) {
		if (dr < 4)
			val = vmx->dr[dr];
		else if (dr == 6)
			val = vmx->dr6 | MHV_DR6_FIXED_1;
		else
			val = vmx->dr7 | MHV_DR7_FIXED_1;
		write_gpr(vcpu, reg, val);
		return skip(vcpu);
	}
	val = read_gpr(vcpu, reg);
	if (dr < 4) {
		vmx->dr[dr] = val;
	} else {
		if (val >> 32)
			return inject_gp(vcpu);
		/* Reserved bits keep their fixed values, whatever is written. */
		if (dr == 6)
			vmx->dr6 = val & MHV_DR6_VOLATILE;
		else
			vmx->dr7 = val & MHV_DR7_VOLATILE;
	}
	return skip(vcpu);
}

static int handle_msr_read(struct mhv_vcpu *vcpu)
{
	u64 *g = gprs(vcpu), value;

	if (mhv_msr_read(vcpu, g[MHV_RCX], &value))
		return inject_gp(vcpu);
	g[MHV_RAX] = (u32)value;
	g[MHV_RDX] = value >> 32;
	return skip(vcpu);
}

static int handle_msr_write(struct mhv_vcpu *vcpu)
{
	u64 *g = gprs(vcpu);
	u64 value = (g[MHV_RDX] << 32) | (u32)g[MHV_RAX];

	if (mhv_msr_write(vcpu, g[MHV_RCX], value))
		return inject_gp(vcpu);
	return skip(vcpu);
}

static int handle_xsetbv(struct mhv_vcpu *vcpu)
{
	u64 *g = gprs(vcpu);
	u64 value = (g[MHV_RDX] << 32) | (u32)g[MHV_RAX];
	/* What the guest's FPU buffer holds and the host has on: a subset of a valid XCR0. */
	u64 allowed = vcpu->vmx.fpu.fpstate->user_xfeatures & vcpu->vmx.host.xcr0;

	/* The host's XSETBV has no fixup: a value the CPU faults on must never reach it. */
	if ((u32)g[MHV_RCX] != XCR_XFEATURE_ENABLED_MASK ||
	    VMX_AR_DPL(vmcs_read32(GUEST_SS_AR_BYTES)) || !mhv_xcr0_valid(value, allowed))
		return inject_gp(vcpu);
	vcpu->vmx.xcr0 = value;
	/* The run loop holds the guest's XCR0 while the guest may run. */
	xsetbv(XCR_XFEATURE_ENABLED_MASK, value);
	return skip(vcpu);
}

static int handle_ept_violation(struct mhv_vcpu *vcpu)
{
	struct mhv_exit_info *e = &vcpu->vmx.exit;

	mhv_vmx_save_vectoring(vcpu);
	/* Everything the fault or the MMIO decode needs, read while the VMCS is here. */
	e->qual = vmcs_readl(EXIT_QUALIFICATION);
	e->gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	e->rip = vmcs_readl(GUEST_RIP);
	e->rsp = vmcs_readl(GUEST_RSP);
	e->insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	e->cs_ar = vmcs_read32(GUEST_CS_AR_BYTES);
	e->cs_base = vmcs_readl(GUEST_CS_BASE);
	e->cr0 = vmcs_readl(GUEST_CR0);
	e->cr3 = vmcs_readl(GUEST_CR3);
	e->cr4 = vmcs_readl(GUEST_CR4);
	e->efer = vmcs_read64(GUEST_IA32_EFER);
	if (pae_paging(e->cr0, e->cr4, e->efer)) {
		e->pdptes[0] = vmcs_read64(GUEST_PDPTR0);
		e->pdptes[1] = vmcs_read64(GUEST_PDPTR1);
		e->pdptes[2] = vmcs_read64(GUEST_PDPTR2);
		e->pdptes[3] = vmcs_read64(GUEST_PDPTR3);
	}
	return MHV_SLOW;
}

static int handle_ept_misconfig(struct mhv_vcpu *vcpu)
{
	vcpu->vmx.exit.gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	return internal_error(vcpu, MHV_INTERNAL_EPT_MISCONFIG);
}

static const exit_handler_t exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]		= handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT]		= handle_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW]		= handle_interrupt_window,
	[EXIT_REASON_NMI_WINDOW]		= handle_nmi_window,
	[EXIT_REASON_CPUID]			= handle_cpuid,
	[EXIT_REASON_HLT]			= handle_hlt,
	[EXIT_REASON_INVD]			= skip,
	[EXIT_REASON_RDPMC]			= inject_gp,
	[EXIT_REASON_VMCALL]			= handle_vmcall,
	[EXIT_REASON_VMCLEAR]			= inject_ud,
	[EXIT_REASON_VMLAUNCH]			= inject_ud,
	[EXIT_REASON_VMPTRLD]			= inject_ud,
	[EXIT_REASON_VMPTRST]			= inject_ud,
	[EXIT_REASON_VMREAD]			= inject_ud,
	[EXIT_REASON_VMRESUME]			= inject_ud,
	[EXIT_REASON_VMWRITE]			= inject_ud,
	[EXIT_REASON_VMOFF]			= inject_ud,
	[EXIT_REASON_VMON]			= inject_ud,
	[EXIT_REASON_CR_ACCESS]			= handle_cr_access,
	[EXIT_REASON_DR_ACCESS]			= handle_dr_access,
	[EXIT_REASON_IO_INSTRUCTION]		= handle_io,
	[EXIT_REASON_MSR_READ]			= handle_msr_read,
	[EXIT_REASON_MSR_WRITE]			= handle_msr_write,
	[EXIT_REASON_MWAIT_INSTRUCTION]		= inject_ud,
	[EXIT_REASON_MONITOR_INSTRUCTION]	= inject_ud,
	[EXIT_REASON_PAUSE_INSTRUCTION]		= skip,
	[EXIT_REASON_EPT_VIOLATION]		= handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG]		= handle_ept_misconfig,
	[EXIT_REASON_INVEPT]			= inject_ud,
	[EXIT_REASON_PREEMPTION_TIMER]		= handle_preemption_timer,
	[EXIT_REASON_INVVPID]			= inject_ud,
	[EXIT_REASON_WBINVD]			= skip,
	[EXIT_REASON_XSETBV]			= handle_xsetbv,
	[EXIT_REASON_VMFUNC]			= inject_ud,
};

static int failed_entry(struct mhv_vcpu *vcpu, u32 reason)
{
	struct mhv_run *run = vcpu->run;

	run->exit_reason = MHV_EXIT_FAIL_ENTRY;
	run->fail_entry.vm_instruction_error = 0;
	run->fail_entry.exit_reason = reason;
	run->fail_entry.exit_qualification = vmcs_readl(EXIT_QUALIFICATION);
	if ((reason & 0xffff) == EXIT_REASON_MCE_DURING_VMENTRY)
		mhv_vmx_machine_check();
	return MHV_TO_USER;
}

int mhv_vmx_handle_exit(struct mhv_vcpu *vcpu, u32 reason)
{
	u16 basic = reason;

	vcpu->vmx.exit.reason = reason;
	vcpu->vmx.stats.exits++;
	if (basic < MHV_NR_EXIT_REASONS)
		vcpu->vmx.stats.by_reason[basic]++;
	if (unlikely(reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		return failed_entry(vcpu, reason);
	if (likely(basic < ARRAY_SIZE(exit_handlers) && exit_handlers[basic]))
		return exit_handlers[basic](vcpu);
	vcpu->vmx.exit.qual = vmcs_readl(EXIT_QUALIFICATION);
	pr_info_ratelimited("unhandled VM exit %u\n", basic);
	return internal_error(vcpu, MHV_INTERNAL_UNHANDLED_EXIT);
}

/* Guest-physical reads for the page walker and the instruction fetch. */
static int read_phys(void *ctx, u64 gpa, void *buf, size_t len)
{
	struct mhv_vcpu *vcpu = ctx;

	return mhv_mmu_read_guest(&vcpu->vm->mmu, gpa, buf, len);
}

static int fetch_insn(struct mhv_vcpu *vcpu, u8 *buf, size_t *len)
{
	struct mhv_exit_info *e = &vcpu->vmx.exit;
	struct mhv_guest_paging pg = {
		.cr0 = e->cr0, .cr3 = e->cr3, .cr4 = e->cr4, .efer = e->efer,
		.pdptes_valid = pae_paging(e->cr0, e->cr4, e->efer),
	};
	u64 linear = e->cs_base + e->rip;
	size_t first = min_t(size_t, MHV_INSN_MAX_LEN, PAGE_SIZE - (linear & ~PAGE_MASK));
	int ret;

	memcpy(pg.pdptes, e->pdptes, sizeof(pg.pdptes));
	if (!(e->efer & EFER_LMA))
		linear = (u32)linear;
	/* The bytes on the next page may be unmapped: fetch them only if needed. */
	ret = mhv_guest_read_virt(&pg, linear, buf, first, read_phys, vcpu);
	if (ret)
		return ret;
	*len = first;
	if (first < MHV_INSN_MAX_LEN &&
	    !mhv_guest_read_virt(&pg, linear + first, buf + first, MHV_INSN_MAX_LEN - first,
				 read_phys, vcpu))
		*len = MHV_INSN_MAX_LEN;
	return 0;
}

static int mmio_exit(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	struct mhv_exit_info *e = &vmx->exit;
	struct mhv_mmio_insn *insn = &vmx->mmio_insn;
	struct mhv_run *run = vcpu->run;
	u8 bytes[MHV_INSN_MAX_LEN];
	size_t len;
	u64 regs[MHV_NR_GPRS];

	/* Executing from MMIO cannot be emulated. */
	if (e->qual & MHV_EPT_VIOLATION_FETCH)
		return internal_error(vcpu, MHV_INTERNAL_EMULATION);
	if (fetch_insn(vcpu, bytes, &len) ||
	    mhv_insn_decode_mmio(bytes, len, mhv_insn_mode_bits(e->efer & EFER_LMA, e->cs_ar),
				 insn) || (!insn->is_write && insn->reg == MHV_RSP))
		return internal_error(vcpu, MHV_INTERNAL_EMULATION);

	run->exit_reason = MHV_EXIT_MMIO;
	run->mmio.phys_addr = e->gpa;
	run->mmio.len = insn->size;
	run->mmio.is_write = insn->is_write;
	memset(run->mmio.pad, 0, sizeof(run->mmio.pad));
	if (insn->is_write) {
		memcpy(regs, vmx->gprs, sizeof(regs));
		regs[MHV_RSP] = e->rsp;
		run->mmio.data = mhv_insn_mmio_store_value(insn, regs);
	} else {
		run->mmio.data = 0;
		vmx->completion = MHV_COMPLETE_MMIO_READ;
	}
	vmx->rip = e->rip + insn->len;
	vmx->rip_dirty = true;
	return MHV_TO_USER;
}

int mhv_vmx_handle_slow(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	int ret;

	switch (vmx->exit.reason) {
	case EXIT_REASON_EPT_VIOLATION:
		ret = mhv_mmu_handle_fault(&vcpu->vm->mmu, vmx->exit.gpa, vmx->exit.qual);
		if (ret < 0)
			return ret;
		if (ret == MHV_FAULT_MAPPED)
			return MHV_RESUME;
		/*
		 * MMIO hit while delivering an event (an IDT, GDT or stack in MMIO):
		 * the instruction at RIP is not what touched it, so there is nothing
		 * to emulate.
		 */
		if (vmx->vectoring & VECTORING_INFO_VALID_MASK)
			return internal_error(vcpu, MHV_INTERNAL_DELIVERY_EVENT);
		return mmio_exit(vcpu);
	case EXIT_REASON_CR_ACCESS:
		ret = mhv_mmu_read_guest(&vcpu->vm->mmu, vmx->exit.cr3 & ~0x1fULL,
					 vmx->pdptes, sizeof(vmx->pdptes));
		if (ret)
			return ret;
		vmx->pdptes_dirty = true;
		return MHV_RESUME;
	case EXIT_REASON_VMCALL:
		return mhv_hypercall_slow(vcpu);
	}
	return internal_error(vcpu, MHV_INTERNAL_UNHANDLED_EXIT);
}
