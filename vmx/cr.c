// SPDX-License-Identifier: GPL-2.0
/* Validity rules for guest CR0, CR4, XCR0 and EFER; see cr.h. */
#include <asm/cpufeature.h>
#include <asm/fpu/types.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "vmx/caps.h"
#include "vmx/cr.h"

/*
 * Left out on purpose: VMXE (no nested VMX), SMXE (no SMX), CET (its MSRs
 * and shadow stacks are not switched), PKS (IA32_PKRS is not switched), and
 * PKE where the host does not run with it (mhv switches PKRU only when the
 * host's CR4.PKE lets it read the register back).
 * Computed once: every CR4 exit and CPUID set-up asks.
 */
static u64 cr4_guest_allowed __ro_after_init;

void mhv_cr4_probe(void)
{
	u64 allowed = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		      X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		      X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_UMIP))
		allowed |= X86_CR4_UMIP;
	if (boot_cpu_has(X86_FEATURE_LA57))
		allowed |= X86_CR4_LA57;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		allowed |= X86_CR4_FSGSBASE;
	if (boot_cpu_has(X86_FEATURE_PCID))
		allowed |= X86_CR4_PCIDE;
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		allowed |= X86_CR4_OSXSAVE;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		allowed |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		allowed |= X86_CR4_SMAP;
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		allowed |= X86_CR4_PKE;
	cr4_guest_allowed = allowed & mhv_caps.cr4_fixed1;
}

u64 mhv_cr4_guest_allowed(void)
{
	return cr4_guest_allowed;
}

bool mhv_cr0_valid(u64 cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	return !((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD));
}

bool mhv_cr4_valid(u64 cr4, u64 allowed)
{
	return !(cr4 & ~allowed);
}

bool mhv_xcr0_valid(u64 xcr0, u64 allowed)
{
	u64 avx512 = xcr0 & XFEATURE_MASK_AVX512;
	u64 xtile = xcr0 & XFEATURE_MASK_XTILE;
	u64 mpx = xcr0 & (XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR);

	if ((xcr0 & ~allowed) || !(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	/* The CPU faults on half of a pair and on AVX-512 without all of it and AVX. */
	if (mpx && mpx != (XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR))
		return false;
	if (avx512 && (avx512 != XFEATURE_MASK_AVX512 || !(xcr0 & XFEATURE_MASK_YMM)))
		return false;
	return !(xtile && xtile != XFEATURE_MASK_XTILE);
}

bool mhv_sregs_valid(const struct mhv_sregs *s, u64 cr4_allowed, unsigned int phys_bits)
{
	bool paging = s->cr0 & X86_CR0_PG;

	if ((s->efer & ~MHV_EFER_VALID) || !mhv_cr0_valid(s->cr0) ||
	    !mhv_cr4_valid(s->cr4, cr4_allowed))
		return false;
	if (phys_bits < 64 && (s->cr3 >> phys_bits))
		return false;
	if ((s->efer & EFER_LME) && paging) {
		/* Long mode: LMA set, PAE on, and CS cannot be both 64-bit and 32-bit. */
		if (!(s->efer & EFER_LMA) || !(s->cr4 & X86_CR4_PAE))
			return false;
		if ((s->cs.ar & MHV_SEG_AR_L) && (s->cs.ar & MHV_SEG_AR_DB))
			return false;
	} else if ((s->efer & EFER_LMA) || (s->cs.ar & MHV_SEG_AR_L)) {
		/* LMA without paging is the state that takes Bochs down with it. */
		return false;
	}
	return !((s->cr4 & X86_CR4_PCIDE) && !(s->efer & EFER_LMA));
}
