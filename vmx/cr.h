/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which control-register, XCR0 and EFER values a guest may hold: the
 * architectural rules (SDM 2.5, 2.6, 13.3) that hardware would enforce with a
 * failed VM entry or a #GP in VMX root, checked before the value goes near it.
 */
#ifndef MHV_VMX_CR_H
#define MHV_VMX_CR_H

#include <linux/types.h>

#include "uapi/mhv.h"

/* CR0 bits that exist; writes to the other low bits are ignored (SDM 2.5). */
#define MHV_CR0_DEFINED	(X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS |	\
			 X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM |	\
			 X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)

/* Code-segment access-rights bits in the VMCS format. */
#define MHV_SEG_AR_L	BIT(13)
#define MHV_SEG_AR_DB	BIT(14)

#define MHV_EFER_VALID	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/* The CR4 bits this host lets a guest set: what mhv virtualizes and the CPU has. */
void mhv_cr4_probe(void);
u64 mhv_cr4_guest_allowed(void);

bool mhv_cr0_valid(u64 cr0);
bool mhv_cr4_valid(u64 cr4, u64 allowed);
bool mhv_xcr0_valid(u64 xcr0, u64 allowed);

/* A whole register state user space hands in (MHV_SET_SREGS), as one consistent mode. */
bool mhv_sregs_valid(const struct mhv_sregs *s, u64 cr4_allowed, unsigned int phys_bits);

#endif
