/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest exception entry: one stub per vector pushes a dummy error code
 * where the CPU pushes none, then the vector, and joins the common path,
 * which saves the GPRs as struct ex_regs (processor.h) and calls
 * mhv_route_exception(). The CPU aligned RSP to 16 before its pushes, and
 * 22 quadwords keep it so for the call.
 */
	.text

mhv_exception_common:
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rdi
	push %rsi
	push %rbp
	push %rbx
	push %rdx
	push %rcx
	push %rax
	cld
	mov %rsp, %rdi
	call mhv_route_exception
	pop %rax
	pop %rcx
	pop %rdx
	pop %rbx
	pop %rbp
	pop %rsi
	pop %rdi
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	add $16, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl mhv_idt_stubs
mhv_idt_stubs:
	.text

/* Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code. */
	vec = 0
	.rept 256
	.balign 16
1:
	has_error = (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17)
	has_error = has_error || (vec == 21) || (vec == 29) || (vec == 30)
	.if has_error
	.else
	pushq $0
	.endif
	pushq $vec
	jmp mhv_exception_common
	.section .rodata
	.quad 1b
	.text
	vec = vec + 1
	.endr

/* Where a returning guest function goes: realign, then report. */
	.globl mhv_guest_returned
mhv_guest_returned:
	and $-16, %rsp
	call mhv_guest_returned_c
2:
	hlt
	jmp 2b

	.section .note.GNU-stack,"",@progbits
