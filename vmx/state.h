/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_STATE_H
#define MHV_VMX_STATE_H

#include "uapi/mhv.h"

struct mhv_vcpu;

/* With the VMCS current (mhv_vmx_enter_vmcs): */
void mhv_vmx_reset_state(struct mhv_vcpu *vcpu);

/* The vCPU ioctls: they make the VMCS current themselves. */
int mhv_vmx_get_regs(struct mhv_vcpu *vcpu, struct mhv_regs *regs);
int mhv_vmx_set_regs(struct mhv_vcpu *vcpu, const struct mhv_regs *regs);
int mhv_vmx_get_sregs(struct mhv_vcpu *vcpu, struct mhv_sregs *sregs);
int mhv_vmx_set_sregs(struct mhv_vcpu *vcpu, const struct mhv_sregs *sregs);

#endif
