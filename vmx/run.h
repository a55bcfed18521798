/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_RUN_H
#define MHV_VMX_RUN_H

#include "uapi/mhv.h"

struct mhv_vcpu;

/* What an exit handler tells the run loop. */
enum mhv_exit_action {
	MHV_RESUME,		/* re-enter the guest at once */
	MHV_YIELD,		/* let the host run (its interrupt, a signal), then re-enter */
	MHV_SLOW,		/* finish in process context (may sleep), then re-enter */
	MHV_TO_USER,		/* run->exit_reason is set: return to user space */
};

/* MHV_RUN */
int mhv_vmx_run(struct mhv_vcpu *vcpu);
/* MHV_INJECT */
int mhv_vmx_queue_event(struct mhv_vcpu *vcpu, const struct mhv_event *event);
/* Make the vCPU leave guest mode and see its requests before it enters again. */
void mhv_vmx_kick(struct mhv_vcpu *vcpu);

/* For exit handlers, with the VMCS current and interrupts off. */
void mhv_vmx_skip_insn(struct mhv_vcpu *vcpu);
void mhv_vmx_inject_exception(struct mhv_vcpu *vcpu, u8 vector, bool has_error, u32 error);
int mhv_vmx_handle_exit(struct mhv_vcpu *vcpu, u32 reason);
void mhv_vmx_save_vectoring(struct mhv_vcpu *vcpu);
/* The second half of MHV_SLOW exits, preemptible. */
int mhv_vmx_handle_slow(struct mhv_vcpu *vcpu);

#endif
