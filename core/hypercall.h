/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_CORE_HYPERCALL_H
#define MHV_CORE_HYPERCALL_H

struct mhv_vcpu;

/* A guest VMCALL, with the VMCS current: returns an enum mhv_exit_action. */
int mhv_hypercall(struct mhv_vcpu *vcpu);
/* The MHV_SLOW half (ballooning), preemptible: returns an enum mhv_exit_action. */
int mhv_hypercall_slow(struct mhv_vcpu *vcpu);

#endif
