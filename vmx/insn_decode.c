// SPDX-License-Identifier: GPL-2.0
/*
 * A strict decoder for the few instructions guests use to access MMIO.
 *
 * An EPT violation on MMIO gives the guest-physical address but neither the
 * access size nor the data, so the faulting instruction has to be decoded.
 * This is deliberately not an emulator: it accepts the MOV family that
 * drivers use for device registers (readl/writel and friends, compiler
 * generated loads and stores) and refuses everything else, so an odd
 * instruction becomes a visible internal error instead of a silent mistake.
 *
 * The memory operand's address is never computed: the exit already gives the
 * guest-physical address. ModRM, SIB and displacement are decoded only for the
 * instruction length and the register operand.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "vmx/insn_decode.h"

#define REX_W	0x08
#define REX_R	0x04

/* The bytes still to decode; pos never passes MHV_INSN_MAX_LEN. */
struct insn_cursor {
	const u8 *bytes;
	size_t n;
	unsigned int pos;
};

/*
 * Needing a byte past the 15-byte limit means the CPU would have raised #GP,
 * so the guest cannot be at such an instruction: refuse it. Needing one past
 * what the caller fetched means the buffer was truncated.
 */
static int next_byte(struct insn_cursor *c, u8 *b)
{
	if (c->pos >= MHV_INSN_MAX_LEN)
		return -EOPNOTSUPP;
	if (c->pos >= c->n)
		return -EINVAL;
	*b = c->bytes[c->pos++];
	return 0;
}

/* A little-endian field of 1..8 bytes (displacement, immediate, moffs). */
static int next_le(struct insn_cursor *c, unsigned int bytes, u64 *val)
{
	unsigned int i;
	u8 b;
	int ret;

	*val = 0;
	for (i = 0; i < bytes; i++) {
		ret = next_byte(c, &b);
		if (ret)
			return ret;
		*val |= (u64)b << (8 * i);
	}
	return 0;
}

/*
 * Consume ModRM and whatever follows it up to the immediate, and return the
 * ModRM byte. A register operand (mod == 3) is not a memory access, so it
 * cannot have caused an EPT violation: refuse it.
 */
static int skip_modrm(struct insn_cursor *c, unsigned int addr_size, u8 *modrm)
{
	unsigned int mod, rm, disp = 0;
	u64 unused;
	u8 sib;
	int ret;

	ret = next_byte(c, modrm);
	if (ret)
		return ret;
	mod = *modrm >> 6;
	rm = *modrm & 7;
	if (mod == 3)
		return -EOPNOTSUPP;

	if (addr_size == 2) {
		/* 16-bit forms: no SIB; mod 00 rm 110 is a bare disp16. */
		if (mod == 0 && rm == 6)
			disp = 2;
		else if (mod == 1)
			disp = 1;
		else if (mod == 2)
			disp = 2;
	} else {
		/*
		 * 32/64-bit forms. REX.B does not change which forms take a
		 * SIB or disp32: those look at the unextended rm and base.
		 */
		if (rm == 4) {
			ret = next_byte(c, &sib);
			if (ret)
				return ret;
			/* No base register: disp32 alone. */
			if (mod == 0 && (sib & 7) == 5)
				disp = 4;
		}
		/* mod 00 rm 101: disp32, RIP-relative in 64-bit mode. */
		if (mod == 0 && rm == 5)
			disp = 4;
		else if (mod == 1)
			disp = 1;
		else if (mod == 2)
			disp = 4;
	}
	return next_le(c, disp, &unused);
}

/* The ModRM reg field as a register number, with REX.R. */
static u8 modrm_reg(u8 modrm, u8 rex)
{
	return ((modrm >> 3) & 7) | ((rex & REX_R) ? 8 : 0);
}

/*
 * A byte register operand: without any REX prefix, encodings 4..7 are AH,
 * CH, DH, BH, i.e. bits 15:8 of registers 0..3; with one they are SPL, BPL,
 * SIL, DIL.
 */
static void set_byte_reg(struct mhv_mmio_insn *insn, u8 reg, u8 rex)
{
	if (!rex && reg >= 4 && reg <= 7) {
		insn->reg = reg - 4;
		insn->high8 = true;
	} else {
		insn->reg = reg;
	}
}

/* The immediate of C6/C7: as wide as the operand, but at most 32 bits. */
static int decode_imm(struct insn_cursor *c, struct mhv_mmio_insn *insn)
{
	unsigned int imm_bytes = insn->size == 8 ? 4 : insn->size;
	u64 imm;
	int ret;

	ret = next_le(c, imm_bytes, &imm);
	if (ret)
		return ret;
	/* Under REX.W, C7 takes an imm32 and sign-extends it to 64 bits. */
	if (insn->size == 8)
		imm = (u64)sign_extend64(imm, 31);
	insn->imm = imm;
	insn->has_imm = true;
	return 0;
}

/* Two-byte opcodes (0F xx): MOVZX, MOVSX and MOVNTI. */
static int decode_0f(struct insn_cursor *c, struct mhv_mmio_insn *insn,
		     unsigned int op_size, unsigned int addr_size, u8 rex,
		     bool opsize_prefix)
{
	u8 op, modrm;
	int ret;

	ret = next_byte(c, &op);
	if (ret)
		return ret;

	switch (op) {
	case 0xb6:	/* MOVZX r, r/m8 */
	case 0xb7:	/* MOVZX r, r/m16 */
	case 0xbe:	/* MOVSX r, r/m8 */
	case 0xbf:	/* MOVSX r, r/m16 */
		ret = skip_modrm(c, addr_size, &modrm);
		if (ret)
			return ret;
		insn->size = (op & 1) ? 2 : 1;
		insn->dst_size = op_size;
		insn->sign_extend = op & 0x08;
		/* The destination is never a byte register. */
		insn->reg = modrm_reg(modrm, rex);
		return 0;
	case 0xc3:	/* MOVNTI m32/m64, r32/r64 */
		/* No 16-bit form: the SDM lists it as NP, so 66 0F C3 is #UD even with REX.W. */
		if (opsize_prefix)
			return -EOPNOTSUPP;
		ret = skip_modrm(c, addr_size, &modrm);
		if (ret)
			return ret;
		insn->size = op_size;
		insn->is_write = true;
		insn->reg = modrm_reg(modrm, rex);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

int mhv_insn_decode_mmio(const u8 *bytes, size_t n, int mode_bits,
			 struct mhv_mmio_insn *insn)
{
	struct insn_cursor c = { .bytes = bytes, .n = n };
	bool opsize_prefix = false, adsize_prefix = false;
	unsigned int op_size, addr_size;
	u8 op, modrm, rex = 0;
	u64 moffs;
	int ret;

	memset(insn, 0, sizeof(*insn));
	if (mode_bits != 16 && mode_bits != 32 && mode_bits != 64)
		return -EINVAL;

	/* Legacy prefixes in any order, then REX (64-bit mode) right before the opcode. */
	for (;;) {
		ret = next_byte(&c, &op);
		if (ret)
			return ret;
		switch (op) {
		case 0x66:
			opsize_prefix = true;
			break;
		case 0x67:
			adsize_prefix = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
			/* Segment overrides only change the address, which the exit gives. */
			break;
		case 0xf0:
			/*
			 * LOCK: a locked MOV is #UD before any access, so it can
			 * only be seen here if the bytes changed after the exit;
			 * it changes nothing about the access, so ignore it.
			 */
			break;
		case 0xf2:
		case 0xf3:
			/* REP string moves and SSE mandatory prefixes: not for this decoder. */
			return -EOPNOTSUPP;
		case 0x40 ... 0x4f:
			if (mode_bits == 64) {
				rex = op;
				continue;
			}
			/* INC/DEC outside 64-bit mode. */
			return -EOPNOTSUPP;
		default:
			goto opcode;
		}
		/* A REX followed by a legacy prefix is ignored by the CPU. */
		rex = 0;
	}

opcode:
	/* 66 swaps the mode's default operand size between 16 and 32; REX.W wins. */
	if (mode_bits == 16)
		op_size = opsize_prefix ? 4 : 2;
	else
		op_size = opsize_prefix ? 2 : 4;
	if (rex & REX_W)
		op_size = 8;
	/* 67 swaps 16 and 32, or 64 and 32 in 64-bit mode. */
	if (mode_bits == 64)
		addr_size = adsize_prefix ? 4 : 8;
	else if (mode_bits == 32)
		addr_size = adsize_prefix ? 2 : 4;
	else
		addr_size = adsize_prefix ? 4 : 2;

	switch (op) {
	case 0x88:	/* MOV r/m8, r8 */
	case 0x89:	/* MOV r/m, r */
	case 0x8a:	/* MOV r8, r/m8 */
	case 0x8b:	/* MOV r, r/m */
		ret = skip_modrm(&c, addr_size, &modrm);
		if (ret)
			return ret;
		insn->size = (op & 1) ? op_size : 1;
		insn->is_write = !(op & 2);
		if (insn->size == 1)
			set_byte_reg(insn, modrm_reg(modrm, rex), rex);
		else
			insn->reg = modrm_reg(modrm, rex);
		break;
	case 0xc6:	/* MOV r/m8, imm8 */
	case 0xc7:	/* MOV r/m, imm16/32 */
		ret = skip_modrm(&c, addr_size, &modrm);
		if (ret)
			return ret;
		/* Only /0 is MOV; the rest is XABORT/XBEGIN or undefined. */
		if ((modrm >> 3) & 7)
			return -EOPNOTSUPP;
		insn->size = (op & 1) ? op_size : 1;
		insn->is_write = true;
		ret = decode_imm(&c, insn);
		if (ret)
			return ret;
		break;
	case 0xa0:	/* MOV AL, moffs8 */
	case 0xa1:	/* MOV rAX, moffs */
	case 0xa2:	/* MOV moffs8, AL */
	case 0xa3:	/* MOV moffs, rAX */
		/* The offset is as wide as the address size; REX.B does not apply. */
		ret = next_le(&c, addr_size, &moffs);
		if (ret)
			return ret;
		insn->size = (op & 1) ? op_size : 1;
		insn->is_write = op & 2;
		insn->reg = 0;
		break;
	case 0x0f:
		ret = decode_0f(&c, insn, op_size, addr_size, rex, opsize_prefix);
		if (ret)
			return ret;
		break;
	default:
		return -EOPNOTSUPP;
	}

	if (!insn->is_write && !insn->dst_size)
		insn->dst_size = insn->size;
	insn->len = c.pos;
	return 0;
}

/* The low size bytes of a value; any other size keeps all 64 bits. */
static u64 mask_to_size(u64 val, unsigned int size)
{
	if (size == 0 || size >= 8)
		return val;
	return val & (BIT_ULL(size * 8) - 1);
}

u64 mhv_insn_mmio_store_value(const struct mhv_mmio_insn *insn, const u64 *gprs)
{
	u64 val;

	if (insn->has_imm) {
		val = insn->imm;
	} else {
		val = gprs[insn->reg & 15];
		if (insn->high8)
			val >>= 8;
	}
	return mask_to_size(val, insn->size);
}

void mhv_insn_mmio_complete_load(const struct mhv_mmio_insn *insn, u64 *gprs, u64 data)
{
	u64 *dst = &gprs[insn->reg & 15];
	u64 val;

	if (insn->is_write)
		return;

	/* Only size bytes came from memory: whatever user space put above them is ignored. */
	val = mask_to_size(data, insn->size);
	if (insn->sign_extend && insn->size && insn->size < 8)
		val = (u64)sign_extend64(val, insn->size * 8 - 1);

	switch (insn->dst_size) {
	case 1:
		if (insn->high8)
			*dst = (*dst & ~0xff00ULL) | ((val & 0xff) << 8);
		else
			*dst = (*dst & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*dst = (*dst & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		/* A 32-bit destination zero-extends into the whole register. */
		*dst = (u32)val;
		break;
	default:
		*dst = val;
		break;
	}
}
