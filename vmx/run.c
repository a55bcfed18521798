// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop. The inner loop enters the guest and handles the common exits
 * with interrupts off and the VMCS current, so an in-kernel exit costs only
 * its handler; anything that sleeps, and anything the host must see (its own
 * interrupts, a signal, rescheduling), leaves the inner loop.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <asm/trapnr.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/mmu_context.h>	/* load_gs_index(), wherever the version keeps it */
#include <asm/special_insns.h>
#include <asm/tsc.h>

#include "core/vcpu.h"
#include "pmem/pmem.h"
#include "vmx/caps.h"
#include "vmx/mitigations.h"
#include "vmx/msr.h"
#include "vmx/run.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

int __mhv_vmx_enter(u64 *gprs, unsigned int resume);

/*
 * An instruction mhv completed for the guest ends, as it would on the CPU,
 * with the single-step trap when RFLAGS.TF is set.
 */
static void single_step_trap(struct mhv_vcpu *vcpu)
{
	if (!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_TF) ||
	    (vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK))
		return;
	vcpu->vmx.dr6 = (vcpu->vmx.dr6 & ~MHV_DR6_TRAP_BITS) | MHV_DR6_BS;
	mhv_vmx_inject_exception(vcpu, X86_TRAP_DB, false, 0);
}

/* An instruction mhv emulated is done: the guest goes on as the CPU would have. */
static void finish_insn(struct mhv_vcpu *vcpu, unsigned long next_rip)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_writel(GUEST_RIP, next_rip);
	/* Blocking by STI or MOV SS ends with the instruction that followed it. */
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	single_step_trap(vcpu);
}

void mhv_vmx_skip_insn(struct mhv_vcpu *vcpu)
{
	finish_insn(vcpu, vmcs_readl(GUEST_RIP) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

void mhv_vmx_inject_exception(struct mhv_vcpu *vcpu, u8 vector, bool has_error, u32 error)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	/* Real mode delivers no error codes (and VM entry checks it). */
	if (has_error && (vmcs_readl(GUEST_CR0) & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}

static bool exception_has_error_code(u8 vector)
{
	return vector == X86_TRAP_DF || (vector >= X86_TRAP_TS && vector <= X86_TRAP_PF) ||
	       vector == X86_TRAP_AC || vector == X86_TRAP_CP;
}

int mhv_vmx_queue_event(struct mhv_vcpu *vcpu, const struct mhv_event *ev)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;

	if (ev->pad || ev->reserved[0] || ev->reserved[1] || ev->has_error_code > 1)
		return -EINVAL;
	switch (ev->type) {
	case MHV_EVENT_INTERRUPT:
		if (ev->vector < 32 || ev->has_error_code)
			return -EINVAL;
		break;
	case MHV_EVENT_NMI:
		if (ev->vector != X86_TRAP_NMI || ev->has_error_code)
			return -EINVAL;
		break;
	case MHV_EVENT_EXCEPTION:
		if (ev->vector >= 32 || ev->vector == X86_TRAP_NMI ||
		    ev->has_error_code != exception_has_error_code(ev->vector))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (vmx->event_pending)
		return -EBUSY;
	vmx->event = *ev;
	vmx->event_pending = true;
	return 0;
}

/*
 * Exits that can interrupt the delivery of an event through the guest IDT
 * (EPT violations, exceptions) record it here; the next entry delivers it
 * again. Instruction exits (CPUID, VMCALL, I/O...) never carry one.
 */
void mhv_vmx_save_vectoring(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;

	vmx->vectoring = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	if (!(vmx->vectoring & VECTORING_INFO_VALID_MASK))
		return;
	vmx->vectoring_error = vmcs_read32(IDT_VECTORING_ERROR_CODE);
	vmx->vectoring_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
}

/* Deliver an event left half-way by an exit, or one user space queued. */
static void inject_pending(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	u32 blocking, info;

	if (vmx->vectoring & VECTORING_INFO_VALID_MASK) {
		if (vmx->vectoring & VECTORING_INFO_DELIVER_CODE_MASK)
			vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, vmx->vectoring_error);
		/* An NMI whose delivery was cut short did not block NMIs yet (SDM 28.2.4). */
		if ((vmx->vectoring & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
			vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
				     vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) &
				     ~GUEST_INTR_STATE_NMI);
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vmx->vectoring_len);
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vmx->vectoring & ~INTR_INFO_UNBLOCK_NMI);
		vmx->vectoring = 0;
		return;
	}
	if (!vmx->event_pending ||
	    (vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK))
		return;
	if (vmx->event.type == MHV_EVENT_EXCEPTION) {
		mhv_vmx_inject_exception(vcpu, vmx->event.vector, vmx->event.has_error_code,
					 vmx->event.error_code);
		vmx->event_pending = false;
		return;
	}
	blocking = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	if (vmx->event.type == MHV_EVENT_INTERRUPT &&
	    (!(vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF) ||
	     (blocking & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)))) {
		/* Come back when the guest can take it. */
		u32 ctl = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);

		vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, ctl | CPU_BASED_INTR_WINDOW_EXITING);
		return;
	}
	/* STI blocking holds NMIs off too: entry may fail with both (SDM 26.3.1.5). */
	if (vmx->event.type == MHV_EVENT_NMI &&
	    (blocking & (GUEST_INTR_STATE_NMI | GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))) {
		if (mhv_vmx_virtual_nmis())
			vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
				     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) |
				     CPU_BASED_NMI_WINDOW_EXITING);
		return;
	}
	info = vmx->event.vector | INTR_INFO_VALID_MASK |
	       (vmx->event.type == MHV_EVENT_NMI ? INTR_TYPE_NMI_INTR : INTR_TYPE_EXT_INTR);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
	vmx->event_pending = false;
}

/*
 * Stale translations would let the guest reach memory it no longer owns: a
 * vCPU whose flush the CPU refused never runs again.
 */
static int flush_failed(struct mhv_vcpu *vcpu)
{
	struct mhv_run *run = vcpu->run;

	vcpu->vmx.stopped = true;
	run->exit_reason = MHV_EXIT_INTERNAL_ERROR;
	run->internal.suberror = MHV_INTERNAL_TLB_FLUSH;
	run->internal.exit_reason = 0;
	run->internal.exit_qualification = 0;
	run->internal.guest_phys_addr = 0;
	pr_err_ratelimited("INVEPT/INVVPID failed: vCPU stopped\n");
	return MHV_TO_USER;
}

static int flush_tlb(struct mhv_vcpu *vcpu)
{
	if (mhv_invept(VMX_EPT_EXTENT_CONTEXT, vcpu->vm->eptp) ||
	    (vcpu->vm->vpid && mhv_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vcpu->vm->vpid)))
		return flush_failed(vcpu);
	return MHV_RESUME;
}

/* Work that must be done with the VMCS current before the next entry. */
static int before_entry(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;

	/* A plain load first: the locked bit operation is for the rare case. */
	if (READ_ONCE(vmx->requests) && test_and_clear_bit(MHV_REQ_TLB_FLUSH, &vmx->requests) &&
	    flush_tlb(vcpu) != MHV_RESUME)
		return MHV_TO_USER;
	/* An MMIO instruction user space completed. */
	if (vmx->rip_dirty) {
		finish_insn(vcpu, vmx->rip);
		vmx->rip_dirty = false;
	}
	if (vmx->pdptes_dirty) {
		vmcs_write64(GUEST_PDPTR0, vmx->pdptes[0]);
		vmcs_write64(GUEST_PDPTR1, vmx->pdptes[1]);
		vmcs_write64(GUEST_PDPTR2, vmx->pdptes[2]);
		vmcs_write64(GUEST_PDPTR3, vmx->pdptes[3]);
		vmx->pdptes_dirty = false;
	}
	if (vmx->vectoring || vmx->event_pending)
		inject_pending(vcpu);
	/* Without VPID every guest shares tag 0 with the host: flush on each entry. */
	if (!vcpu->vm->vpid)
		return flush_tlb(vcpu);
	return MHV_RESUME;
}

static bool host_wants_cpu(void)
{
	return need_resched() || signal_pending(current);
}

static int fail_entry(struct mhv_vcpu *vcpu)
{
	struct mhv_run *run = vcpu->run;

	run->exit_reason = MHV_EXIT_FAIL_ENTRY;
	run->fail_entry.vm_instruction_error = vmcs_read32(VM_INSTRUCTION_ERROR);
	run->fail_entry.exit_reason = 0;
	run->fail_entry.exit_qualification = 0;
	pr_info_ratelimited("VM entry failed: VM-instruction error %u\n",
			    run->fail_entry.vm_instruction_error);
	return MHV_TO_USER;
}

/*
 * One host tick of guest time, in preemption-timer units. Host interrupts end
 * a guest's slice anyway; the timer is the backstop for when they do not get
 * through (Bochs delivers none while host and guest both run with IF=0).
 */
static u32 guest_slice(void)
{
	u64 tsc_per_tick = (u64)tsc_khz * 1000 / HZ;

	return min_t(u64, tsc_per_tick >> mhv_caps.preemption_timer_shift, U32_MAX);
}

/* Interrupts off, VMCS current. Returns with both still so. */
static int run_inner(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	int cpu = smp_processor_id();
	u64 host_xcr0 = vmx->host.xcr0;
	int ret;

	if (mhv_has(MHV_FEAT_PREEMPTION_TIMER))
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, guest_slice());
	if (vmx->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmx->xcr0);
	/* fpu_swap_kvm_fpstate() leaves PKRU alone: the guest's WRPKRU must not reach the VMM. */
	if (boot_cpu_has(X86_FEATURE_OSPKE) && vmx->pkru != vmx->host.pkru)
		wrpkru(vmx->pkru);
	for (;;) {
		u32 reason;

		ret = before_entry(vcpu);
		if (ret != MHV_RESUME)
			break;
		WRITE_ONCE(vmx->running_cpu, cpu);
		/* Pairs with mhv_vmx_kick(): either we see the request or it sees us running. */
		smp_mb();
		if (host_wants_cpu() || READ_ONCE(vmx->requests) || mhv_pmem_vcpu_lost(vcpu)) {
			WRITE_ONCE(vmx->running_cpu, -1);
			ret = MHV_YIELD;
			break;
		}
		if (native_read_cr2() != vmx->cr2)
			native_write_cr2(vmx->cr2);
		mhv_l1d_flush();
		ret = __mhv_vmx_enter(vmx->gprs, vmx->vmcs.launched);
		vmx->cr2 = native_read_cr2();
		WRITE_ONCE(vmx->running_cpu, -1);
		if (ret) {
			ret = fail_entry(vcpu);
			break;
		}
		reason = vmcs_read32(VM_EXIT_REASON);
		if (!(reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			vmx->vmcs.launched = true;
		ret = mhv_vmx_handle_exit(vcpu, reason);
		if (ret != MHV_RESUME)
			break;
	}
	if (ret == MHV_TO_USER)
		vcpu->run->rflags = vmcs_readl(GUEST_RFLAGS);
	if (boot_cpu_has(X86_FEATURE_OSPKE)) {
		vmx->pkru = rdpkru();
		if (vmx->pkru != vmx->host.pkru)
			wrpkru(vmx->host.pkru);
	}
	/* The host's FPU code (an interrupt's kernel_fpu_begin) expects its XCR0. */
	if (vmx->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
	return ret;
}

/* Host state a VM exit does not restore, saved before the guest runs. Interrupts off. */
static void save_host(struct mhv_vcpu *vcpu)
{
	struct mhv_host_state *h = &vcpu->vmx.host;

	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	asm volatile("sldt %0" : "=r" (h->ldt));
	rdmsrl(MSR_FS_BASE, h->fs_base);
	vmcs_writel(HOST_FS_BASE, h->fs_base);
	get_debugreg(h->dr7, 7);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
	h->xcr0 = boot_cpu_has(X86_FEATURE_OSXSAVE) ? xgetbv(XCR_XFEATURE_ENABLED_MASK) : 0;
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		h->pkru = rdpkru();
	mhv_msr_load_guest(vcpu);
}

/* Undo what VM exits left different from what Linux expects. Interrupts off. */
static void restore_host(struct mhv_vcpu *vcpu)
{
	struct mhv_host_state *h = &vcpu->vmx.host;

	/* First, while KERNEL_GS_BASE is still the guest's: load_gs_index() overwrites it. */
	mhv_msr_put_guest(vcpu);
	if (h->ldt)
		asm volatile("lldt %0" : : "r" (h->ldt));
	if (h->ds)
		loadsegment(ds, h->ds);
	if (h->es)
		loadsegment(es, h->es);
	if (h->fs) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (h->gs) {
		load_gs_index(h->gs);
		wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	}
	/* VM exits clear DR7 and DEBUGCTL, and set the TR and GDT limits to their maximum. */
	if (h->dr7 & MHV_DR7_BP_ENABLES)
		set_debugreg(h->dr7, 7);
	if (h->debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
	invalidate_tss_limit();
	load_fixmap_gdt(smp_processor_id());
}

static void complete_user_exit(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	struct mhv_run *run = vcpu->run;
	u64 *rax = &vmx->gprs[MHV_RAX];

	switch (vmx->completion) {
	case MHV_COMPLETE_IO_IN:
		if (vmx->io_size == 4)
			*rax = (u32)run->io.data;
		else if (vmx->io_size == 2)
			*rax = (*rax & ~0xffffULL) | (u16)run->io.data;
		else
			*rax = (*rax & ~0xffULL) | (u8)run->io.data;
		break;
	case MHV_COMPLETE_MMIO_READ:
		mhv_insn_mmio_complete_load(&vmx->mmio_insn, vmx->gprs, run->mmio.data);
		break;
	case MHV_COMPLETE_HYPERCALL:
		*rax = run->hypercall.ret;
		break;
	case MHV_COMPLETE_NONE:
		break;
	}
	vmx->completion = MHV_COMPLETE_NONE;
}

int mhv_vmx_run(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;
	struct mhv_run *run = vcpu->run;
	int ret;

	run->exit_reason = MHV_EXIT_NONE;
	if (vmx->stopped)
		return -EIO;
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = MHV_EXIT_INTR;
		return -EINTR;
	}
	complete_user_exit(vcpu);
	ret = fpu_swap_kvm_fpstate(&vmx->fpu, true);
	if (ret)
		return ret;
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = MHV_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		/* Its pmem went away: the guest must not run on without it. */
		if (mhv_pmem_vcpu_lost(vcpu)) {
			run->exit_reason = MHV_EXIT_PMEM_LOST;
			ret = MHV_TO_USER;
			break;
		}
		preempt_disable();
		ret = mhv_vmx_enter_vmcs(vcpu);
		if (ret) {
			preempt_enable();
			break;
		}
		/*
		 * A context switch or an interrupt's kernel_fpu_begin() saved the
		 * guest's FPU registers and left others there: load them back.
		 */
		if (test_thread_flag(TIF_NEED_FPU_LOAD))
			switch_fpu_return();
		save_host(vcpu);
		ret = run_inner(vcpu);
		restore_host(vcpu);
		local_irq_enable();
		preempt_enable();

		if (ret == MHV_SLOW)
			ret = mhv_vmx_handle_slow(vcpu);
		if (ret < 0 || ret == MHV_TO_USER)
			break;
		cond_resched();
	}
	fpu_swap_kvm_fpstate(&vmx->fpu, false);
	vmx->stats.user_exits++;
	return ret == MHV_TO_USER ? 0 : ret;
}

static void kick_ipi(void *unused)
{
}

void mhv_vmx_kick(struct mhv_vcpu *vcpu)
{
	int cpu = READ_ONCE(vcpu->vmx.running_cpu);

	/* The IPI forces a VM exit; waiting for it means the guest has left. */
	if (cpu >= 0)
		smp_call_function_single(cpu, kick_ipi, NULL, 1);
}
