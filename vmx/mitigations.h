/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Speculative-execution mitigations around guest execution. mhv makes the
 * choices the host kernel made for itself and for KVM: most come as
 * alternatives in vmenter.S (VERW, RSB filling, IBRS, branch history) that
 * the kernel patched in at boot; the L1D flush is mhv's to decide from what
 * the kernel says of L1TF. /sys/class/misc/mhv/mitigations reports them.
 */
#ifndef MHV_VMX_MITIGATIONS_H
#define MHV_VMX_MITIGATIONS_H

#include <linux/device.h>
#include <linux/jump_label.h>
#include <asm/msr.h>

DECLARE_STATIC_KEY_FALSE(mhv_l1d_flush_on_entry);

void mhv_mitigations_probe(void);
extern const struct attribute_group *mhv_mitigation_groups[];

/* L1TF: nothing the host left in L1D may be read by the guest. Interrupts off. */
static __always_inline void mhv_l1d_flush(void)
{
	if (static_branch_unlikely(&mhv_l1d_flush_on_entry))
		native_wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
}

#endif
