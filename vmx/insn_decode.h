/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_INSN_DECODE_H
#define MHV_VMX_INSN_DECODE_H

#include <linux/types.h>
#include <asm/vmx.h>

/* The architectural limit: longer instructions raise #GP. */
#define MHV_INSN_MAX_LEN	15

/*
 * One guest instruction that accessed MMIO, as far as an EPT violation needs
 * it: the exit gives the guest-physical address, this gives the rest.
 */
struct mhv_mmio_insn {
	u8 len;			/* instruction length in bytes */
	u8 size;		/* memory access size: 1, 2, 4 or 8 */
	bool is_write;		/* the guest stores to memory */
	bool has_imm;		/* a store of an immediate (C6/C7) */
	u8 reg;			/* register operand, hardware encoding 0..15 */
	bool high8;		/* reg names AH/CH/DH/BH (bits 15:8 of reg) */
	u8 dst_size;		/* loads: width of the register written, 1, 2, 4 or 8 */
	bool sign_extend;	/* loads: MOVSX */
	u64 imm;		/* has_imm: the value stored, already sized */
};

/*
 * Decode the instruction in bytes[0..n) for an MMIO access. mode_bits is the
 * default operand/address size of the code segment: 16, 32 or 64.
 * Returns 0, -EINVAL when n is too short (or mode_bits is bad), or
 * -EOPNOTSUPP for anything the decoder does not accept.
 */
int mhv_insn_decode_mmio(const u8 *bytes, size_t n, int mode_bits,
			 struct mhv_mmio_insn *insn);

/* The value a store writes (register or immediate), truncated to insn->size. */
u64 mhv_insn_mmio_store_value(const struct mhv_mmio_insn *insn, const u64 *gprs);

/*
 * Complete a load: write data into gprs[insn->reg] as the CPU would. 8- and
 * 16-bit destinations merge into the old value, 32-bit ones zero-extend to
 * 64; MOVZX/MOVSX extend from insn->size first. Does nothing for stores.
 */
void mhv_insn_mmio_complete_load(const struct mhv_mmio_insn *insn, u64 *gprs, u64 data);

/*
 * mode_bits for mhv_insn_decode_mmio() from EFER.LMA and the guest CS
 * access rights (VMX format): CS.L selects 64-bit code only in IA-32e
 * mode, otherwise CS.D picks 32-bit over 16-bit defaults.
 */
static inline int mhv_insn_mode_bits(bool efer_lma, u32 cs_ar)
{
	if (efer_lma && (cs_ar & VMX_AR_L_MASK))
		return 64;
	return (cs_ar & VMX_AR_DB_MASK) ? 32 : 16;
}

#endif /* MHV_VMX_INSN_DECODE_H */
