// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux boot protocol (the kernel's Documentation/x86/boot.rst), through
 * its 64-bit entry: the protected-mode kernel at its preferred address, the
 * zero page (boot_params) with the setup header, E820 map, command line and
 * initrd, and the CPU in long mode on the loader's identity map with the
 * flat __BOOT_CS (0x10) and __BOOT_DS (0x18) the protocol asks for.
 */
#include <stdio.h>
#include <string.h>

#include "loader.h"
#include "vm.h"

/* Offsets in the image and in boot_params: the setup header is at 0x1f1 in both. */
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define HDR_START		0x1f1
#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP_END		0x201	/* header length - 0x202, as the short jump's offset */
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define BP_E820_TABLE		0x2d0
#define BP_E820_MAX		128

#define BOOT_FLAG_MAGIC		0xaa55
#define HDRS_MAGIC		0x53726448U	/* "HdrS" */
#define MIN_VERSION		0x020c		/* 2.12: xloadflags, the 64-bit entry */
#define LOADER_UNDEFINED	0xff		/* type_of_loader: no assigned ID */
#define LOADED_HIGH		BIT(0)
#define XLF_KERNEL_64		BIT(0)
#define ENTRY_64_OFFSET		0x200		/* startup_64 from the load address */
#define DEFAULT_LOAD_ADDR	0x1000000ULL	/* 16 MiB: pref_address of x86-64 kernels */
#define SETUP_SECTS_DEFAULT	4		/* setup_sects 0 means 4 */

/* __BOOT_CS and __BOOT_DS of the protocol; 0x08 keeps a 32-bit code descriptor. */
static const struct gdt_layout linux_gdt = { .code32 = 0x08, .code64 = 0x10, .data = 0x18 };

static u8 get8(const u8 *p, unsigned int off)
{
	return p[off];
}

static u16 get16(const u8 *p, unsigned int off)
{
	u16 v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static u32 get32(const u8 *p, unsigned int off)
{
	u32 v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static u64 get64(const u8 *p, unsigned int off)
{
	u64 v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void put8(u8 *p, unsigned int off, u8 v)
{
	p[off] = v;
}

static void put32(u8 *p, unsigned int off, u32 v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void put64(u8 *p, unsigned int off, u64 v)
{
	memcpy(p + off, &v, sizeof(v));
}

bool bzimage_detect(const u8 *data, size_t size)
{
	return size > HDR_INIT_SIZE + 4 && get16(data, HDR_BOOT_FLAG) == BOOT_FLAG_MAGIC &&
	       get32(data, HDR_MAGIC) == HDRS_MAGIC;
}

/* Where the protected-mode kernel goes: its preferred address, aligned as it asks. */
static int load_address(const u8 *data, const char *path, u64 *addr)
{
	u64 pref = get64(data, HDR_PREF_ADDRESS);
	u32 align = get32(data, HDR_KERNEL_ALIGNMENT);

	*addr = pref >= HIGH_RAM_START ? pref : DEFAULT_LOAD_ADDR;
	if (get8(data, HDR_RELOCATABLE) && align && !(align & (align - 1)))
		*addr = (*addr + align - 1) & ~((u64)align - 1);
	if (!get8(data, HDR_RELOCATABLE) && pref && pref != *addr) {
		fprintf(stderr, "mhvctl: %s: not relocatable and wants %#llx\n", path, pref);
		return -1;
	}
	return 0;
}

/* The initrd at the top of RAM under initrd_addr_max, page aligned, as boot loaders do. */
static int put_initrd(struct vm *vm, u8 *bp, const struct image *initrd, u64 kernel_end)
{
	u64 max = get32(bp, HDR_INITRD_ADDR_MAX);
	u64 top = vm->ram_size;
	u64 gpa;

	if (!initrd)
		return 0;
	if (max && max + 1 < top)
		top = max + 1;
	if (initrd->size > top || ((top - initrd->size) & ~0xfffULL) < kernel_end) {
		fprintf(stderr,
			"mhvctl: %s (%zu bytes) does not fit in RAM above the kernel: raise --mem\n",
			initrd->path, initrd->size);
		return -1;
	}
	gpa = (top - initrd->size) & ~0xfffULL;
	memcpy(vm->ram + gpa, initrd->data, initrd->size);
	put32(bp, HDR_RAMDISK_IMAGE, (u32)gpa);
	put32(bp, HDR_RAMDISK_SIZE, (u32)initrd->size);
	put32(bp, BP_EXT_RAMDISK_IMAGE, gpa >> 32);
	put32(bp, BP_EXT_RAMDISK_SIZE, (u64)initrd->size >> 32);
	return 0;
}

static void put_e820(struct vm *vm, u8 *bp)
{
	unsigned int i;

	for (i = 0; i < vm->nr_e820 && i < BP_E820_MAX; i++) {
		u8 *e = bp + BP_E820_TABLE + i * 20;

		put64(e, 0, vm->e820[i].addr);
		put64(e, 8, vm->e820[i].size);
		put32(e, 16, vm->e820[i].type);
	}
	put8(bp, BP_E820_ENTRIES, i);
}

int load_bzimage(struct vm *vm, const struct image *img, const struct image *initrd,
		 const char *cmdline, struct mhv_regs *regs, struct mhv_sregs *sregs)
{
	const u8 *d = img->data;
	unsigned int setup_sects = get8(d, HDR_SETUP_SECTS) ?: SETUP_SECTS_DEFAULT;
	size_t kernel_off = (setup_sects + 1) * 512ULL;
	size_t hdr_end = 0x202 + get8(d, HDR_JUMP_END);
	u64 addr, init_size = get32(d, HDR_INIT_SIZE);
	u8 *bp;

	if (get16(d, HDR_VERSION) < MIN_VERSION || !(get16(d, HDR_XLOADFLAGS) & XLF_KERNEL_64)) {
		fprintf(stderr,
			"mhvctl: %s: needs boot protocol 2.12 and a 64-bit entry (has %#x, xloadflags %#x)\n",
			img->path, get16(d, HDR_VERSION), get16(d, HDR_XLOADFLAGS));
		return -1;
	}
	if (kernel_off >= img->size || hdr_end > kernel_off || hdr_end > BZ_BOOT_PARAMS_SIZE) {
		fprintf(stderr, "mhvctl: %s: a truncated or inconsistent setup header\n",
			img->path);
		return -1;
	}
	if (load_address(d, img->path, &addr))
		return -1;
	if (init_size < img->size - kernel_off)
		init_size = img->size - kernel_off;
	if (addr + init_size > vm->ram_size) {
		fprintf(stderr, "mhvctl: %s needs %llu MiB of RAM from %#llx: raise --mem\n",
			img->path, (init_size + (1 << 20) - 1) >> 20, addr);
		return -1;
	}
	memcpy(vm->ram + addr, d + kernel_off, img->size - kernel_off);

	bp = vm->ram + BZ_BOOT_PARAMS_GPA;
	memset(bp, 0, BZ_BOOT_PARAMS_SIZE);
	memcpy(bp + HDR_START, d + HDR_START, hdr_end - HDR_START);
	put8(bp, HDR_TYPE_OF_LOADER, LOADER_UNDEFINED);
	put8(bp, HDR_LOADFLAGS, get8(bp, HDR_LOADFLAGS) | LOADED_HIGH);
	if (cmdline && strlen(cmdline) > get32(d, HDR_CMDLINE_SIZE)) {
		fprintf(stderr, "mhvctl: %s takes a command line of at most %u bytes\n",
			img->path, get32(d, HDR_CMDLINE_SIZE));
		return -1;
	}
	snprintf((char *)vm->ram + CMDLINE_GPA, CMDLINE_MAX, "%s", cmdline ? cmdline : "");
	put32(bp, HDR_CMD_LINE_PTR, CMDLINE_GPA);
	put32(bp, BP_EXT_CMD_LINE_PTR, 0);
	if (put_initrd(vm, bp, initrd, addr + init_size))
		return -1;
	put_e820(vm, bp);

	loader_long_mode(vm, sregs, &linux_gdt);
	regs->rsi = BZ_BOOT_PARAMS_GPA;
	regs->rip = addr + ENTRY_64_OFFSET;
	regs->rsp = BOOT_STACK_TOP;
	return 0;
}
