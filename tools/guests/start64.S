/* SPDX-License-Identifier: GPL-2.0 */
/* 64-bit ELF entry: long mode, identity-mapped, RSI = mhvctl boot info. */
	.text
	.code64
	.globl	_start
_start:
	cli
	leaq	stack_top(%rip), %rsp
	movq	%rsi, %rdi
	call	mhv_main
1:	hlt
	jmp	1b

	.bss
	.align	16
	.space	16384
stack_top:
