// SPDX-License-Identifier: GPL-2.0
/* Guest register state: the x86 reset state, and get/set for user space. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>
#include <asm/processor-flags.h>

#include "core/vcpu.h"
#include "mmu/mmu.h"
#include "vmx/cr.h"
#include "vmx/state.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

struct seg_fields {
	u32 selector, base, limit, ar;
};

#define SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, GUEST_##s##_AR_BYTES }

/* In the order of struct mhv_sregs. */
static const struct seg_fields seg_fields[] = {
	SEG(CS), SEG(DS), SEG(ES), SEG(FS), SEG(GS), SEG(SS), SEG(TR), SEG(LDTR),
};

static struct mhv_segment *sregs_seg(struct mhv_sregs *s, int i)
{
	struct mhv_segment *segs[] = { &s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss,
				       &s->tr, &s->ldt };

	return segs[i];
}

static void write_sregs(struct mhv_vcpu *vcpu, const struct mhv_sregs *s)
{
	struct mhv_sregs tmp = *s;
	int i;

	for (i = 0; i < ARRAY_SIZE(seg_fields); i++) {
		const struct mhv_segment *seg = sregs_seg(&tmp, i);

		__vmcs_write(seg_fields[i].selector, seg->selector);
		__vmcs_write(seg_fields[i].base, seg->base);
		__vmcs_write(seg_fields[i].limit, seg->limit);
		__vmcs_write(seg_fields[i].ar, seg->ar);
	}
	vmcs_writel(GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write32(GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_writel(GUEST_IDTR_BASE, s->idt.base);
	vmcs_write32(GUEST_IDTR_LIMIT, s->idt.limit);
	vmcs_writel(CR0_READ_SHADOW, s->cr0);
	vmcs_writel(GUEST_CR0, mhv_vmx_hw_cr0(s->cr0));
	vmcs_writel(CR4_READ_SHADOW, s->cr4);
	vmcs_writel(GUEST_CR4, mhv_vmx_hw_cr4(s->cr4));
	vmcs_writel(GUEST_CR3, s->cr3);
	vcpu->vmx.cr2 = s->cr2;
	mhv_vmx_set_efer(s->efer);
}

void mhv_vmx_reset_state(struct mhv_vcpu *vcpu)
{
	/* SDM 10.1.1: the state after power-up or RESET. */
	const struct mhv_segment data = { .limit = 0xffff, .ar = 0x93 };
	const struct mhv_sregs reset = {
		.cs = { .base = 0xffff0000, .limit = 0xffff, .selector = 0xf000, .ar = 0x9b },
		.ds = data, .es = data, .fs = data, .gs = data, .ss = data,
		.tr = { .limit = 0xffff, .ar = 0x8b },
		.ldt = { .limit = 0xffff, .ar = 0x82 },
		.gdt = { .limit = 0xffff },
		.idt = { .limit = 0xffff },
		.cr0 = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET,
	};
	struct mhv_vmx_vcpu *vmx = &vcpu->vmx;

	write_sregs(vcpu, &reset);
	memset(vmx->gprs, 0, sizeof(vmx->gprs));
	vmx->gprs[MHV_RDX] = 0x600;
	vmcs_writel(GUEST_RSP, 0);
	vmcs_writel(GUEST_RIP, 0xfff0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(GUEST_DR7, MHV_DR7_FIXED_1);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmx->xcr0 = XFEATURE_MASK_FP;
}

/* Run @fn with the vCPU's VMCS current on this CPU. */
static int with_vmcs(struct mhv_vcpu *vcpu, void (*fn)(struct mhv_vcpu *, void *), void *arg)
{
	int ret;

	preempt_disable();
	ret = mhv_vmx_enter_vmcs(vcpu);
	if (!ret) {
		fn(vcpu, arg);
		local_irq_enable();
	}
	preempt_enable();
	return ret;
}

/* struct mhv_regs starts with 16 GPRs in this order. */
static const u8 uapi_gpr_order[MHV_NR_GPRS] = {
	MHV_RAX, MHV_RBX, MHV_RCX, MHV_RDX, MHV_RSI, MHV_RDI, MHV_RSP, MHV_RBP,
	MHV_R8, MHV_R9, MHV_R10, MHV_R11, MHV_R12, MHV_R13, MHV_R14, MHV_R15,
};

static_assert(offsetof(struct mhv_regs, r15) == 15 * sizeof(u64));

static void do_get_regs(struct mhv_vcpu *vcpu, void *arg)
{
	struct mhv_regs *r = arg;
	u64 *out = &r->rax;
	int i;

	for (i = 0; i < MHV_NR_GPRS; i++)
		out[i] = vcpu->vmx.gprs[uapi_gpr_order[i]];
	r->rsp = vmcs_readl(GUEST_RSP);
	r->rip = vcpu->vmx.rip_dirty ? vcpu->vmx.rip : vmcs_readl(GUEST_RIP);
	r->rflags = vmcs_readl(GUEST_RFLAGS);
}

int mhv_vmx_get_regs(struct mhv_vcpu *vcpu, struct mhv_regs *regs)
{
	return with_vmcs(vcpu, do_get_regs, regs);
}

static void do_set_regs(struct mhv_vcpu *vcpu, void *arg)
{
	const struct mhv_regs *r = arg;
	const u64 *in = &r->rax;
	int i;

	for (i = 0; i < MHV_NR_GPRS; i++)
		vcpu->vmx.gprs[uapi_gpr_order[i]] = in[i];
	vmcs_writel(GUEST_RSP, r->rsp);
	vmcs_writel(GUEST_RIP, r->rip);
	vcpu->vmx.rip_dirty = false;
	/* Bit 1 is fixed to 1; reserved bits would fail the VM entry. */
	vmcs_writel(GUEST_RFLAGS, r->rflags | X86_EFLAGS_FIXED);
}

int mhv_vmx_set_regs(struct mhv_vcpu *vcpu, const struct mhv_regs *regs)
{
	/* A new register state cancels any completion user space owed. */
	vcpu->vmx.completion = MHV_COMPLETE_NONE;
	return with_vmcs(vcpu, do_set_regs, (void *)regs);
}

static void do_get_sregs(struct mhv_vcpu *vcpu, void *arg)
{
	struct mhv_sregs *s = arg;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < ARRAY_SIZE(seg_fields); i++) {
		struct mhv_segment *seg = sregs_seg(s, i);

		seg->selector = __vmcs_read(seg_fields[i].selector);
		seg->base = __vmcs_read(seg_fields[i].base);
		seg->limit = __vmcs_read(seg_fields[i].limit);
		seg->ar = __vmcs_read(seg_fields[i].ar);
	}
	s->gdt.base = vmcs_readl(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_readl(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	/* Host-owned bits read as the guest wrote them. */
	s->cr0 = mhv_vmx_guest_cr0();
	s->cr4 = mhv_vmx_guest_cr4();
	s->cr3 = vmcs_readl(GUEST_CR3);
	s->cr2 = vcpu->vmx.cr2;
	s->efer = vmcs_read64(GUEST_IA32_EFER);
}

int mhv_vmx_get_sregs(struct mhv_vcpu *vcpu, struct mhv_sregs *sregs)
{
	return with_vmcs(vcpu, do_get_sregs, sregs);
}

static void do_set_sregs(struct mhv_vcpu *vcpu, void *arg)
{
	write_sregs(vcpu, arg);
}

static bool pae_paging(const struct mhv_sregs *s)
{
	return (s->cr0 & X86_CR0_PG) && (s->cr4 & X86_CR4_PAE) && !(s->efer & EFER_LMA);
}

int mhv_vmx_set_sregs(struct mhv_vcpu *vcpu, const struct mhv_sregs *sregs)
{
	const struct mhv_segment *segs[] = { &sregs->cs, &sregs->ds, &sregs->es, &sregs->fs,
					     &sregs->gs, &sregs->ss, &sregs->tr, &sregs->ldt };
	const struct mhv_dtable *tables[] = { &sregs->gdt, &sregs->idt };
	int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (segs[i]->pad || segs[i]->pad2)
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(tables); i++)
		if (memchr_inv(tables[i]->pad, 0, sizeof(tables[i]->pad)))
			return -EINVAL;
	if (memchr_inv(sregs->reserved, 0, sizeof(sregs->reserved)))
		return -EINVAL;
	/* An inconsistent mode fails the entry on hardware and kills Bochs outright. */
	if (!mhv_sregs_valid(sregs, mhv_cr4_guest_allowed(), boot_cpu_data.x86_phys_bits)) {
		pr_info_ratelimited("MHV_SET_SREGS: inconsistent state: cr0 %#llx cr4 %#llx efer %#llx cs.ar %#x\n",
				    sregs->cr0, sregs->cr4, sregs->efer, sregs->cs.ar);
		return -EINVAL;
	}
	if (pae_paging(sregs)) {
		/* With EPT the CPU takes PAE PDPTEs from the VMCS at entry, not from memory. */
		int ret = mhv_mmu_read_guest(&vcpu->vm->mmu, sregs->cr3 & ~0x1fULL,
					     vcpu->vmx.pdptes, sizeof(vcpu->vmx.pdptes));
		if (ret)
			return ret;
		vcpu->vmx.pdptes_dirty = true;
	}
	return with_vmcs(vcpu, do_set_sregs, (void *)sregs);
}
