// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walks for the hypervisor's own reads of guest memory
 * (instruction bytes at the guest RIP): linear to guest-physical through
 * the tables the guest set up, in whichever paging mode it is in.
 *
 * Only the present bit is honoured. Access rights, A/D bits and reserved
 * bits are the guest CPU's business; mhv reads, it never sets A/D bits.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <asm/byteorder.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "vmx/guest_walk.h"

/* Architectural paging-entry bits, the same in every paging mode. */
#define GPTE_PRESENT	BIT_ULL(0)
#define GPTE_PS		BIT_ULL(7)

/* Physical-address bits of a 64-bit entry: 51:12 (52-bit MAXPHYADDR). */
#define GPTE_ADDR_MASK	GENMASK_ULL(51, 12)

/* The guest's page size, whatever the host's is. */
#define GUEST_PAGE_SIZE	4096u

static int read_pte64(mhv_read_phys_t read_phys, void *ctx, u64 gpa, u64 *pte)
{
	__le64 raw;
	int ret;

	ret = read_phys(ctx, gpa, &raw, sizeof(raw));
	if (ret)
		return ret;
	*pte = le64_to_cpu(raw);
	return 0;
}

static int read_pte32(mhv_read_phys_t read_phys, void *ctx, u64 gpa, u32 *pte)
{
	__le32 raw;
	int ret;

	ret = read_phys(ctx, gpa, &raw, sizeof(raw));
	if (ret)
		return ret;
	*pte = le32_to_cpu(raw);
	return 0;
}

/*
 * The 64-bit-entry levels shared by PAE, 4-level and 5-level paging, from
 * 'level' (5: PML5, 4: PML4, 3: PDPT, 2: PD, 1: PT) down. Each level holds
 * 512 entries indexed by 9 bits of the address; PS ends the walk early at
 * the PDPT (1 GiB page) and PD (2 MiB page) and is reserved above them.
 */
static int walk_levels(u64 table, u64 gva, int level, mhv_read_phys_t read_phys,
		       void *ctx, u64 *gpa)
{
	unsigned int shift;
	u64 pte;
	int ret;

	for (; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		ret = read_pte64(read_phys, ctx, table + ((gva >> shift) & 511) * 8, &pte);
		if (ret)
			return ret;
		if (!(pte & GPTE_PRESENT))
			return -EFAULT;
		if (level == 1 || (pte & GPTE_PS)) {
			/* A PS bit above the PDPT is reserved: a #PF for the guest too. */
			if (level > 3)
				return -EFAULT;
			*gpa = (pte & GPTE_ADDR_MASK & ~GENMASK_ULL(shift - 1, 0)) |
			       (gva & GENMASK_ULL(shift - 1, 0));
			return 0;
		}
		table = pte & GPTE_ADDR_MASK;
	}
	/* Not reached: level 1 always returns above. */
	return -EFAULT;
}

/* 32-bit paging: two levels of 1024 4-byte entries, 4 MiB pages with CR4.PSE. */
static int walk_32bit(const struct mhv_guest_paging *pg, u32 gva,
		      mhv_read_phys_t read_phys, void *ctx, u64 *gpa)
{
	u32 pde, pte;
	int ret;

	ret = read_pte32(read_phys, ctx, (pg->cr3 & GENMASK_ULL(31, 12)) + (gva >> 22) * 4, &pde);
	if (ret)
		return ret;
	if (!(pde & GPTE_PRESENT))
		return -EFAULT;
	/* Without CR4.PSE the PS bit is ignored and the PDE points to a table. */
	if ((pde & GPTE_PS) && (pg->cr4 & X86_CR4_PSE)) {
		/* PSE-36: PDE bits 20:13 are physical-address bits 39:32. */
		*gpa = (pde & GENMASK(31, 22)) | ((u64)((pde >> 13) & 0xff) << 32) |
		       (gva & GENMASK(21, 0));
		return 0;
	}
	ret = read_pte32(read_phys, ctx, (pde & GENMASK(31, 12)) + ((gva >> 12) & 1023) * 4, &pte);
	if (ret)
		return ret;
	if (!(pte & GPTE_PRESENT))
		return -EFAULT;
	*gpa = (pte & GENMASK(31, 12)) | (gva & GENMASK(11, 0));
	return 0;
}

/* PAE paging: four PDPTEs selected by address bits 31:30, then PD and PT. */
static int walk_pae(const struct mhv_guest_paging *pg, u32 gva,
		    mhv_read_phys_t read_phys, void *ctx, u64 *gpa)
{
	unsigned int idx = gva >> 30;
	u64 pdpte;
	int ret;

	if (pg->pdptes_valid) {
		pdpte = pg->pdptes[idx];
	} else {
		/* In PAE mode CR3 holds a 32-byte aligned 32-bit address. */
		ret = read_pte64(read_phys, ctx, (pg->cr3 & GENMASK_ULL(31, 5)) + idx * 8, &pdpte);
		if (ret)
			return ret;
	}
	if (!(pdpte & GPTE_PRESENT))
		return -EFAULT;
	return walk_levels(pdpte & GPTE_ADDR_MASK, gva, 2, read_phys, ctx, gpa);
}

int mhv_guest_walk(const struct mhv_guest_paging *pg, u64 gva,
		   mhv_read_phys_t read_phys, void *ctx, u64 *gpa)
{
	unsigned int va_bits;
	int levels;

	/* Paging off means no IA-32e mode either: linear addresses are 32-bit. */
	if (!(pg->cr0 & X86_CR0_PG)) {
		*gpa = (u32)gva;
		return 0;
	}
	if (!(pg->efer & EFER_LMA)) {
		if (pg->cr4 & X86_CR4_PAE)
			return walk_pae(pg, (u32)gva, read_phys, ctx, gpa);
		return walk_32bit(pg, (u32)gva, read_phys, ctx, gpa);
	}

	levels = (pg->cr4 & X86_CR4_LA57) ? 5 : 4;
	va_bits = 12 + 9 * levels;
	/* The CPU faults on a non-canonical address (#GP) before any walk. */
	if ((u64)sign_extend64(gva, va_bits - 1) != gva)
		return -EINVAL;
	/* CR3 bits 11:0 are flags or the PCID; the table is 4 KiB aligned. */
	return walk_levels(pg->cr3 & GPTE_ADDR_MASK, gva, levels, read_phys, ctx, gpa);
}

int mhv_guest_read_virt(const struct mhv_guest_paging *pg, u64 gva, void *buf,
			size_t len, mhv_read_phys_t read_phys, void *ctx)
{
	u8 *dst = buf;
	size_t chunk;
	u64 gpa;
	int ret;

	while (len) {
		/* Neighbouring linear pages need not be neighbours in guest-physical memory. */
		chunk = min_t(size_t, len, GUEST_PAGE_SIZE - (gva & (GUEST_PAGE_SIZE - 1)));
		ret = mhv_guest_walk(pg, gva, read_phys, ctx, &gpa);
		if (ret)
			return ret;
		ret = read_phys(ctx, gpa, dst, chunk);
		if (ret)
			return ret;
		dst += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}
