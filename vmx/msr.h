/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_MSR_H
#define MHV_VMX_MSR_H

#include <linux/types.h>

#include "uapi/mhv.h"

struct mhv_vcpu;

int mhv_msr_bitmap_init(void);
void mhv_msr_bitmap_exit(void);
u64 mhv_msr_bitmap_pa(void);

void mhv_msr_reset(struct mhv_vcpu *vcpu);

/* The allowlist, with the VMCS current. -EINVAL: not allowed (the guest gets #GP). */
int mhv_msr_read(struct mhv_vcpu *vcpu, u32 index, u64 *value);
int mhv_msr_write(struct mhv_vcpu *vcpu, u32 index, u64 value);

/* MHV_GET_MSRS / MHV_SET_MSRS: how many entries were done, or -errno. */
int mhv_msrs_ioctl(struct mhv_vcpu *vcpu, struct mhv_msrs __user *umsrs, bool set);

/* Swap the MSRs the guest uses directly (syscall, swapgs, rdtscp) around guest execution. */
void mhv_msr_load_guest(struct mhv_vcpu *vcpu);
void mhv_msr_put_guest(struct mhv_vcpu *vcpu);

#endif
