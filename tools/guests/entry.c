// SPDX-License-Identifier: GPL-2.0
/*
 * From each boot protocol to struct boot: the Multiboot information
 * structure (EAX = 0x2BADB002, EBX = it), or mhvctl's boot info (RSI/ESI).
 */
#include "guest.h"

static struct boot boot;

static void finish(void)
{
	int ret = guest_main(&boot);

	if (ret < 0)
		halt();
	debug_exit(ret);
}

#ifdef BOOT_MULTIBOOT
#define MB_BOOT_MAGIC	0x2BADB002U
#define MBI_CMDLINE	0x04
#define MBI_MMAP	0x40

struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr, syms[4];
	u32 mmap_length, mmap_addr;
};

/* The 64-bit fields sit at offset 4: all u32 here, so no padding creeps in. */
struct mb_mmap_entry {
	u32 size;
	u32 addr_lo, addr_hi;
	u32 len_lo, len_hi;
	u32 type;
};

/* Called from start32.S. */
void mb_main(u32 magic, const struct mb_info *mbi)
{
	u32 off;

	boot.format = "multiboot";
	if (magic != MB_BOOT_MAGIC) {
		gprintf("not started by a Multiboot loader (eax %x)\n", magic);
		debug_exit(0x7f);
	}
	gprintf("multiboot: mem_lower %u KiB, mem_upper %u KiB\n", mbi->mem_lower, mbi->mem_upper);
	if (mbi->flags & MBI_CMDLINE)
		boot.cmdline = (const char *)(uintptr_t)mbi->cmdline;
	if (mbi->flags & MBI_MMAP) {
		for (off = 0; off < mbi->mmap_length && boot.nr_e820 < MAX_E820;) {
			uintptr_t at = mbi->mmap_addr + off;
			const struct mb_mmap_entry *m = (const void *)at;

			boot.e820[boot.nr_e820].addr = (u64)m->addr_hi << 32 | m->addr_lo;
			boot.e820[boot.nr_e820].size = (u64)m->len_hi << 32 | m->len_lo;
			boot.e820[boot.nr_e820].type = m->type;
			boot.nr_e820++;
			off += m->size + 4;
		}
	}
	finish();
}
#else
/* Called from start16.S and start64.S. */
void mhv_main(const struct mhv_boot_info *bi)
{
	unsigned int i;

#ifdef BOOT_FLAT
	boot.format = "flat";
#else
	boot.format = "elf64";
#endif
	if (bi->magic != MHV_BOOT_MAGIC) {
		gprintf("no mhv boot info at RSI (magic %x)\n", bi->magic);
		debug_exit(0x7f);
	}
	for (i = 0; i < bi->nr_e820 && i < MAX_E820; i++) {
		boot.e820[i].addr = (u64)bi->e820[i].addr_hi << 32 | bi->e820[i].addr_lo;
		boot.e820[i].size = (u64)bi->e820[i].size_hi << 32 | bi->e820[i].size_lo;
		boot.e820[i].type = bi->e820[i].type;
	}
	boot.nr_e820 = i;
	boot.cmdline = bi->cmdline ? (const char *)(uintptr_t)bi->cmdline : "";
	finish();
}
#endif
