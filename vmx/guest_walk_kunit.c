// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: guest page-table walks over fake guest memory.
 *
 * Guest-physical memory is a 64 KiB kernel buffer (16 pages at GPA 0); the
 * tests write page tables into it by hand, in each paging mode, and check
 * where a linear address lands. Leaves may point anywhere: a walk reads
 * only the tables, so large and high physical addresses need no backing.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "vmx/guest_walk.h"

#define FAKE_MEM_SIZE	(16 * 4096)

#define P	BIT_ULL(0)	/* present */
#define RW	BIT_ULL(1)
#define PS	BIT_ULL(7)	/* large page */
#define PAT_L	BIT_ULL(12)	/* PAT bit of a large page: not an address bit */
#define XD	BIT_ULL(63)

struct fake_mem {
	u8 *mem;
	unsigned int reads;
};

/* The read_phys callback: guest-physical memory is the buffer, nothing else. */
static int fake_read(void *ctx, u64 gpa, void *buf, size_t len)
{
	struct fake_mem *fm = ctx;

	fm->reads++;
	if (gpa >= FAKE_MEM_SIZE || len > FAKE_MEM_SIZE - gpa)
		return -ERANGE;
	memcpy(buf, fm->mem + gpa, len);
	return 0;
}

static void set64(struct fake_mem *fm, u64 gpa, u64 val)
{
	memcpy(fm->mem + gpa, &val, sizeof(val));
}

static void set32(struct fake_mem *fm, u64 gpa, u32 val)
{
	memcpy(fm->mem + gpa, &val, sizeof(val));
}

static int walk_init(struct kunit *test)
{
	struct fake_mem *fm;

	fm = kunit_kzalloc(test, sizeof(*fm), GFP_KERNEL);
	if (!fm)
		return -ENOMEM;
	fm->mem = kunit_kzalloc(test, FAKE_MEM_SIZE, GFP_KERNEL);
	if (!fm->mem)
		return -ENOMEM;
	test->priv = fm;
	return 0;
}

static int walk(struct kunit *test, const struct mhv_guest_paging *pg, u64 gva, u64 *gpa)
{
	*gpa = ~0ULL;
	return mhv_guest_walk(pg, gva, fake_read, test->priv, gpa);
}

/* Paging off: linear is physical, and 32 bits wide since IA-32e needs paging. */
static void walk_paging_off(struct kunit *test)
{
	const struct mhv_guest_paging pg = { .cr0 = X86_CR0_PE };
	struct fake_mem *fm = test->priv;
	u64 gpa;

	KUNIT_EXPECT_EQ(test, walk(test, &pg, 0x12345678, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x12345678ULL);
	KUNIT_EXPECT_EQ(test, walk(test, &pg, 0xffffffff00001234ULL, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x1234ULL);
	KUNIT_EXPECT_EQ(test, fm->reads, 0u);
}

static const struct mhv_guest_paging paging32 = {
	.cr0 = X86_CR0_PE | X86_CR0_PG,
	.cr3 = 0x1000 | X86_CR3_PWT,	/* flag bits are not part of the address */
};

/* 32-bit paging, 4 KiB page: PDE index 1, PTE index 3. */
static void walk_32bit_4k(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	set32(fm, 0x1000 + 1 * 4, 0x2000 | P | RW);
	set32(fm, 0x2000 + 3 * 4, 0xfedcb000 | P);
	KUNIT_EXPECT_EQ(test, walk(test, &paging32, 0x00403123, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0xfedcb123ULL);
	/* The top PDE and PTE slots: index 1023 each. */
	set32(fm, 0x1000 + 1023 * 4, 0x3000 | P);
	set32(fm, 0x3000 + 1023 * 4, 0x7000 | P);
	KUNIT_EXPECT_EQ(test, walk(test, &paging32, 0xfffffabc, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x7abcULL);
}

/* 32-bit paging with CR4.PSE: a 4 MiB page, PSE-36 bits above 4 GiB. */
static void walk_32bit_4m(struct kunit *test)
{
	struct mhv_guest_paging pg = paging32;
	struct fake_mem *fm = test->priv;
	u64 gpa;

	pg.cr4 = X86_CR4_PSE;
	/* PDE bits 20:13 are address bits 39:32: bit 13 set means 4 GiB up. */
	set32(fm, 0x1000 + 3 * 4, 0x80400000 | BIT(13) | PAT_L | PS | P);
	KUNIT_EXPECT_EQ(test, walk(test, &pg, 0x00c12345, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x180412345ULL);
}

/* Without CR4.PSE the PS bit is ignored: the PDE still points to a table. */
static void walk_32bit_ps_ignored_without_pse(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	set32(fm, 0x1000 + 3 * 4, 0x2000 | PS | P);
	set32(fm, 0x2000 + 0x12 * 4, 0x9000 | P);
	KUNIT_EXPECT_EQ(test, walk(test, &paging32, 0x00c12345, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x9345ULL);
}

static void walk_32bit_not_present(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	KUNIT_EXPECT_EQ(test, walk(test, &paging32, 0x00403123, &gpa), -EFAULT);
	/* Everything but the present bit does not make an entry present. */
	set32(fm, 0x1000 + 1 * 4, 0x2000 | RW | PS);
	KUNIT_EXPECT_EQ(test, walk(test, &paging32, 0x00403123, &gpa), -EFAULT);
	set32(fm, 0x1000 + 1 * 4, 0x2000 | P);
	set32(fm, 0x2000 + 3 * 4, 0x5000 | RW);
	KUNIT_EXPECT_EQ(test, walk(test, &paging32, 0x00403123, &gpa), -EFAULT);
}

static const struct mhv_guest_paging paging_pae = {
	.cr0 = X86_CR0_PE | X86_CR0_PG,
	.cr4 = X86_CR4_PAE,
	.cr3 = 0x1020,		/* the PDPT is 32-byte aligned */
};

/* PAE: PDPTE 2, PDE 5, PTE 7, with XD set and a leaf above 4 GiB. */
#define PAE_GVA	(0x80000000 | (5 << 21) | (7 << 12) | 0x456)

static void pae_tables(struct fake_mem *fm)
{
	set64(fm, 0x1020 + 2 * 8, 0x2000 | P);
	set64(fm, 0x2000 + 5 * 8, XD | 0x3000 | P | RW);
	set64(fm, 0x3000 + 7 * 8, XD | 0x123456789000ULL | P);
}

static void walk_pae_4k(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	pae_tables(fm);
	KUNIT_EXPECT_EQ(test, walk(test, &paging_pae, PAE_GVA, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x123456789456ULL);
	/* Bits above 31 of the linear address do not exist outside IA-32e mode. */
	KUNIT_EXPECT_EQ(test, walk(test, &paging_pae, 0xabcd00000000ULL | PAE_GVA, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x123456789456ULL);
}

static void walk_pae_2m(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	pae_tables(fm);
	set64(fm, 0x2000 + 5 * 8, 0x40000000 | PAT_L | PS | P);
	KUNIT_EXPECT_EQ(test, walk(test, &paging_pae, PAE_GVA, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x40007456ULL);
}

static void walk_pae_not_present(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	pae_tables(fm);
	KUNIT_EXPECT_EQ(test, walk(test, &paging_pae, 0x00001000, &gpa), -EFAULT);
	set64(fm, 0x3000 + 7 * 8, 0x123456789000ULL);
	KUNIT_EXPECT_EQ(test, walk(test, &paging_pae, PAE_GVA, &gpa), -EFAULT);
	set64(fm, 0x2000 + 5 * 8, 0x3000);
	KUNIT_EXPECT_EQ(test, walk(test, &paging_pae, PAE_GVA, &gpa), -EFAULT);
}

/* PDPTEs the CPU loaded (from the VMCS) win over what memory holds now. */
static void walk_pae_vmcs_pdptes(struct kunit *test)
{
	struct mhv_guest_paging pg = paging_pae;
	struct fake_mem *fm = test->priv;
	u64 gpa;

	pae_tables(fm);
	pg.pdptes_valid = true;
	KUNIT_EXPECT_EQ(test, walk(test, &pg, PAE_GVA, &gpa), -EFAULT);
	pg.pdptes[2] = 0x2000 | P;
	set64(fm, 0x1020 + 2 * 8, 0);
	KUNIT_EXPECT_EQ(test, walk(test, &pg, PAE_GVA, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x123456789456ULL);
}

static const struct mhv_guest_paging paging64 = {
	.cr0 = X86_CR0_PE | X86_CR0_PG,
	.cr4 = X86_CR4_PAE | X86_CR4_PCIDE,
	.cr3 = 0x1000 | 0x123,	/* PCID 0x123 in bits 11:0 */
	.efer = EFER_LME | EFER_LMA,
};

/* 4-level: PML4 256 (kernel half), PDPT 3, PD 4, PT 5. */
#define GVA64	(0xffff800000000000ULL | (3ULL << 30) | (4 << 21) | (5 << 12) | 0x678)

/* Intermediate entries with every high bit set: XD, ignored and reserved-looking bits. */
#define HIGH_BITS	GENMASK_ULL(63, 52)

static void tables64(struct fake_mem *fm)
{
	set64(fm, 0x1000 + 256 * 8, HIGH_BITS | 0x2000 | P | RW);
	set64(fm, 0x2000 + 3 * 8, HIGH_BITS | 0x3000 | P | RW);
	set64(fm, 0x3000 + 4 * 8, HIGH_BITS | 0x4000 | P | RW);
	/* The highest 52-bit page frame. */
	set64(fm, 0x4000 + 5 * 8, HIGH_BITS | GENMASK_ULL(51, 12) | P);
}

static void walk_4level_4k(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	tables64(fm);
	KUNIT_EXPECT_EQ(test, walk(test, &paging64, GVA64, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0xffffffffff678ULL);
	KUNIT_EXPECT_EQ(test, fm->reads, 4u);
}

static void walk_4level_2m(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	tables64(fm);
	set64(fm, 0x3000 + 4 * 8, XD | 0x7fe00000 | PAT_L | PS | P);
	KUNIT_EXPECT_EQ(test, walk(test, &paging64, GVA64, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x7fe05678ULL);
}

static void walk_4level_1g(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	tables64(fm);
	set64(fm, 0x2000 + 3 * 8, 0x3c0000000ULL | PAT_L | PS | P);
	KUNIT_EXPECT_EQ(test, walk(test, &paging64, GVA64, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x3c0805678ULL);
}

/* A missing entry at any level stops the walk. */
static void walk_4level_not_present(struct kunit *test)
{
	static const u64 entry[] = {
		0x1000 + 256 * 8, 0x2000 + 3 * 8, 0x3000 + 4 * 8, 0x4000 + 5 * 8,
	};
	struct fake_mem *fm = test->priv;
	unsigned int i;
	u64 gpa, old;

	tables64(fm);
	for (i = 0; i < ARRAY_SIZE(entry); i++) {
		memcpy(&old, fm->mem + entry[i], sizeof(old));
		set64(fm, entry[i], old & ~P);
		KUNIT_EXPECT_EQ_MSG(test, walk(test, &paging64, GVA64, &gpa), -EFAULT,
				    "level %u", 4 - i);
		set64(fm, entry[i], old);
	}
	KUNIT_EXPECT_EQ(test, walk(test, &paging64, GVA64, &gpa), 0);
}

/* PS in a PML4E is reserved: no 512 GiB pages. */
static void walk_4level_ps_in_pml4e(struct kunit *test)
{
	struct fake_mem *fm = test->priv;
	u64 gpa;

	tables64(fm);
	set64(fm, 0x1000 + 256 * 8, 0x2000 | PS | P);
	KUNIT_EXPECT_EQ(test, walk(test, &paging64, GVA64, &gpa), -EFAULT);
}

/* Bits 63:48 must copy bit 47 with 4 levels, bits 63:57 copy bit 56 with 5. */
static void walk_noncanonical(struct kunit *test)
{
	struct mhv_guest_paging pg = paging64;
	struct fake_mem *fm = test->priv;
	u64 gpa;

	KUNIT_EXPECT_EQ(test, walk(test, &pg, 0x0000800000000000ULL, &gpa), -EINVAL);
	KUNIT_EXPECT_EQ(test, walk(test, &pg, 0x7fff800000000000ULL, &gpa), -EINVAL);
	pg.cr4 |= X86_CR4_LA57;
	KUNIT_EXPECT_EQ(test, walk(test, &pg, 0x0100000000000000ULL, &gpa), -EINVAL);
	KUNIT_EXPECT_EQ(test, fm->reads, 0u);
	/* Canonical with 5 levels, only not mapped. */
	KUNIT_EXPECT_EQ(test, walk(test, &pg, 0x0000800000000000ULL, &gpa), -EFAULT);
}

/* 5-level: a PML5 on top, indexed by bits 56:48. */
static void walk_5level(struct kunit *test)
{
	struct mhv_guest_paging pg = paging64;
	struct fake_mem *fm = test->priv;
	u64 gva = 0xff00000000000000ULL | (0x1aULL << 39) | (2ULL << 30) | 0x345;
	u64 gpa;

	pg.cr4 |= X86_CR4_LA57;
	pg.cr3 = 0x5000;
	set64(fm, 0x5000 + 0x100 * 8, 0x6000 | P);
	set64(fm, 0x6000 + 0x1a * 8, 0x7000 | P);
	set64(fm, 0x7000 + 2 * 8, 0x8000 | P);
	set64(fm, 0x8000 + 0 * 8, 0x9000 | P);
	set64(fm, 0x9000 + 0 * 8, 0xabcde000 | P);
	KUNIT_EXPECT_EQ(test, walk(test, &pg, gva, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0xabcde345ULL);
	KUNIT_EXPECT_EQ(test, fm->reads, 5u);
}

/* A table outside guest memory: the read_phys error comes back as is. */
static void walk_read_error(struct kunit *test)
{
	struct mhv_guest_paging pg = paging64;
	struct fake_mem *fm = test->priv;
	u64 gpa;

	pg.cr3 = 0x100000;
	KUNIT_EXPECT_EQ(test, walk(test, &pg, GVA64, &gpa), -ERANGE);
	tables64(fm);
	set64(fm, 0x3000 + 4 * 8, 0x200000 | P);
	KUNIT_EXPECT_EQ(test, walk(test, &paging64, GVA64, &gpa), -ERANGE);
}

static int read_virt(struct kunit *test, const struct mhv_guest_paging *pg, u64 gva,
		     void *buf, size_t len)
{
	return mhv_guest_read_virt(pg, gva, buf, len, fake_read, test->priv);
}

/*
 * 4-level: two neighbouring linear pages on physical pages in reverse
 * order; a read across the boundary must take each half from its own page.
 */
static void read_virt_crosses_pages(struct kunit *test)
{
	u64 gva = GVA64 & ~0xfffULL;
	struct fake_mem *fm = test->priv;
	u8 buf[16], want[16];
	int i;

	tables64(fm);
	set64(fm, 0x4000 + 5 * 8, 0x9000 | P);
	set64(fm, 0x4000 + 6 * 8, 0x7000 | P);
	for (i = 0; i < 16; i++)
		want[i] = 0xa0 + i;
	memcpy(fm->mem + 0x9ff8, want, 8);
	memcpy(fm->mem + 0x7000, want + 8, 8);
	memset(fm->mem + 0xa000, 0xee, 8);	/* what a physically contiguous read would get */

	KUNIT_EXPECT_EQ(test, read_virt(test, &paging64, gva + 0xff8, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(buf)), 0);
	/* Within one page: one walk, one data read. */
	fm->reads = 0;
	KUNIT_EXPECT_EQ(test, read_virt(test, &paging64, gva + 0xff8, buf, 8), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, 8), 0);
	KUNIT_EXPECT_EQ(test, fm->reads, 5u);
}

/* The second page is not mapped: the read fails although the first half is fine. */
static void read_virt_into_unmapped(struct kunit *test)
{
	u64 gva = GVA64 & ~0xfffULL;
	struct fake_mem *fm = test->priv;
	u8 buf[16];

	tables64(fm);
	set64(fm, 0x4000 + 5 * 8, 0x9000 | P);
	KUNIT_EXPECT_EQ(test, read_virt(test, &paging64, gva + 0xff8, buf, 8), 0);
	KUNIT_EXPECT_EQ(test, read_virt(test, &paging64, gva + 0xff8, buf, 16), -EFAULT);
	/* Nothing to read: no walk at all. */
	fm->reads = 0;
	KUNIT_EXPECT_EQ(test, read_virt(test, &paging64, 0x0000800000000000ULL, buf, 0), 0);
	KUNIT_EXPECT_EQ(test, fm->reads, 0u);
}

/* 32-bit paging across a page boundary, and paging off. */
static void read_virt_32bit_and_flat(struct kunit *test)
{
	const struct mhv_guest_paging flat = { .cr0 = X86_CR0_PE };
	struct fake_mem *fm = test->priv;
	u8 buf[6];

	set32(fm, 0x1000 + 1 * 4, 0x2000 | P);
	set32(fm, 0x2000 + 3 * 4, 0x6000 | P);
	set32(fm, 0x2000 + 4 * 4, 0x5000 | P);
	memcpy(fm->mem + 0x6ffd, "abc", 3);
	memcpy(fm->mem + 0x5000, "def", 3);
	KUNIT_EXPECT_EQ(test, read_virt(test, &paging32, 0x00403ffd, buf, 6), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "abcdef", 6), 0);

	memcpy(fm->mem + 0x5ffd, "ghijkl", 6);
	KUNIT_EXPECT_EQ(test, read_virt(test, &flat, 0x5ffd, buf, 6), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "ghijkl", 6), 0);
}

static struct kunit_case mhv_guest_walk_cases[] = {
	KUNIT_CASE(walk_paging_off),
	KUNIT_CASE(walk_32bit_4k),
	KUNIT_CASE(walk_32bit_4m),
	KUNIT_CASE(walk_32bit_ps_ignored_without_pse),
	KUNIT_CASE(walk_32bit_not_present),
	KUNIT_CASE(walk_pae_4k),
	KUNIT_CASE(walk_pae_2m),
	KUNIT_CASE(walk_pae_not_present),
	KUNIT_CASE(walk_pae_vmcs_pdptes),
	KUNIT_CASE(walk_4level_4k),
	KUNIT_CASE(walk_4level_2m),
	KUNIT_CASE(walk_4level_1g),
	KUNIT_CASE(walk_4level_not_present),
	KUNIT_CASE(walk_4level_ps_in_pml4e),
	KUNIT_CASE(walk_noncanonical),
	KUNIT_CASE(walk_5level),
	KUNIT_CASE(walk_read_error),
	KUNIT_CASE(read_virt_crosses_pages),
	KUNIT_CASE(read_virt_into_unmapped),
	KUNIT_CASE(read_virt_32bit_and_flat),
	{}
};

static struct kunit_suite mhv_guest_walk_suite = {
	.name = "mhv_guest_walk",
	.init = walk_init,
	.test_cases = mhv_guest_walk_cases,
};

kunit_test_suite(mhv_guest_walk_suite);
