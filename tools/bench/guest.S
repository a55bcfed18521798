/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's guest: 16-bit code run in unreal mode (real mode with
 * DS/ES limits of 4 GiB, set by the host), identical on mhv and KVM. Each
 * routine takes its count in ECX, reads the TSC before and after, and ends
 * in HLT with the start TSC in EBP and the end TSC in EAX (low halves: a
 * run is far shorter than 2^32 cycles). The loop overhead is what
 * guest_empty measures. Only relative jumps: the blob runs wherever it is
 * copied.
 */
	.section .rodata.guest, "a"
	.code16
	.globl guest_start, guest_end, guest_cpuid, guest_vmcall, guest_out
	.globl guest_empty, guest_touch, guest_write, guest_read, guest_hlt

guest_start:

/* ECX iterations of CPUID leaf 0. */
guest_cpuid:
	movl	%ecx, %esi
	rdtsc
	movl	%eax, %ebp
1:	xorl	%eax, %eax
	cpuid
	decl	%esi
	jnz	1b
	rdtsc
	hlt

/* ECX iterations of VMCALL with RAX = EBX; the last result ends in EBX. */
guest_vmcall:
	movl	%ecx, %esi
	movl	%ebx, %edi
	rdtsc
	movl	%eax, %ebp
1:	movl	%edi, %eax
	vmcall
	decl	%esi
	jnz	1b
	movl	%eax, %ebx
	rdtsc
	hlt

/* ECX iterations of OUT to port 0x10 (exits to the host's user space). */
guest_out:
	movl	%ecx, %esi
	rdtsc
	movl	%eax, %ebp
1:	outb	%al, $0x10
	decl	%esi
	jnz	1b
	rdtsc
	hlt

/* ECX iterations of nothing: the loop's own cost. */
guest_empty:
	movl	%ecx, %esi
	rdtsc
	movl	%eax, %ebp
1:	decl	%esi
	jnz	1b
	rdtsc
	hlt

/* ECX byte writes at EDI, EDI + EBX, ...: first touches of fresh pages. */
guest_touch:
	movl	%ecx, %esi
	rdtsc
	movl	%eax, %ebp
1:	addr32 movb %al, %es:(%edi)
	addl	%ebx, %edi
	decl	%esi
	jnz	1b
	rdtsc
	hlt

/* Streaming write of ECX dwords at EDI. */
guest_write:
	rdtsc
	movl	%eax, %ebp
	cld
	addr32 rep stosl
	rdtsc
	hlt

/* Streaming read of ECX dwords at ESI. */
guest_read:
	rdtsc
	movl	%eax, %ebp
	cld
	addr32 rep lodsl
	rdtsc
	hlt

/* The first instruction of a new VM: exit at once. */
guest_hlt:
	hlt

guest_end:
	.section .note.GNU-stack, "", @progbits
