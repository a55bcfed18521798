// SPDX-License-Identifier: GPL-2.0
/*
 * Guest MSRs. The guest reaches the segment-base, SYSENTER and syscall MSRs
 * directly (the MSR bitmap lets them through; mhv swaps the latter around
 * guest execution), reads and writes a short allowlist through exits, and
 * gets #GP for everything else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr.h>

#include "core/vcpu.h"
#include "vmx/msr.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_ops.h"

static void *msr_bitmap;

/* The guest owns these outright; no exit. */
static const u32 passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SYSCALL_MASK, MSR_TSC_AUX,
};

static void let_through(u32 msr)
{
	/* SDM 25.6.9: read-low, read-high, write-low, write-high, 1 KiB each. */
	unsigned long *bits = msr_bitmap;
	u32 base = (msr >= 0xc0000000) ? 1024 * 8 : 0;
	u32 bit = msr & 0x1fff;

	__clear_bit(base + bit, bits);
	__clear_bit(2048 * 8 + base + bit, bits);
}

int mhv_msr_bitmap_init(void)
{
	int i;

	msr_bitmap = (void *)__get_free_page(GFP_KERNEL);
	if (!msr_bitmap)
		return -ENOMEM;
	memset(msr_bitmap, 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		let_through(passthrough_msrs[i]);
	return 0;
}

void mhv_msr_bitmap_exit(void)
{
	free_page((unsigned long)msr_bitmap);
}

u64 mhv_msr_bitmap_pa(void)
{
	return virt_to_phys(msr_bitmap);
}

void mhv_msr_reset(struct mhv_vcpu *vcpu)
{
	struct mhv_guest_msrs *m = &vcpu->vmx.msrs;

	memset(m, 0, sizeof(*m));
	m->pat = 0x0007040600070406ULL;
	m->misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING;
}

static bool valid_pat(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

static bool canonical(u64 addr)
{
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

/* Guest MSRs the VMCS holds. */
static const struct {
	u32 index;
	u32 field;
} vmcs_msrs[] = {
	{ MSR_FS_BASE, GUEST_FS_BASE },
	{ MSR_GS_BASE, GUEST_GS_BASE },
	{ MSR_IA32_SYSENTER_CS, GUEST_SYSENTER_CS },
	{ MSR_IA32_SYSENTER_ESP, GUEST_SYSENTER_ESP },
	{ MSR_IA32_SYSENTER_EIP, GUEST_SYSENTER_EIP },
};

#define GUEST_MSR(msr, member) { msr, offsetof(struct mhv_guest_msrs, member) }

/* Guest MSRs mhv keeps in struct mhv_guest_msrs. */
static const struct {
	u32 index;
	u32 offset;
} stored_msrs[] = {
	GUEST_MSR(MSR_STAR, star),
	GUEST_MSR(MSR_LSTAR, lstar),
	GUEST_MSR(MSR_CSTAR, cstar),
	GUEST_MSR(MSR_SYSCALL_MASK, sfmask),
	GUEST_MSR(MSR_KERNEL_GS_BASE, kernel_gs_base),
	GUEST_MSR(MSR_TSC_AUX, tsc_aux),
	GUEST_MSR(MSR_IA32_CR_PAT, pat),
	GUEST_MSR(MSR_IA32_MISC_ENABLE, misc_enable),
};

static int vmcs_msr_field(u32 index)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vmcs_msrs); i++)
		if (vmcs_msrs[i].index == index)
			return vmcs_msrs[i].field;
	return -1;
}

static u64 *stored_msr(struct mhv_vcpu *vcpu, u32 index)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(stored_msrs); i++)
		if (stored_msrs[i].index == index)
			return (void *)&vcpu->vmx.msrs + stored_msrs[i].offset;
	return NULL;
}

int mhv_msr_read(struct mhv_vcpu *vcpu, u32 index, u64 *value)
{
	int field = vmcs_msr_field(index);
	u64 *stored = stored_msr(vcpu, index);

	if (field >= 0)
		*value = __vmcs_read(field);
	else if (stored)
		*value = *stored;
	else if (index == MSR_EFER)
		*value = vmcs_read64(GUEST_IA32_EFER);
	else if (index == MSR_IA32_TSC)
		*value = rdtsc();
	else if (index == MSR_IA32_UCODE_REV)
		/* No microcode to report: revision 0, after the SDM's write-0, CPUID, read. */
		*value = 0;
	else if (index == MSR_IA32_APICBASE)
		/* No local APIC is emulated: report it disabled at its usual place. */
		*value = APIC_DEFAULT_PHYS_BASE | (vcpu->id ? 0 : MSR_IA32_APICBASE_BSP);
	else
		return -EINVAL;
	return 0;
}

static int write_efer(u64 value)
{
	u64 old = vmcs_read64(GUEST_IA32_EFER);
	bool paging = vmcs_readl(GUEST_CR0) & X86_CR0_PG;

	if (value & ~(u64)(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
		return -EINVAL;
	if (paging && ((value ^ old) & EFER_LME))
		return -EINVAL;
	/* LMA follows LME and CR0.PG; the guest cannot write it. */
	mhv_vmx_set_efer((value & ~(u64)EFER_LMA) | (old & EFER_LMA));
	return 0;
}

static bool valid_msr_value(u32 index, u64 value)
{
	switch (index) {
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		return canonical(value);
	case MSR_TSC_AUX:
	case MSR_IA32_SYSENTER_CS:
	case MSR_SYSCALL_MASK:		/* RFLAGS is 32 bits wide; WRMSR faults on the rest */
		return !(value >> 32);
	case MSR_IA32_CR_PAT:
		return valid_pat(value);
	}
	return true;
}

int mhv_msr_write(struct mhv_vcpu *vcpu, u32 index, u64 value)
{
	int field = vmcs_msr_field(index);
	u64 *stored = stored_msr(vcpu, index);

	if (index == MSR_EFER)
		return write_efer(value);
	/* Writing 0 starts the revision read; there is nothing to update. */
	if (index == MSR_IA32_UCODE_REV)
		return 0;
	if ((field < 0 && !stored) || !valid_msr_value(index, value))
		return -EINVAL;
	if (field >= 0)
		__vmcs_write(field, value);
	else
		*stored = value;
	return 0;
}

int mhv_msrs_ioctl(struct mhv_vcpu *vcpu, struct mhv_msrs __user *umsrs, bool set)
{
	struct mhv_msrs hdr;
	struct mhv_msr_entry *e;
	u32 i;
	int ret;

	if (copy_from_user(&hdr, umsrs, sizeof(hdr)))
		return -EFAULT;
	if (hdr.pad)
		return -EINVAL;
	if (hdr.nmsrs > MHV_MAX_MSRS)
		return -E2BIG;
	e = memdup_user(umsrs->entries, array_size(hdr.nmsrs, sizeof(*e)));
	if (IS_ERR(e))
		return PTR_ERR(e);
	for (i = 0; i < hdr.nmsrs; i++) {
		if (e[i].reserved) {
			kfree(e);
			return -EINVAL;
		}
	}

	preempt_disable();
	ret = mhv_vmx_enter_vmcs(vcpu);
	if (!ret) {
		for (i = 0; i < hdr.nmsrs; i++)
			if (set ? mhv_msr_write(vcpu, e[i].index, e[i].data) :
				  mhv_msr_read(vcpu, e[i].index, &e[i].data))
				break;
		local_irq_enable();
	}
	preempt_enable();
	if (!ret) {
		ret = i;
		if (!set && copy_to_user(umsrs->entries, e, array_size(i, sizeof(*e))))
			ret = -EFAULT;
	}
	kfree(e);
	return ret;
}

void mhv_msr_load_guest(struct mhv_vcpu *vcpu)
{
	struct mhv_host_state *h = &vcpu->vmx.host;
	struct mhv_guest_msrs *g = &vcpu->vmx.msrs;

	rdmsrl(MSR_STAR, h->star);
	rdmsrl(MSR_LSTAR, h->lstar);
	rdmsrl(MSR_CSTAR, h->cstar);
	rdmsrl(MSR_SYSCALL_MASK, h->sfmask);
	rdmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	wrmsrl(MSR_STAR, g->star);
	wrmsrl(MSR_LSTAR, g->lstar);
	wrmsrl(MSR_CSTAR, g->cstar);
	wrmsrl(MSR_SYSCALL_MASK, g->sfmask);
	wrmsrl(MSR_KERNEL_GS_BASE, g->kernel_gs_base);
	if (boot_cpu_has(X86_FEATURE_RDTSCP)) {
		rdmsrl(MSR_TSC_AUX, h->tsc_aux);
		wrmsrl(MSR_TSC_AUX, g->tsc_aux);
	}
}

void mhv_msr_put_guest(struct mhv_vcpu *vcpu)
{
	struct mhv_host_state *h = &vcpu->vmx.host;
	struct mhv_guest_msrs *g = &vcpu->vmx.msrs;

	rdmsrl(MSR_STAR, g->star);
	rdmsrl(MSR_LSTAR, g->lstar);
	rdmsrl(MSR_CSTAR, g->cstar);
	rdmsrl(MSR_SYSCALL_MASK, g->sfmask);
	rdmsrl(MSR_KERNEL_GS_BASE, g->kernel_gs_base);
	wrmsrl(MSR_STAR, h->star);
	wrmsrl(MSR_LSTAR, h->lstar);
	wrmsrl(MSR_CSTAR, h->cstar);
	wrmsrl(MSR_SYSCALL_MASK, h->sfmask);
	wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	if (boot_cpu_has(X86_FEATURE_RDTSCP)) {
		rdmsrl(MSR_TSC_AUX, g->tsc_aux);
		wrmsrl(MSR_TSC_AUX, h->tsc_aux);
	}
}
