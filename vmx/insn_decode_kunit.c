// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the MMIO instruction decoder on real instruction bytes.
 *
 * Every byte string below was produced by GNU as (--64, --32, and .code16
 * under --32) and read back with objdump; the assembly is in each name.
 * Hand-made encodings that as does not emit say so.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "vmx/insn_decode.h"

/* An instruction's bytes and their count, for the tables below. */
#define BYTES(...)	.n = sizeof((u8[]){ __VA_ARGS__ }), .bytes = { __VA_ARGS__ }

struct decode_case {
	const char *name;
	int mode;
	size_t n;
	u8 bytes[16];
	int ret;
	struct mhv_mmio_insn want;
};

/* Register numbers in hardware encoding order. */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

static const struct decode_case decode_cases[] = {
	/* 64-bit mode: MOV r/m, r and operand sizes */
	{ "64: mov %eax,(%rbx)", 64, BYTES(0x89, 0x03),
	  .want = { .len = 2, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: mov %rax,(%rbx)", 64, BYTES(0x48, 0x89, 0x03),
	  .want = { .len = 3, .size = 8, .is_write = true, .reg = RAX } },
	{ "64: mov %ax,(%rbx)", 64, BYTES(0x66, 0x89, 0x03),
	  .want = { .len = 3, .size = 2, .is_write = true, .reg = RAX } },
	{ "64: mov %al,(%rbx)", 64, BYTES(0x88, 0x03),
	  .want = { .len = 2, .size = 1, .is_write = true, .reg = RAX } },
	/* byte registers: AH..BH without REX, SPL..DIL and R8B.. with it */
	{ "64: mov %ah,(%rbx)", 64, BYTES(0x88, 0x23),
	  .want = { .len = 2, .size = 1, .is_write = true, .reg = RAX, .high8 = true } },
	{ "64: mov %bh,(%rcx)", 64, BYTES(0x88, 0x39),
	  .want = { .len = 2, .size = 1, .is_write = true, .reg = RBX, .high8 = true } },
	{ "64: mov %sil,(%rbx)", 64, BYTES(0x40, 0x88, 0x33),
	  .want = { .len = 3, .size = 1, .is_write = true, .reg = RSI } },
	{ "64: mov %spl,(%rax)", 64, BYTES(0x40, 0x88, 0x20),
	  .want = { .len = 3, .size = 1, .is_write = true, .reg = RSP } },
	{ "64: mov %r9b,(%rax)", 64, BYTES(0x44, 0x88, 0x08),
	  .want = { .len = 3, .size = 1, .is_write = true, .reg = R9 } },
	/* REX.R/REX.B extension; r12 as a base always needs a SIB */
	{ "64: mov %r15,(%r12)", 64, BYTES(0x4d, 0x89, 0x3c, 0x24),
	  .want = { .len = 4, .size = 8, .is_write = true, .reg = R15 } },
	{ "64: mov %eax,(%r11)", 64, BYTES(0x41, 0x89, 0x03),
	  .want = { .len = 3, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: mov (%r8,%r9,8),%r11d", 64, BYTES(0x47, 0x8b, 0x1c, 0xc8),
	  .want = { .len = 4, .size = 4, .reg = R11, .dst_size = 4 } },
	/* MOV r, r/m */
	{ "64: mov (%rbx),%ecx", 64, BYTES(0x8b, 0x0b),
	  .want = { .len = 2, .size = 4, .reg = RCX, .dst_size = 4 } },
	{ "64: mov (%rbx),%cl", 64, BYTES(0x8a, 0x0b),
	  .want = { .len = 2, .size = 1, .reg = RCX, .dst_size = 1 } },
	{ "64: mov (%rbx),%dh", 64, BYTES(0x8a, 0x33),
	  .want = { .len = 2, .size = 1, .reg = RDX, .high8 = true, .dst_size = 1 } },
	{ "64: mov (%rbx),%r10w", 64, BYTES(0x66, 0x44, 0x8b, 0x13),
	  .want = { .len = 4, .size = 2, .reg = R10, .dst_size = 2 } },
	/* addressing forms: RIP-relative, SIB, disp8, disp32, no base */
	{ "64: mov 0x12345678(%rip),%eax", 64, BYTES(0x8b, 0x05, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 6, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "64: mov %eax,0x10(%rbx,%rcx,4)", 64, BYTES(0x89, 0x44, 0x8b, 0x10),
	  .want = { .len = 4, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: mov %eax,0x1000(%rbx,%rcx,4)", 64,
	  BYTES(0x89, 0x84, 0x8b, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: mov %eax,0x1000(,%rcx,4)", 64, BYTES(0x89, 0x04, 0x8d, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: mov %eax,0x1000 (SIB, no base, no index)", 64,
	  BYTES(0x89, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 7, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: mov %eax,0x0(%rbp)", 64, BYTES(0x89, 0x45, 0x00),
	  .want = { .len = 3, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: mov %eax,0x0(%r13) (REX.B keeps the disp8)", 64, BYTES(0x41, 0x89, 0x45, 0x00),
	  .want = { .len = 4, .size = 4, .is_write = true, .reg = RAX } },
	/* prefixes */
	{ "64: mov %eax,(%ebx) (67)", 64, BYTES(0x67, 0x89, 0x03),
	  .want = { .len = 3, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: mov %fs:(%rax),%eax", 64, BYTES(0x64, 0x8b, 0x00),
	  .want = { .len = 3, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "64: lock mov %eax,(%rbx) (hand-made)", 64, BYTES(0xf0, 0x89, 0x03),
	  .want = { .len = 3, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: rex.w before 66 is ignored (hand-made)", 64, BYTES(0x48, 0x66, 0x89, 0x03),
	  .want = { .len = 4, .size = 2, .is_write = true, .reg = RAX } },
	{ "64: rex.w wins over 66 (hand-made)", 64, BYTES(0x66, 0x48, 0x89, 0x03),
	  .want = { .len = 4, .size = 8, .is_write = true, .reg = RAX } },
	{ "64: 13 prefixes, 15 bytes (hand-made)", 64,
	  BYTES(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
		0x89, 0x03),
	  .want = { .len = 15, .size = 4, .is_write = true, .reg = RAX } },
	/* MOV r/m, imm */
	{ "64: movb $0x5a,(%rbx)", 64, BYTES(0xc6, 0x03, 0x5a),
	  .want = { .len = 3, .size = 1, .is_write = true, .has_imm = true, .imm = 0x5a } },
	{ "64: movb $0x80,-0x80(%rbp)", 64, BYTES(0xc6, 0x45, 0x80, 0x80),
	  .want = { .len = 4, .size = 1, .is_write = true, .has_imm = true, .imm = 0x80 } },
	{ "64: movw $0x1234,(%rbx)", 64, BYTES(0x66, 0xc7, 0x03, 0x34, 0x12),
	  .want = { .len = 5, .size = 2, .is_write = true, .has_imm = true, .imm = 0x1234 } },
	{ "64: movl $0xdeadbeef,(%rbx)", 64, BYTES(0xc7, 0x03, 0xef, 0xbe, 0xad, 0xde),
	  .want = { .len = 6, .size = 4, .is_write = true, .has_imm = true,
		    .imm = 0xdeadbeef } },
	{ "64: movq $-2,(%rbx)", 64, BYTES(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff),
	  .want = { .len = 7, .size = 8, .is_write = true, .has_imm = true,
		    .imm = 0xfffffffffffffffeULL } },
	{ "64: movq $0x7fffffff,0x8(%r14)", 64,
	  BYTES(0x49, 0xc7, 0x46, 0x08, 0xff, 0xff, 0xff, 0x7f),
	  .want = { .len = 8, .size = 8, .is_write = true, .has_imm = true,
		    .imm = 0x7fffffff } },
	{ "64: movl $0xdeadbeef,0x10(%rip)", 64,
	  BYTES(0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0xef, 0xbe, 0xad, 0xde),
	  .want = { .len = 10, .size = 4, .is_write = true, .has_imm = true,
		    .imm = 0xdeadbeef } },
	/* MOVZX / MOVSX */
	{ "64: movzbl (%rbx),%eax", 64, BYTES(0x0f, 0xb6, 0x03),
	  .want = { .len = 3, .size = 1, .reg = RAX, .dst_size = 4 } },
	{ "64: movzwl (%rbx),%eax", 64, BYTES(0x0f, 0xb7, 0x03),
	  .want = { .len = 3, .size = 2, .reg = RAX, .dst_size = 4 } },
	{ "64: movzbq (%rbx),%r8", 64, BYTES(0x4c, 0x0f, 0xb6, 0x03),
	  .want = { .len = 4, .size = 1, .reg = R8, .dst_size = 8 } },
	{ "64: movzbw (%rbx),%ax", 64, BYTES(0x66, 0x0f, 0xb6, 0x03),
	  .want = { .len = 4, .size = 1, .reg = RAX, .dst_size = 2 } },
	{ "64: movsbl (%rbx),%eax", 64, BYTES(0x0f, 0xbe, 0x03),
	  .want = { .len = 3, .size = 1, .reg = RAX, .dst_size = 4, .sign_extend = true } },
	{ "64: movswq (%rbx),%rdx", 64, BYTES(0x48, 0x0f, 0xbf, 0x13),
	  .want = { .len = 4, .size = 2, .reg = RDX, .dst_size = 8, .sign_extend = true } },
	{ "64: movsbw (%rbx),%di", 64, BYTES(0x66, 0x0f, 0xbe, 0x3b),
	  .want = { .len = 4, .size = 1, .reg = RDI, .dst_size = 2, .sign_extend = true } },
	/* moffs: as wide as the address size */
	{ "64: movabs 0x1122334455667788,%al", 64,
	  BYTES(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  .want = { .len = 9, .size = 1, .reg = RAX, .dst_size = 1 } },
	{ "64: movabs %rax,0x1122334455667788", 64,
	  BYTES(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  .want = { .len = 10, .size = 8, .is_write = true, .reg = RAX } },
	{ "64: addr32 mov 0x1000,%eax", 64, BYTES(0x67, 0xa1, 0x00, 0x10, 0x00, 0x00),
	  .want = { .len = 6, .size = 4, .reg = RAX, .dst_size = 4 } },
	/* MOVNTI */
	{ "64: movnti %eax,(%rbx)", 64, BYTES(0x0f, 0xc3, 0x03),
	  .want = { .len = 3, .size = 4, .is_write = true, .reg = RAX } },
	{ "64: movnti %rax,(%r8)", 64, BYTES(0x49, 0x0f, 0xc3, 0x00),
	  .want = { .len = 4, .size = 8, .is_write = true, .reg = RAX } },

	/* 32-bit mode */
	{ "32: mov %eax,(%ebx)", 32, BYTES(0x89, 0x03),
	  .want = { .len = 2, .size = 4, .is_write = true, .reg = RAX } },
	{ "32: mov %ax,(%ebx)", 32, BYTES(0x66, 0x89, 0x03),
	  .want = { .len = 3, .size = 2, .is_write = true, .reg = RAX } },
	{ "32: mov %ecx,0x12345678 (mod 00 rm 101: absolute)", 32,
	  BYTES(0x89, 0x0d, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 6, .size = 4, .is_write = true, .reg = RCX } },
	{ "32: mov 0x12345678,%eax", 32, BYTES(0xa1, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 5, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "32: mov %eax,0x12345678", 32, BYTES(0xa3, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 5, .size = 4, .is_write = true, .reg = RAX } },
	{ "32: addr16 mov 0x1234,%eax", 32, BYTES(0x67, 0xa1, 0x34, 0x12),
	  .want = { .len = 4, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "32: mov (%bx,%si),%eax", 32, BYTES(0x67, 0x8b, 0x00),
	  .want = { .len = 3, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "32: mov 0x1234(%bp),%eax", 32, BYTES(0x67, 0x8b, 0x86, 0x34, 0x12),
	  .want = { .len = 5, .size = 4, .reg = RAX, .dst_size = 4 } },
	{ "32: movzbl 0x10(%esi),%edx", 32, BYTES(0x0f, 0xb6, 0x56, 0x10),
	  .want = { .len = 4, .size = 1, .reg = RDX, .dst_size = 4 } },
	{ "32: movsbl (%ebx),%eax", 32, BYTES(0x0f, 0xbe, 0x03),
	  .want = { .len = 3, .size = 1, .reg = RAX, .dst_size = 4, .sign_extend = true } },
	{ "32: movl $0x1,0x8(%ebx,%esi,2)", 32,
	  BYTES(0xc7, 0x44, 0x73, 0x08, 0x01, 0x00, 0x00, 0x00),
	  .want = { .len = 8, .size = 4, .is_write = true, .has_imm = true, .imm = 1 } },
	{ "32: mov %dh,(%edi)", 32, BYTES(0x88, 0x37),
	  .want = { .len = 2, .size = 1, .is_write = true, .reg = RDX, .high8 = true } },
	{ "32: movnti %eax,(%ebx)", 32, BYTES(0x0f, 0xc3, 0x03),
	  .want = { .len = 3, .size = 4, .is_write = true, .reg = RAX } },

	/* 16-bit mode: 16-bit operands and 16-bit ModRM addressing by default */
	{ "16: mov %ax,(%bx)", 16, BYTES(0x89, 0x07),
	  .want = { .len = 2, .size = 2, .is_write = true, .reg = RAX } },
	{ "16: mov %eax,(%bx)", 16, BYTES(0x66, 0x89, 0x07),
	  .want = { .len = 3, .size = 4, .is_write = true, .reg = RAX } },
	{ "16: mov (%bx,%si),%al", 16, BYTES(0x8a, 0x00),
	  .want = { .len = 2, .size = 1, .reg = RAX, .dst_size = 1 } },
	{ "16: mov %cx,0x1234 (mod 00 rm 110: disp16)", 16, BYTES(0x89, 0x0e, 0x34, 0x12),
	  .want = { .len = 4, .size = 2, .is_write = true, .reg = RCX } },
	{ "16: mov 0x12(%bp),%cx", 16, BYTES(0x8b, 0x4e, 0x12),
	  .want = { .len = 3, .size = 2, .reg = RCX, .dst_size = 2 } },
	{ "16: mov 0x1234(%bp,%di),%dx", 16, BYTES(0x8b, 0x93, 0x34, 0x12),
	  .want = { .len = 4, .size = 2, .reg = RDX, .dst_size = 2 } },
	{ "16: mov -0x2(%bx,%di),%si", 16, BYTES(0x8b, 0x71, 0xfe),
	  .want = { .len = 3, .size = 2, .reg = RSI, .dst_size = 2 } },
	{ "16: mov %al,0x0(%bp)", 16, BYTES(0x88, 0x46, 0x00),
	  .want = { .len = 3, .size = 1, .is_write = true, .reg = RAX } },
	{ "16: mov %ah,(%bx)", 16, BYTES(0x88, 0x27),
	  .want = { .len = 2, .size = 1, .is_write = true, .reg = RAX, .high8 = true } },
	{ "16: movw $0x1234,0x10(%si)", 16, BYTES(0xc7, 0x44, 0x10, 0x34, 0x12),
	  .want = { .len = 5, .size = 2, .is_write = true, .has_imm = true, .imm = 0x1234 } },
	{ "16: movl $0x12345678,(%di)", 16, BYTES(0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 7, .size = 4, .is_write = true, .has_imm = true,
		    .imm = 0x12345678 } },
	{ "16: mov %eax,(%ebx) (67: 32-bit ModRM)", 16, BYTES(0x67, 0x66, 0x89, 0x03),
	  .want = { .len = 4, .size = 4, .is_write = true, .reg = RAX } },
	{ "16: mov %eax,0x10(%ebx,%ecx,4)", 16, BYTES(0x67, 0x66, 0x89, 0x44, 0x8b, 0x10),
	  .want = { .len = 6, .size = 4, .is_write = true, .reg = RAX } },
	{ "16: movzbw (%bx),%ax", 16, BYTES(0x0f, 0xb6, 0x07),
	  .want = { .len = 3, .size = 1, .reg = RAX, .dst_size = 2 } },
	{ "16: movsbl (%bx),%ecx", 16, BYTES(0x66, 0x0f, 0xbe, 0x0f),
	  .want = { .len = 4, .size = 1, .reg = RCX, .dst_size = 4, .sign_extend = true } },
	{ "16: mov %es:(%di),%al", 16, BYTES(0x26, 0x8a, 0x05),
	  .want = { .len = 3, .size = 1, .reg = RAX, .dst_size = 1 } },
	{ "16: mov 0x1234,%ax", 16, BYTES(0xa1, 0x34, 0x12),
	  .want = { .len = 3, .size = 2, .reg = RAX, .dst_size = 2 } },
	{ "16: mov %ax,0x1234", 16, BYTES(0xa3, 0x34, 0x12),
	  .want = { .len = 3, .size = 2, .is_write = true, .reg = RAX } },
	{ "16: addr32 mov 0x12345678,%al", 16, BYTES(0x67, 0xa0, 0x78, 0x56, 0x34, 0x12),
	  .want = { .len = 6, .size = 1, .reg = RAX, .dst_size = 1 } },

	/* refused: not an MMIO MOV */
	{ "64: rep movsb", 64, BYTES(0xf3, 0xa4), -EOPNOTSUPP },
	{ "64: rep prefix on mov (hand-made)", 64, BYTES(0xf3, 0x89, 0x03), -EOPNOTSUPP },
	{ "64: add %eax,(%rbx)", 64, BYTES(0x01, 0x03), -EOPNOTSUPP },
	{ "64: mov %eax,%ebx (no memory operand)", 64, BYTES(0x89, 0xc3), -EOPNOTSUPP },
	{ "64: movzbl %bl,%eax (no memory operand)", 64, BYTES(0x0f, 0xb6, 0xc3), -EOPNOTSUPP },
	{ "64: movslq (%rbx),%rax", 64, BYTES(0x48, 0x63, 0x03), -EOPNOTSUPP },
	{ "64: vmovdqu (%rbx),%ymm0", 64, BYTES(0xc5, 0xfe, 0x6f, 0x03), -EOPNOTSUPP },
	{ "64: movsd (%rbx),%xmm0", 64, BYTES(0xf2, 0x0f, 0x10, 0x03), -EOPNOTSUPP },
	{ "64: xbegin", 64, BYTES(0xc7, 0xf8, 0xfa, 0xff, 0xff, 0xff), -EOPNOTSUPP },
	{ "64: c7 /1 (hand-made)", 64, BYTES(0xc7, 0x0b, 0x00, 0x00, 0x00, 0x00), -EOPNOTSUPP },
	{ "64: ud2", 64, BYTES(0x0f, 0x0b), -EOPNOTSUPP },
	{ "64: movnti with 66 (hand-made)", 64, BYTES(0x66, 0x0f, 0xc3, 0x03), -EOPNOTSUPP },
	{ "64: movnti with 66 and REX.W (hand-made)", 64, BYTES(0x66, 0x48, 0x0f, 0xc3, 0x03),
	  -EOPNOTSUPP },
	{ "64: 14 prefixes, 16 bytes (hand-made)", 64,
	  BYTES(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
		0x3e, 0x89, 0x03), -EOPNOTSUPP },
	{ "32: 40 is inc, not REX", 32, BYTES(0x40, 0x89, 0x03), -EOPNOTSUPP },
	{ "16: mov (%bx),%es", 16, BYTES(0x8e, 0x07), -EOPNOTSUPP },

	/* truncated or bad arguments */
	{ "64: nothing", 64, .n = 0, .ret = -EINVAL },
	{ "64: prefix only", 64, BYTES(0x66), -EINVAL },
	{ "64: REX only", 64, BYTES(0x48), -EINVAL },
	{ "64: opcode without ModRM", 64, BYTES(0x89), -EINVAL },
	{ "64: ModRM without SIB", 64, BYTES(0x89, 0x44), -EINVAL },
	{ "64: disp32 cut", 64, BYTES(0x89, 0x84, 0x8b, 0x00, 0x10), -EINVAL },
	{ "64: imm32 cut", 64, BYTES(0xc7, 0x03, 0xef, 0xbe), -EINVAL },
	{ "64: moffs64 cut", 64, BYTES(0xa1, 0x88, 0x77, 0x66, 0x55), -EINVAL },
	{ "64: 0f only", 64, BYTES(0x0f), -EINVAL },
	{ "8: no such mode", 8, BYTES(0x89, 0x03), -EINVAL },
};

static void decode_case_desc(const struct decode_case *tc, char *desc)
{
	strscpy(desc, tc->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_case_desc);

/*
 * Each case decodes to exactly the expected result; an accepted instruction
 * also decodes the same with trailing bytes after it, and every strict
 * prefix of it is reported as truncated, which proves the length is right
 * byte for byte.
 */
static void decode_table(struct kunit *test)
{
	const struct decode_case *tc = test->param_value;
	const struct mhv_mmio_insn *w = &tc->want;
	struct mhv_mmio_insn got;
	u8 padded[MHV_INSN_MAX_LEN];
	size_t k;
	int ret;

	ret = mhv_insn_decode_mmio(tc->bytes, tc->n, tc->mode, &got);
	KUNIT_ASSERT_EQ(test, ret, tc->ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, got.len, w->len);
	KUNIT_EXPECT_EQ(test, got.size, w->size);
	KUNIT_EXPECT_EQ(test, got.is_write, w->is_write);
	KUNIT_EXPECT_EQ(test, got.has_imm, w->has_imm);
	KUNIT_EXPECT_EQ(test, got.reg, w->reg);
	KUNIT_EXPECT_EQ(test, got.high8, w->high8);
	KUNIT_EXPECT_EQ(test, got.dst_size, w->dst_size);
	KUNIT_EXPECT_EQ(test, got.sign_extend, w->sign_extend);
	KUNIT_EXPECT_EQ(test, got.imm, w->imm);

	/* int3 filler: whatever follows the instruction must not matter. */
	memset(padded, 0xcc, sizeof(padded));
	memcpy(padded, tc->bytes, min_t(size_t, tc->n, sizeof(padded)));
	ret = mhv_insn_decode_mmio(padded, sizeof(padded), tc->mode, &got);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, got.len, w->len);

	for (k = 0; k < tc->n; k++)
		KUNIT_EXPECT_EQ_MSG(test, mhv_insn_decode_mmio(tc->bytes, k, tc->mode, &got),
				    -EINVAL, "first %zu bytes", k);
}

/* A recognisable value per register: every byte differs within and across registers. */
static void fill_gprs(u64 *gprs)
{
	int i;

	for (i = 0; i < 16; i++)
		gprs[i] = 0xf0e0d0c0b0a09080ULL + i * 0x0101010101010101ULL;
}

struct load_case {
	const char *name;
	int mode;
	size_t n;
	u8 bytes[16];
	u8 reg;
	u64 data;
	u64 want;
};

static const struct load_case load_cases[] = {
	/* 8- and 16-bit destinations merge into the old register value */
	{ "64: mov (%rbx),%al", 64, BYTES(0x8a, 0x03), RAX, 0xab, 0xf0e0d0c0b0a090abULL },
	{ "64: mov (%rbx),%ah", 64, BYTES(0x8a, 0x23), RAX, 0xab, 0xf0e0d0c0b0a0ab80ULL },
	{ "64: mov (%rbx),%dh", 64, BYTES(0x8a, 0x33), RDX, 0xab, 0xf2e2d2c2b2a2ab82ULL },
	{ "64: mov (%rbx),%sil", 64, BYTES(0x40, 0x8a, 0x33), RSI, 0xab, 0xf6e6d6c6b6a696abULL },
	{ "64: mov (%rbx),%cl ignores data above the size", 64, BYTES(0x8a, 0x0b), RCX,
	  0xffffffffffffff12ULL, 0xf1e1d1c1b1a19112ULL },
	{ "64: mov (%rbx),%r10w", 64, BYTES(0x66, 0x44, 0x8b, 0x13), R10, 0xbeef,
	  0xfaeadacabaaabeefULL },
	/* 32-bit destinations zero-extend, 64-bit ones replace */
	{ "64: mov (%rbx),%ecx", 64, BYTES(0x8b, 0x0b), RCX, 0xdeadbeef, 0xdeadbeefULL },
	{ "64: mov (%r8,%r9,8),%r11d", 64, BYTES(0x47, 0x8b, 0x1c, 0xc8), R11,
	  0x1122334455667788ULL, 0x55667788ULL },
	{ "64: mov (%rbx),%rax", 64, BYTES(0x48, 0x8b, 0x03), RAX, 0x1122334455667788ULL,
	  0x1122334455667788ULL },
	{ "64: movabs 0x1122334455667788,%al", 64,
	  BYTES(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), RAX, 0x5a,
	  0xf0e0d0c0b0a0905aULL },
	/* MOVZX */
	{ "64: movzbl (%rbx),%eax", 64, BYTES(0x0f, 0xb6, 0x03), RAX, 0xff, 0xffULL },
	{ "64: movzwl (%rbx),%eax", 64, BYTES(0x0f, 0xb7, 0x03), RAX, 0x8001, 0x8001ULL },
	{ "64: movzbq (%rbx),%r8", 64, BYTES(0x4c, 0x0f, 0xb6, 0x03), R8, 0x80, 0x80ULL },
	{ "64: movzbw (%rbx),%ax merges 16 bits", 64, BYTES(0x66, 0x0f, 0xb6, 0x03), RAX, 0xff,
	  0xf0e0d0c0b0a000ffULL },
	/* MOVSX */
	{ "64: movsbl (%rbx),%eax", 64, BYTES(0x0f, 0xbe, 0x03), RAX, 0x80, 0xffffff80ULL },
	{ "64: movsbl (%rbx),%eax positive", 64, BYTES(0x0f, 0xbe, 0x03), RAX, 0x7f, 0x7fULL },
	{ "64: movsbw (%rbx),%di merges 16 bits", 64, BYTES(0x66, 0x0f, 0xbe, 0x3b), RDI, 0x80,
	  0xf7e7d7c7b7a7ff80ULL },
	{ "64: movswq (%rbx),%rdx", 64, BYTES(0x48, 0x0f, 0xbf, 0x13), RDX, 0x8000,
	  0xffffffffffff8000ULL },
	{ "32: movsbl (%ebx),%eax", 32, BYTES(0x0f, 0xbe, 0x03), RAX, 0xfe, 0xfffffffeULL },
	/* 16-bit mode */
	{ "16: mov (%bx,%si),%al", 16, BYTES(0x8a, 0x00), RAX, 0x12, 0xf0e0d0c0b0a09012ULL },
	{ "16: mov 0x12(%bp),%cx", 16, BYTES(0x8b, 0x4e, 0x12), RCX, 0x1234,
	  0xf1e1d1c1b1a11234ULL },
	{ "16: mov (%bx),%eax", 16, BYTES(0x66, 0x8b, 0x07), RAX, 0x89abcdef, 0x89abcdefULL },
	{ "16: movsbl (%bx),%ecx", 16, BYTES(0x66, 0x0f, 0xbe, 0x0f), RCX, 0x81,
	  0xffffff81ULL },
};

static void load_case_desc(const struct load_case *tc, char *desc)
{
	strscpy(desc, tc->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(load, load_cases, load_case_desc);

/* Decode, complete with data: only the destination changes, exactly as the CPU would. */
static void load_table(struct kunit *test)
{
	const struct load_case *tc = test->param_value;
	struct mhv_mmio_insn insn;
	u64 gprs[16], before[16];
	int i;

	KUNIT_ASSERT_EQ(test, mhv_insn_decode_mmio(tc->bytes, tc->n, tc->mode, &insn), 0);
	KUNIT_ASSERT_FALSE(test, insn.is_write);
	KUNIT_EXPECT_EQ(test, insn.reg, tc->reg);
	fill_gprs(gprs);
	memcpy(before, gprs, sizeof(gprs));
	mhv_insn_mmio_complete_load(&insn, gprs, tc->data);
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ_MSG(test, gprs[i], i == tc->reg ? tc->want : before[i],
				    "register %d", i);
}

struct store_case {
	const char *name;
	int mode;
	size_t n;
	u8 bytes[16];
	u64 want;
};

static const struct store_case store_cases[] = {
	{ "64: mov %eax,(%rbx)", 64, BYTES(0x89, 0x03), 0xb0a09080ULL },
	{ "64: mov %rax,(%rbx)", 64, BYTES(0x48, 0x89, 0x03), 0xf0e0d0c0b0a09080ULL },
	{ "64: mov %ax,(%rbx)", 64, BYTES(0x66, 0x89, 0x03), 0x9080ULL },
	{ "64: mov %al,(%rbx)", 64, BYTES(0x88, 0x03), 0x80ULL },
	{ "64: mov %ah,(%rbx)", 64, BYTES(0x88, 0x23), 0x90ULL },
	{ "64: mov %bh,(%rcx)", 64, BYTES(0x88, 0x39), 0x93ULL },
	{ "64: mov %sil,(%rbx)", 64, BYTES(0x40, 0x88, 0x33), 0x86ULL },
	{ "64: mov %spl,(%rax)", 64, BYTES(0x40, 0x88, 0x20), 0x84ULL },
	{ "64: mov %r9b,(%rax)", 64, BYTES(0x44, 0x88, 0x08), 0x89ULL },
	{ "64: mov %r15,(%r12)", 64, BYTES(0x4d, 0x89, 0x3c, 0x24), 0xffefdfcfbfaf9f8fULL },
	{ "64: movnti %rax,(%r8)", 64, BYTES(0x49, 0x0f, 0xc3, 0x00), 0xf0e0d0c0b0a09080ULL },
	{ "64: movabs %rax,0x1122334455667788", 64,
	  BYTES(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
	  0xf0e0d0c0b0a09080ULL },
	{ "64: movb $0x5a,(%rbx)", 64, BYTES(0xc6, 0x03, 0x5a), 0x5aULL },
	{ "64: movw $0x1234,(%rbx)", 64, BYTES(0x66, 0xc7, 0x03, 0x34, 0x12), 0x1234ULL },
	{ "64: movl $0xdeadbeef,(%rbx)", 64, BYTES(0xc7, 0x03, 0xef, 0xbe, 0xad, 0xde),
	  0xdeadbeefULL },
	{ "64: movq $-2,(%rbx)", 64, BYTES(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff),
	  0xfffffffffffffffeULL },
	{ "32: mov %dh,(%edi)", 32, BYTES(0x88, 0x37), 0x92ULL },
	{ "16: mov %ax,(%bx)", 16, BYTES(0x89, 0x07), 0x9080ULL },
	{ "16: mov %eax,(%bx)", 16, BYTES(0x66, 0x89, 0x07), 0xb0a09080ULL },
	{ "16: movl $0x12345678,(%di)", 16, BYTES(0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12),
	  0x12345678ULL },
};

static void store_case_desc(const struct store_case *tc, char *desc)
{
	strscpy(desc, tc->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(store, store_cases, store_case_desc);

/* Decode, take the store value; completing a store must leave registers alone. */
static void store_table(struct kunit *test)
{
	const struct store_case *tc = test->param_value;
	struct mhv_mmio_insn insn;
	u64 gprs[16], before[16];

	KUNIT_ASSERT_EQ(test, mhv_insn_decode_mmio(tc->bytes, tc->n, tc->mode, &insn), 0);
	KUNIT_ASSERT_TRUE(test, insn.is_write);
	fill_gprs(gprs);
	memcpy(before, gprs, sizeof(gprs));
	KUNIT_EXPECT_EQ(test, mhv_insn_mmio_store_value(&insn, gprs), tc->want);
	mhv_insn_mmio_complete_load(&insn, gprs, ~0ULL);
	KUNIT_EXPECT_EQ(test, memcmp(gprs, before, sizeof(gprs)), 0);
}

/* The mode helper: CS.L counts only in IA-32e mode, then CS.D. */
static void mode_bits_from_cs(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mhv_insn_mode_bits(true, VMX_AR_L_MASK), 64);
	KUNIT_EXPECT_EQ(test, mhv_insn_mode_bits(true, VMX_AR_DB_MASK), 32);
	KUNIT_EXPECT_EQ(test, mhv_insn_mode_bits(true, 0), 16);
	KUNIT_EXPECT_EQ(test, mhv_insn_mode_bits(false, VMX_AR_L_MASK), 16);
	KUNIT_EXPECT_EQ(test, mhv_insn_mode_bits(false, VMX_AR_DB_MASK), 32);
	KUNIT_EXPECT_EQ(test, mhv_insn_mode_bits(false, 0), 16);
}

static struct kunit_case mhv_insn_decode_cases[] = {
	KUNIT_CASE_PARAM(decode_table, decode_gen_params),
	KUNIT_CASE_PARAM(load_table, load_gen_params),
	KUNIT_CASE_PARAM(store_table, store_gen_params),
	KUNIT_CASE(mode_bits_from_cs),
	{}
};

static struct kunit_suite mhv_insn_decode_suite = {
	.name = "mhv_insn_decode",
	.test_cases = mhv_insn_decode_cases,
};

kunit_test_suite(mhv_insn_decode_suite);
