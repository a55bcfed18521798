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
#include "vmx/msr.h"
#include "vmx/run.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

int __mhv_vmx_enter(u64 *gprs, unsigned int resume);

void mhv_vmx_skip_insn(struct mhv_vcpu *vcpu)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_writel(GUEST_RIP, vmcs_readl(GUEST_RIP) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	/* Blocking by STI or MOV SS ends with the instruction that followed it. */
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_INFO,
			     intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
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
	if (vmx->event.type == MHV_EVENT_NMI && (blocking & GUEST_INTR_STATE_NMI))
		return;
	info = vmx->event.vector | INTR_INFO_VALID_MASK |
	       (vmx->event.type == MHV_EVENT_NMI ? INTR_TYPE_NMI_INTR : INTR_TYPE_EXT_INTR);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
	vmx->event_pending = false;
}

/* Work that must be done with the VMCS current before the next entry. */
static void before_entry(struct mhv_vcpu *vcpu)
{
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;

	/* A plain load first: the locked bit operation is for the rare case. */
	if (READ_ONCE(vmx->requests) && test_and_clear_bit(MHV_REQ_TLB_FLUSH, &vmx->requests)) {
		mhv_invept(VMX_EPT_EXTENT_CONTEXT, vcpu->vm->eptp);
		if (vcpu->vm->vpid)
			mhv_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, vcpu->vm->vpid);
	}
	if (vmx->rip_dirty) {
		vmcs_writel(GUEST_RIP, vmx->rip);
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
		mhv_invept(VMX_EPT_EXTENT_CONTEXT, vcpu->vm->eptp);
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
	for (;;) {
		u32 reason;

		before_entry(vcpu);
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
	mhv_msr_load_guest(vcpu);
}

/* Undo what VM exits left different from what Linux expects. Interrupts off. */
static void restore_host(struct mhv_vcpu *vcpu)
{
	struct mhv_host_state *h = &vcpu->vmx.host;

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
	if (h->gs)
		load_gs_index(h->gs);
	mhv_msr_put_guest(vcpu);
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
