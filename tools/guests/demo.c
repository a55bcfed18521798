// SPDX-License-Identifier: GPL-2.0
/*
 * The demo guest: shows what it was given, finds its pmem region (the E820
 * type-12 range) and counts its boots there. The count survives the VM,
 * mhvctl and the mhv module: it lives in the host's persistent memory.
 * It leaves through the debug-exit port with the count, so mhvctl's exit
 * status is (count << 1) | 1.
 */
#include "guest.h"

#define COUNTER_MAGIC	0x314f4d4544564d48ULL	/* "HMVDEMO1" */

/* At the start of the region; written with mem_write32 so every store happens. */
struct counter {
	u32 magic_lo, magic_hi;
	u32 boots;
};

int guest_main(const struct boot *boot)
{
	const struct e820_entry *pmem = NULL;
	struct counter *c;
	unsigned int i;
	u32 boots;

	gprintf("\n== mhv demo guest (%s image) ==\n", boot->format);
	print_cpu_mode();
	print_e820(boot);
	for (i = 0; i < boot->nr_e820; i++)
		if (boot->e820[i].type == E820_PMEM && !pmem)
			pmem = &boot->e820[i];
	if (!pmem) {
		gprintf("no pmem region (E820 type 12): run with --pmem /dev/pmemN,size=2M\n");
		return 0x7e;
	}
	if (pmem->addr + sizeof(*c) > 0xffffffffULL && sizeof(long) == 4) {
		gprintf("pmem region above 4 GiB: out of reach of a 32-bit guest\n");
		return 0x7e;
	}
	gprintf("pmem: %u MiB at %llx\n", (u32)(pmem->size >> 20),
		(unsigned long long)pmem->addr);
	c = (struct counter *)(uintptr_t)pmem->addr;
	if (mem_read32(&c->magic_lo) != (u32)COUNTER_MAGIC ||
	    mem_read32(&c->magic_hi) != (u32)(COUNTER_MAGIC >> 32)) {
		gprintf("pmem: fresh region, counter starts at 0\n");
		mem_write32(&c->boots, 0);
		mem_write32(&c->magic_lo, (u32)COUNTER_MAGIC);
		mem_write32(&c->magic_hi, (u32)(COUNTER_MAGIC >> 32));
	}
	boots = mem_read32(&c->boots) + 1;
	mem_write32(&c->boots, boots);
	gprintf("boot #%u\n", boots);
	return boots & 0x7f;
}
