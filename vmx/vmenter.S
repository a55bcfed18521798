/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM entry and exit. The guest's general-purpose registers live in an array
 * in hardware encoding order (RAX=0 ... R15=15; slot 4, RSP, is unused since
 * the VMCS holds it), so decoded instructions index it directly.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>

#define GPR(n)	((n) * 8)

#define HOST_RSP_FIELD	0x6c14

	.text
/*
 * int __mhv_vmx_enter(u64 *gprs, unsigned int resume)
 * Returns 0 after a VM exit, 1 when VMLAUNCH/VMRESUME itself failed.
 * Called with interrupts disabled and this vCPU's VMCS current.
 */
SYM_FUNC_START(__mhv_vmx_enter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi			/* gprs, found again at the exit */

	/* The exit lands with RSP as it is here. */
	mov	$HOST_RSP_FIELD, %eax
	vmwrite	%rsp, %rax
	jna	.Lfail

	mov	%rdi, %rax
	/* CF = resume: selects VMRESUME below; nothing after touches flags. */
	bt	$0, %esi
	mov	GPR(1)(%rax), %rcx
	mov	GPR(2)(%rax), %rdx
	mov	GPR(3)(%rax), %rbx
	mov	GPR(5)(%rax), %rbp
	mov	GPR(6)(%rax), %rsi
	mov	GPR(7)(%rax), %rdi
	mov	GPR(8)(%rax), %r8
	mov	GPR(9)(%rax), %r9
	mov	GPR(10)(%rax), %r10
	mov	GPR(11)(%rax), %r11
	mov	GPR(12)(%rax), %r12
	mov	GPR(13)(%rax), %r13
	mov	GPR(14)(%rax), %r14
	mov	GPR(15)(%rax), %r15
	mov	GPR(0)(%rax), %rax
	/* MDS/TAA/RFDS: nothing the host left in CPU buffers for the guest (clobbers ZF only). */
	CLEAR_CPU_BUFFERS
	jnc	.Llaunch

	UNWIND_HINT_SAVE
	vmresume
	jmp	.Lfail
.Llaunch:
	vmlaunch
	jmp	.Lfail

SYM_INNER_LABEL(__mhv_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push	%rax
	mov	8(%rsp), %rax		/* gprs */
	pop	GPR(0)(%rax)
	mov	%rcx, GPR(1)(%rax)
	mov	%rdx, GPR(2)(%rax)
	mov	%rbx, GPR(3)(%rax)
	mov	%rbp, GPR(5)(%rax)
	mov	%rsi, GPR(6)(%rax)
	mov	%rdi, GPR(7)(%rax)
	mov	%r8, GPR(8)(%rax)
	mov	%r9, GPR(9)(%rax)
	mov	%r10, GPR(10)(%rax)
	mov	%r11, GPR(11)(%rax)
	mov	%r12, GPR(12)(%rax)
	mov	%r13, GPR(13)(%rax)
	mov	%r14, GPR(14)(%rax)
	mov	%r15, GPR(15)(%rax)
	xor	%ebx, %ebx
	jmp	.Lout

.Lfail:
	mov	$1, %ebx
.Lout:
	/*
	 * No guest value may steer speculation in the host, not even those the
	 * pops below reload (a cache miss there runs ahead with the old ones).
	 */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%ebp, %ebp
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	/* Before the first unbalanced RET: the guest may have poisoned the RSB. */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	/*
	 * Legacy IBRS protects only when written after leaving a less privileged
	 * mode, guest mode included; the guest cannot change SPEC_CTRL itself
	 * (the MSR is not passed through), so the host's value is rewritten as is.
	 */
	ALTERNATIVE "jmp .Lspec_ctrl_done", "", X86_FEATURE_KERNEL_IBRS
	mov	$MSR_IA32_SPEC_CTRL, %ecx
	mov	PER_CPU_VAR(x86_spec_ctrl_current), %eax
	mov	PER_CPU_VAR(x86_spec_ctrl_current + 4), %edx
	wrmsr
.Lspec_ctrl_done:
	/* BHI: the guest's branch history must not steer the host's indirect branches. */
	CLEAR_BRANCH_HISTORY_VMEXIT
	mov	%ebx, %eax
	pop	%rdi
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(__mhv_vmx_enter)
