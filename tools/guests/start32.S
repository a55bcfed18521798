/* SPDX-License-Identifier: GPL-2.0 */
/* Multiboot 1 entry: 32-bit protected mode, EAX = magic, EBX = information. */
#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory information */

	.section .text.multiboot, "a"
	.align	4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl	_start
_start:
	cli
	movl	$stack_top, %esp
	pushl	%ebx
	pushl	%eax
	call	mb_main
1:	hlt
	jmp	1b

	.bss
	.align	16
	.space	16384
stack_top:
