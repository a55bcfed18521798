// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls, Xen style: the number in RAX, arguments in RBX, RCX, RDX, RSI,
 * RDI, the result in RAX. What mhv does not handle itself goes to user space.
 */
#include "core/hypercall.h"
#include "core/vcpu.h"
#include "vmx/run.h"
#include "vmx/vmx_ops.h"

int mhv_hypercall(struct mhv_vcpu *vcpu)
{
	u64 *gpr = vcpu->vmx.gprs;
	struct mhv_run *run = vcpu->run;
	u64 nr = gpr[MHV_RAX];

	mhv_vmx_skip_insn(vcpu);
	/* Only the guest's kernel may call: its applications must not reach the VMM. */
	if (VMX_AR_DPL(vmcs_read32(GUEST_SS_AR_BYTES))) {
		gpr[MHV_RAX] = -EPERM;
		return MHV_RESUME;
	}
	switch (nr) {
	case MHV_HC_NOP:
		gpr[MHV_RAX] = 0;
		return MHV_RESUME;
	case MHV_HC_VM_INFO:
		gpr[MHV_RAX] = MHV_API_VERSION;
		gpr[MHV_RBX] = vcpu->vm->vpid;
		return MHV_RESUME;
	case MHV_HC_DECREASE_RESERVATION:
	case MHV_HC_POPULATE_PHYSMAP:
		/* They take the mmu lock and unpin: mhv_hypercall_slow() does them. */
		return MHV_SLOW;
	}
	run->exit_reason = MHV_EXIT_HYPERCALL;
	run->hypercall.nr = nr;
	run->hypercall.args[0] = gpr[MHV_RBX];
	run->hypercall.args[1] = gpr[MHV_RCX];
	run->hypercall.args[2] = gpr[MHV_RDX];
	run->hypercall.args[3] = gpr[MHV_RSI];
	run->hypercall.args[4] = gpr[MHV_RDI];
	/* What the guest sees if user space leaves ret alone. */
	run->hypercall.ret = -EOPNOTSUPP;
	vcpu->vmx.completion = MHV_COMPLETE_HYPERCALL;
	return MHV_TO_USER;
}

/*
 * The ballooning hypercalls, preemptible. What to do is still in the guest's
 * GPRs (number in RAX, arguments in RBX and RCX), untouched since the exit;
 * RIP is already past the VMCALL.
 */
int mhv_hypercall_slow(struct mhv_vcpu *vcpu)
{
	u64 *gpr = vcpu->vmx.gprs;
	struct mhv_mmu *mmu = &vcpu->vm->mmu;

	if (gpr[MHV_RAX] == MHV_HC_DECREASE_RESERVATION)
		gpr[MHV_RAX] = mhv_mmu_balloon_release(mmu, gpr[MHV_RBX], gpr[MHV_RCX]);
	else
		gpr[MHV_RAX] = mhv_mmu_balloon_populate(mmu, gpr[MHV_RBX], gpr[MHV_RCX]);
	return MHV_RESUME;
}
