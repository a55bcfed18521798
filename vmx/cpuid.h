/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_CPUID_H
#define MHV_VMX_CPUID_H

#include <linux/types.h>

#include "uapi/mhv.h"

struct mhv_vcpu;

/* The default table: the host's CPUID less what mhv does not give guests. */
int mhv_cpuid_init_default(struct mhv_vcpu *vcpu);
void mhv_cpuid_free(struct mhv_vcpu *vcpu);
/* MHV_SET_CPUID */
int mhv_cpuid_set(struct mhv_vcpu *vcpu, const struct mhv_cpuid __user *ucpuid);
/* The guest's CPUID: leaves not in the table read as zero. */
void mhv_cpuid_lookup(struct mhv_vcpu *vcpu, u32 function, u32 index, u32 out[4]);

#endif
