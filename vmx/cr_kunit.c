// SPDX-License-Identifier: GPL-2.0
/* KUnit: the CR0/CR4/XCR0/EFER validity rules a guest value must pass before hardware sees it. */
#include <kunit/test.h>
#include <asm/fpu/types.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "vmx/cr.h"

#define ALL_CR4	(X86_CR4_PAE | X86_CR4_PSE | X86_CR4_OSFXSR | X86_CR4_OSXSAVE | X86_CR4_PCIDE)
#define HOST_XCR0	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM |	\
			 XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR |		\
			 XFEATURE_MASK_AVX512 | XFEATURE_MASK_XTILE)

static void cr0_rules(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mhv_cr0_valid(X86_CR0_PE | X86_CR0_PG | X86_CR0_ET));
	KUNIT_EXPECT_TRUE(test, mhv_cr0_valid(X86_CR0_CD | X86_CR0_NW));
	KUNIT_EXPECT_FALSE(test, mhv_cr0_valid(X86_CR0_PG));
	KUNIT_EXPECT_FALSE(test, mhv_cr0_valid(X86_CR0_NW));
	KUNIT_EXPECT_FALSE(test, mhv_cr0_valid(BIT_ULL(32) | X86_CR0_PE));
}

static void cr4_rules(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mhv_cr4_valid(X86_CR4_PAE | X86_CR4_OSXSAVE, ALL_CR4));
	KUNIT_EXPECT_FALSE(test, mhv_cr4_valid(X86_CR4_VMXE, ALL_CR4));
	KUNIT_EXPECT_FALSE(test, mhv_cr4_valid(X86_CR4_PAE | BIT_ULL(40), ALL_CR4));
	/* Whatever the CPU has, mhv never lets a guest turn these on. */
	KUNIT_EXPECT_FALSE(test, mhv_cr4_guest_allowed() &
			   (X86_CR4_VMXE | X86_CR4_SMXE | X86_CR4_CET | BIT_ULL(24)));
}

static void xcr0_pairs(struct kunit *test)
{
	u64 sse = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	u64 avx = sse | XFEATURE_MASK_YMM;

	KUNIT_EXPECT_TRUE(test, mhv_xcr0_valid(XFEATURE_MASK_FP, HOST_XCR0));
	KUNIT_EXPECT_TRUE(test, mhv_xcr0_valid(avx, HOST_XCR0));
	KUNIT_EXPECT_TRUE(test, mhv_xcr0_valid(avx | XFEATURE_MASK_AVX512, HOST_XCR0));
	KUNIT_EXPECT_TRUE(test, mhv_xcr0_valid(sse | XFEATURE_MASK_BNDREGS | XFEATURE_MASK_BNDCSR,
					       HOST_XCR0));
	KUNIT_EXPECT_TRUE(test, mhv_xcr0_valid(avx | XFEATURE_MASK_XTILE, HOST_XCR0));
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(XFEATURE_MASK_SSE, HOST_XCR0));
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(XFEATURE_MASK_FP | XFEATURE_MASK_YMM, HOST_XCR0));
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(sse | XFEATURE_MASK_BNDREGS, HOST_XCR0));
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(sse | XFEATURE_MASK_BNDCSR, HOST_XCR0));
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(avx | XFEATURE_MASK_OPMASK, HOST_XCR0));
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(sse | XFEATURE_MASK_AVX512, HOST_XCR0));
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(avx | XFEATURE_MASK_XTILE_CFG, HOST_XCR0));
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(avx | XFEATURE_MASK_XTILE_DATA, HOST_XCR0));
	/* Within the pairing rules, but beyond what the host allows. */
	KUNIT_EXPECT_FALSE(test, mhv_xcr0_valid(avx | XFEATURE_MASK_AVX512, avx));
}

static const struct mhv_sregs long_mode = {
	.cs = { .ar = 0xa09b },
	.cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_ET,
	.cr4 = X86_CR4_PAE,
	.efer = EFER_LME | EFER_LMA,
	.cr3 = 0x100000,
};

static void sregs_modes(struct kunit *test)
{
	struct mhv_sregs s = long_mode;

	KUNIT_EXPECT_TRUE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	/* The state that makes Bochs panic: LMA with CR0.PE clear. */
	s.efer = EFER_LME | EFER_LMA;
	s.cr0 = X86_CR0_ET;
	KUNIT_EXPECT_FALSE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	s = long_mode;
	s.efer = EFER_LME;
	KUNIT_EXPECT_FALSE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	s = long_mode;
	s.cr4 = 0;
	KUNIT_EXPECT_FALSE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	s = long_mode;
	s.cs.ar |= MHV_SEG_AR_DB;
	KUNIT_EXPECT_FALSE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	s = long_mode;
	s.cr3 = 1ULL << 46;
	KUNIT_EXPECT_FALSE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	s = long_mode;
	s.cr4 |= X86_CR4_PCIDE;
	KUNIT_EXPECT_TRUE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	/* Protected mode without paging: no L, no PCIDE, no LMA. */
	s = (struct mhv_sregs){ .cs = { .ar = 0xc09b }, .cr0 = X86_CR0_PE, .efer = EFER_LME };
	KUNIT_EXPECT_TRUE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	s.cr4 = X86_CR4_PCIDE;
	KUNIT_EXPECT_FALSE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	s.cr4 = 0;
	s.cs.ar = 0xa09b;
	KUNIT_EXPECT_FALSE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
	s.cs.ar = 0xc09b;
	s.efer = BIT_ULL(12);
	KUNIT_EXPECT_FALSE(test, mhv_sregs_valid(&s, ALL_CR4, 46));
}

static struct kunit_case cr_cases[] = {
	KUNIT_CASE(cr0_rules),
	KUNIT_CASE(cr4_rules),
	KUNIT_CASE(xcr0_pairs),
	KUNIT_CASE(sregs_modes),
	{}
};

static struct kunit_suite cr_suite = {
	.name = "mhv_vmx_cr",
	.test_cases = cr_cases,
};

kunit_test_suite(cr_suite);
