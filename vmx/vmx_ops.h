/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instructions. Every VMCS access goes through a width-checked accessor
 * (the field encoding says its width, SDM Appendix B), and every failing
 * VMX instruction reports through one ratelimited error path.
 */
#ifndef MHV_VMX_OPS_H
#define MHV_VMX_OPS_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <asm/vmx.h>

#include "vmx/fault_inject.h"

#define VMCS_WIDTH(field)	(((field) >> 13) & 3)
#define VMCS_WIDTH_16		0
#define VMCS_WIDTH_64		1
#define VMCS_WIDTH_32		2
#define VMCS_WIDTH_NATURAL	3

void mhv_vmx_insn_failed(const char *insn, unsigned long arg);

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	asm volatile("vmread %1, %0" : "=rm" (value) : "r" (field) : "cc");
	return value;
}

static __always_inline void __vmcs_write(unsigned long field, unsigned long value)
{
	asm goto("vmwrite %1, %0\n\t"
		 "jna %l[failed]"
		 : : "r" (field), "rm" (value) : "cc" : failed);
	return;
failed:
	mhv_vmx_insn_failed("vmwrite", field);
}

/* Inlined, so a constant field's width is checked at build time. */
static __always_inline void vmcs_check(unsigned long field, unsigned int width)
{
	BUILD_BUG_ON_MSG(__builtin_constant_p(field) &&
			 (VMCS_WIDTH(field) != width || (field & 1)),
			 "VMCS field of the wrong width");
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_16);
	return __vmcs_read(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_32);
	return __vmcs_read(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_64);
	return __vmcs_read(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	vmcs_check(field, VMCS_WIDTH_NATURAL);
	return __vmcs_read(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	vmcs_check(field, VMCS_WIDTH_16);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	vmcs_check(field, VMCS_WIDTH_32);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	vmcs_check(field, VMCS_WIDTH_64);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_writel(unsigned long field, unsigned long value)
{
	vmcs_check(field, VMCS_WIDTH_NATURAL);
	__vmcs_write(field, value);
}

/* VMXON, VMCLEAR and VMPTRLD take a physical address in memory. */
static inline int mhv_vmxon(u64 pa)
{
	asm goto("vmxon %0\n\t"
		 "jna %l[failed]"
		 : : "m" (pa) : "cc", "memory" : failed);
	return 0;
failed:
	return -EIO;
}

static inline void mhv_vmxoff(void)
{
	asm volatile("vmxoff" : : : "cc", "memory");
}

static inline void mhv_vmclear(u64 pa)
{
	asm goto("vmclear %0\n\t"
		 "jna %l[failed]"
		 : : "m" (pa) : "cc", "memory" : failed);
	return;
failed:
	mhv_vmx_insn_failed("vmclear", pa);
}

static inline int mhv_vmptrld(u64 pa)
{
	if (mhv_should_fail_vmptrld())
		goto failed;
	asm goto("vmptrld %0\n\t"
		 "jna %l[failed]"
		 : : "m" (pa) : "cc", "memory" : failed);
	return 0;
failed:
	mhv_vmx_insn_failed("vmptrld", pa);
	return -EIO;
}

static inline int mhv_invept(unsigned long type, u64 eptp)
{
	struct { u64 eptp, gpa; } desc = { eptp, 0 };

	if (mhv_should_fail_invept())
		goto failed;
	asm goto("invept %0, %1\n\t"
		 "jna %l[failed]"
		 : : "m" (desc), "r" (type) : "cc", "memory" : failed);
	return 0;
failed:
	mhv_vmx_insn_failed("invept", eptp);
	return -EIO;
}

static inline int mhv_invvpid(unsigned long type, u16 vpid)
{
	struct { u64 vpid, gva; } desc = { vpid, 0 };

	asm goto("invvpid %0, %1\n\t"
		 "jna %l[failed]"
		 : : "m" (desc), "r" (type) : "cc", "memory" : failed);
	return 0;
failed:
	mhv_vmx_insn_failed("invvpid", vpid);
	return -EIO;
}

#endif
