// SPDX-License-Identifier: GPL-2.0
/* The guest's CPUID table: a filtered copy of the host's, or what user space sets. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/processor.h>

#include "core/vcpu.h"
#include "vmx/caps.h"
#include "vmx/cpuid.h"
#include "vmx/cr.h"

enum { EAX, EBX, ECX, EDX };

/* Leaf 1 features a guest may see: no VMX, APIC, MTRR, MCE or other MSR-backed ones. */
#define LEAF1_ECX_KEEP	(BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | BIT(19) | BIT(20) | \
			 BIT(22) | BIT(23) | BIT(25) | BIT(26) | BIT(28) | BIT(29) | BIT(30))
#define LEAF1_EDX_KEEP	(BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | \
			 BIT(8) | BIT(11) | BIT(13) | BIT(15) | BIT(16) | BIT(17) | BIT(19) | \
			 BIT(23) | BIT(24) | BIT(25) | BIT(26))
#define LEAF1_ECX_HYPERVISOR	BIT(31)
/* FMA, XSAVE, AVX, F16C */
#define LEAF1_ECX_NEEDS_OSXSAVE	(BIT(12) | BIT(26) | BIT(28) | BIT(29))
#define LEAF7_EBX_AVX2		BIT(5)
/* Leaf 7: FSGSBASE BMI1 AVX2 SMEP BMI2 ERMS ADX SMAP CLFLUSHOPT CLWB SHA; FSRM. */
#define LEAF7_EBX_KEEP	(BIT(0) | BIT(3) | BIT(5) | BIT(7) | BIT(8) | BIT(9) | BIT(19) | \
			 BIT(20) | BIT(23) | BIT(24) | BIT(29))
#define LEAF7_EDX_KEEP	BIT(4)
#define LEAF7_EBX_INVPCID	BIT(10)
/* Leaf 0x80000001: LAHF ABM; SYSCALL NX PDPE1GB RDTSCP LM. */
#define EXT1_ECX_KEEP	(BIT(0) | BIT(5))
#define EXT1_EDX_KEEP	(BIT(11) | BIT(20) | BIT(26) | BIT(27) | BIT(29))
#define XSAVES_BIT	BIT(3)
/* Leaf 0x40000000: the hypervisor's signature, "mhvmhvmhvmhv", and no further leaves. */
#define HV_LEAF		0x40000000
#define HV_SIG_EBX	0x6d76686d	/* "mhvm" */
#define HV_SIG_ECX	0x686d7668	/* "hvmh" */
#define HV_SIG_EDX	0x76686d76	/* "vmhv" */

static void add(struct mhv_cpuid_entry *t, u32 *n, u32 function, u32 index, bool indexed)
{
	struct mhv_cpuid_entry *e = &t[(*n)++];

	e->function = function;
	e->index = index;
	e->flags = indexed ? MHV_CPUID_FLAG_INDEXED : 0;
	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
}

static void zero(struct mhv_cpuid_entry *e)
{
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;
}

static void filter(struct mhv_vcpu *vcpu, struct mhv_cpuid_entry *e)
{
	u64 guest_xfeatures = vcpu->vmx.fpu.fpstate->xfeatures;

	switch (e->function) {
	case 0:
		e->eax = min(e->eax, 0xdU);
		break;
	case 1:
		e->ecx = (e->ecx & LEAF1_ECX_KEEP) | LEAF1_ECX_HYPERVISOR;
		/* A guest that may not set CR4.OSXSAVE sees no XSAVE, nor what needs it. */
		if (!(mhv_cr4_guest_allowed() & X86_CR4_OSXSAVE))
			e->ecx &= ~LEAF1_ECX_NEEDS_OSXSAVE;
		e->edx &= LEAF1_EDX_KEEP;
		/* One logical CPU per package, APIC ID = vCPU id. */
		e->ebx = (e->ebx & 0xffff) | (1 << 16) | (vcpu->id << 24);
		break;
	case 7:
		if (e->index) {
			zero(e);
			break;
		}
		e->eax = 0;
		e->ebx &= LEAF7_EBX_KEEP |
			  (mhv_caps.procbased_ctls2 & ((u64)SECONDARY_EXEC_ENABLE_INVPCID << 32) ?
			   LEAF7_EBX_INVPCID : 0);
		e->ecx = 0;
		e->edx &= LEAF7_EDX_KEEP;
		if (!(mhv_cr4_guest_allowed() & X86_CR4_OSXSAVE))
			e->ebx &= ~LEAF7_EBX_AVX2;
		break;
	case 0xd:
		if (e->index == 0) {
			e->eax &= (u32)guest_xfeatures;
			e->edx &= (u32)(guest_xfeatures >> 32);
		} else if (e->index == 1) {
			/* XSAVES is not enabled for guests. */
			e->eax &= ~XSAVES_BIT;
			e->ebx = 0;
			e->ecx = 0;
			e->edx = 0;
		} else if (!(guest_xfeatures & BIT_ULL(e->index))) {
			zero(e);
		}
		break;
	case 0x80000001:
		e->ecx &= EXT1_ECX_KEEP;
		e->edx &= EXT1_EDX_KEEP;
		break;
	}
}

int mhv_cpuid_init_default(struct mhv_vcpu *vcpu)
{
	static const u32 plain[] = { 0, 1, 0x80000000, 0x80000001, 0x80000002, 0x80000003,
				     0x80000004, 0x80000008 };
	struct mhv_cpuid_entry *t;
	u32 n = 0, i;

	t = kcalloc(ARRAY_SIZE(plain) + 3 + 64, sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(plain); i++)
		add(t, &n, plain[i], 0, false);
	add(t, &n, 7, 0, true);
	/* What the hypervisor bit announces: the range mhv answers, and its name. */
	t[n++] = (struct mhv_cpuid_entry){ .function = HV_LEAF, .eax = HV_LEAF,
		.ebx = HV_SIG_EBX, .ecx = HV_SIG_ECX, .edx = HV_SIG_EDX };
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		for (i = 0; i < 64; i++)
			add(t, &n, 0xd, i, true);
	for (i = 0; i < n; i++)
		filter(vcpu, &t[i]);
	vcpu->vmx.cpuid = t;
	vcpu->vmx.cpuid_nent = n;
	return 0;
}

void mhv_cpuid_free(struct mhv_vcpu *vcpu)
{
	kfree(vcpu->vmx.cpuid);
	vcpu->vmx.cpuid = NULL;
	vcpu->vmx.cpuid_nent = 0;
}

int mhv_cpuid_set(struct mhv_vcpu *vcpu, const struct mhv_cpuid __user *ucpuid)
{
	struct mhv_cpuid hdr;
	struct mhv_cpuid_entry *t;
	u32 i;

	if (copy_from_user(&hdr, ucpuid, sizeof(hdr)))
		return -EFAULT;
	if (hdr.pad)
		return -EINVAL;
	if (hdr.nent > MHV_MAX_CPUID_ENTRIES)
		return -E2BIG;
	t = memdup_user(ucpuid->entries, array_size(hdr.nent, sizeof(*t)));
	if (IS_ERR(t))
		return PTR_ERR(t);
	for (i = 0; i < hdr.nent; i++) {
		if ((t[i].flags & ~MHV_CPUID_FLAG_INDEXED) || t[i].pad) {
			kfree(t);
			return -EINVAL;
		}
	}
	kfree(vcpu->vmx.cpuid);
	vcpu->vmx.cpuid = t;
	vcpu->vmx.cpuid_nent = hdr.nent;
	return 0;
}

static const struct mhv_cpuid_entry *find_entry(struct mhv_vcpu *vcpu, u32 function, u32 index)
{
	const struct mhv_cpuid_entry *e = vcpu->vmx.cpuid;
	u32 i;

	for (i = 0; i < vcpu->vmx.cpuid_nent; i++, e++)
		if (e->function == function &&
		    (!(e->flags & MHV_CPUID_FLAG_INDEXED) || e->index == index))
			return e;
	return NULL;
}

static bool vendor_is_intel(const struct mhv_cpuid_entry *leaf0)
{
	/* "GenuineIntel" in EBX, EDX, ECX. */
	return leaf0->ebx == 0x756e6547 && leaf0->edx == 0x49656e69 && leaf0->ecx == 0x6c65746e;
}

/*
 * A leaf above the highest of its range reads, on Intel CPUs, as the highest
 * basic leaf (SDM, CPUID: "If a value entered for CPUID.EAX is higher than
 * the maximum input value ... the data for the highest basic information
 * leaf is returned"); a leaf missing within range reads 0. Guests of other
 * vendors get 0 for both, as on AMD.
 */
static const struct mhv_cpuid_entry *out_of_range(struct mhv_vcpu *vcpu, u32 function)
{
	const struct mhv_cpuid_entry *basic = find_entry(vcpu, 0, 0);
	const struct mhv_cpuid_entry *range;
	u32 range_leaf;

	if (!basic || !vendor_is_intel(basic))
		return NULL;
	if (function >= 0x40000000 && function <= 0x4fffffff)
		range_leaf = function & 0xffffff00;
	else if (function >= 0xc0000000)
		range_leaf = 0xc0000000;
	else
		range_leaf = function & 0x80000000;
	range = find_entry(vcpu, range_leaf, 0);
	if (range && function <= range->eax)
		return NULL;
	return find_entry(vcpu, basic->eax, 0);
}

void mhv_cpuid_lookup(struct mhv_vcpu *vcpu, u32 function, u32 index, u32 out[4])
{
	const struct mhv_cpuid_entry *e = find_entry(vcpu, function, index);

	if (!e)
		e = out_of_range(vcpu, function);
	if (!e) {
		memset(out, 0, 4 * sizeof(u32));
		return;
	}
	out[EAX] = e->eax;
	out[EBX] = e->ebx;
	out[ECX] = e->ecx;
	out[EDX] = e->edx;
}
