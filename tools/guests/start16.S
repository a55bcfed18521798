/* SPDX-License-Identifier: GPL-2.0 */
/* Flat image entry: real mode at 0:0x7c00, ESI = mhvctl boot info. */
	.code16
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	$0x7c00, %esp
	/* gcc -m16 code uses the 32-bit calling convention. */
	pushl	%esi
	calll	mhv_main
1:	hlt
	jmp	1b
