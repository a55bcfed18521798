// SPDX-License-Identifier: GPL-2.0
/*
 * The guest loader: a Multiboot 1 kernel, a 64-bit ELF or a flat binary,
 * placed in guest RAM with the CPU state and memory map its format expects.
 * The layout is in vm.h and mhvctl.8 (BOOT PROTOCOL).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

#define MB_HEADER_MAGIC		0x1BADB002U
#define MB_BOOT_MAGIC		0x2BADB002U
#define MB_SEARCH		8192
#define MB_FLAGS_KNOWN		0x00000007	/* page-align modules, mem info, video */
#define MB_FLAG_AOUT_KLUDGE	BIT(16)

#define MBI_MEM			BIT(0)
#define MBI_CMDLINE		BIT(2)
#define MBI_MMAP		BIT(6)
#define MBI_LOADER_NAME		BIT(9)

#define X86_CR0_PE	BIT_ULL(0)
#define X86_CR0_MP	BIT_ULL(1)
#define X86_CR0_ET	BIT_ULL(4)
#define X86_CR0_NE	BIT_ULL(5)
#define X86_CR0_PG	BIT_ULL(31)
#define X86_CR4_PAE	BIT_ULL(5)
#define X86_CR4_OSFXSR	BIT_ULL(9)
#define X86_CR4_OSXMMEXCPT BIT_ULL(10)
#define EFER_LME	BIT_ULL(8)
#define EFER_LMA	BIT_ULL(10)

/* ELF, the parts a loader reads (the System V ABI's layouts). */
#define EI_NIDENT	16
#define EI_CLASS	4
#define EI_DATA		5
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EM_X86_64	62
#define PT_LOAD		1
static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

struct elf32_ehdr {
	u8 ident[EI_NIDENT];
	u16 type, machine;
	u32 version, entry, phoff, shoff, flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_ehdr {
	u8 ident[EI_NIDENT];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define AR_CODE16	0x009b
#define AR_DATA16	0x0093
#define AR_CODE32	0xc09b
#define AR_CODE64	0xa09b
#define AR_DATA32	0xc093
#define AR_TSS_BUSY	0x008b

struct mb_header {
	u32 magic, flags, checksum;
	u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* Multiboot 1 information structure (the part mhvctl fills). */
struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr, syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
};

/* The 64-bit fields sit at offset 4: all u32 here, so no padding creeps in. */
struct mb_mmap_entry {
	u32 size;		/* of the rest: 20 */
	u32 addr_lo, addr_hi;
	u32 len_lo, len_hi;
	u32 type;
};

/* The fixed boot structures all lie in the first MiB, which every VM has (MIN_MEM). */
void *gpa_to_hva(struct vm *vm, u64 gpa, u64 len)
{
	if (gpa > vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm->ram + gpa;
}

void e820_add(struct vm *vm, u64 addr, u64 size, u32 type)
{
	if (vm->nr_e820 < E820_MAX && size)
		vm->e820[vm->nr_e820++] = (struct mem_range){ addr, size, type };
}

static int copy_in(struct vm *vm, const struct image *img, u64 gpa, u64 off,
		   u64 filesz, u64 memsz)
{
	u8 *dst = gpa_to_hva(vm, gpa, memsz);

	if (!dst) {
		fprintf(stderr,
			"mhvctl: %s: needs guest memory up to %#llx, the guest has %llu MiB\n",
			img->path, (gpa + memsz),
			(vm->ram_size >> 20));
		fprintf(stderr, "mhvctl: give it more with --mem\n");
		return -1;
	}
	if (filesz > memsz || off > img->size || filesz > img->size - off) {
		fprintf(stderr, "mhvctl: %s: a segment lies outside the file (truncated image?)\n",
			img->path);
		return -1;
	}
	memcpy(dst, img->data + off, filesz);
	memset(dst + filesz, 0, memsz - filesz);
	return 0;
}

/* PT_LOAD segments at their physical addresses; 32- and 64-bit ELF alike. */
static int load_elf_segments(struct vm *vm, const struct image *img, u64 *entry)
{
	const struct elf64_ehdr *e64 = (const void *)img->data;
	const struct elf32_ehdr *e32 = (const void *)img->data;
	bool is64 = img->data[EI_CLASS] == ELFCLASS64;
	u64 phoff = is64 ? e64->phoff : e32->phoff;
	unsigned int phnum = is64 ? e64->phnum : e32->phnum;
	size_t phsize = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
	unsigned int i, loaded = 0;

	if (img->size < (is64 ? sizeof(*e64) : sizeof(*e32)) ||
	    phoff > img->size || phnum * phsize > img->size - phoff) {
		fprintf(stderr, "mhvctl: %s: broken ELF headers\n", img->path);
		return -1;
	}
	for (i = 0; i < phnum; i++) {
		const u8 *ph = img->data + phoff + i * phsize;
		u64 type, paddr, off, filesz, memsz;

		if (is64) {
			const struct elf64_phdr *p = (const void *)ph;

			type = p->type;
			paddr = p->paddr;
			off = p->offset;
			filesz = p->filesz;
			memsz = p->memsz;
		} else {
			const struct elf32_phdr *p = (const void *)ph;

			type = p->type;
			paddr = p->paddr;
			off = p->offset;
			filesz = p->filesz;
			memsz = p->memsz;
		}
		if (type != PT_LOAD || !memsz)
			continue;
		if (copy_in(vm, img, paddr, off, filesz, memsz))
			return -1;
		loaded++;
	}
	if (!loaded) {
		fprintf(stderr, "mhvctl: %s: no loadable segment\n", img->path);
		return -1;
	}
	*entry = is64 ? e64->entry : e32->entry;
	return 0;
}

static const struct mb_header *find_multiboot(const struct image *img, size_t *off)
{
	size_t o;

	for (o = 0; o + sizeof(struct mb_header) <= img->size && o < MB_SEARCH; o += 4) {
		const struct mb_header *h = (const void *)(img->data + o);

		if (h->magic == MB_HEADER_MAGIC && h->magic + h->flags + h->checksum == 0) {
			*off = o;
			return h;
		}
	}
	return NULL;
}

static void seg(struct mhv_segment *s, u16 sel, u64 base, u32 limit, u32 ar)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->ar = ar;
}

static u64 gdt_entry(u32 base, u32 limit, u16 ar)
{
	/* ar in VMX format: type..P in bits 0-7, AVL/L/DB/G in bits 12-15. */
	return (limit & 0xffffULL) | ((u64)(base & 0xffffff) << 16) |
	       ((u64)(ar & 0xff) << 40) | ((u64)((limit >> 16) & 0xf) << 48) |
	       ((u64)((ar >> 12) & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

/* Multiboot and ELF entries: the selectors mhvctl.8 documents. */
static const struct gdt_layout mhv_gdt = {
	.code32 = SEL_CODE32, .code64 = SEL_CODE64, .data = SEL_DATA,
};

/* Flat 4 GiB code (32- and 64-bit) and data descriptors, so reloading them works. */
static void setup_gdt(struct vm *vm, struct mhv_sregs *s, const struct gdt_layout *l,
		      bool long_mode)
{
	u64 *gdt = (void *)(vm->ram + GDT_GPA);
	u16 last = l->code32 > l->code64 ? l->code32 : l->code64;

	if (l->data > last)
		last = l->data;
	memset(gdt, 0, last + 8);
	gdt[l->code32 >> 3] = gdt_entry(0, 0xfffff, AR_CODE32);
	gdt[l->data >> 3] = gdt_entry(0, 0xfffff, AR_DATA32);
	gdt[l->code64 >> 3] = gdt_entry(0, 0xfffff, AR_CODE64);
	if (long_mode)
		seg(&s->cs, l->code64, 0, 0xffffffff, AR_CODE64);
	else
		seg(&s->cs, l->code32, 0, 0xffffffff, AR_CODE32);
	seg(&s->ds, l->data, 0, 0xffffffff, AR_DATA32);
	s->es = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	s->ss = s->ds;
	seg(&s->tr, 0, 0, 0x67, AR_TSS_BUSY);
	seg(&s->ldt, 0, 0, 0, MHV_AR_UNUSABLE);
	memset(&s->gdt, 0, sizeof(s->gdt));
	s->gdt.base = GDT_GPA;
	s->gdt.limit = last + 7;
	memset(&s->idt, 0, sizeof(s->idt));
	s->cr0 = X86_CR0_PE | X86_CR0_ET;
	s->cr3 = 0;
	s->cr4 = 0;
	s->efer = 0;
}

/* Identity map of the first 4 GiB with 2 MiB pages, for 64-bit entries. */
static void setup_page_tables(struct vm *vm)
{
	u64 *pml4 = (void *)(vm->ram + PML4_GPA);
	u64 *pdpt = (void *)(vm->ram + PDPT_GPA);
	u64 *pd = (void *)(vm->ram + PD_GPA);
	unsigned int i;

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = PDPT_GPA | 0x3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (PD_GPA + i * 4096ULL) | 0x3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((u64)i << 21) | 0x83;
}

void loader_long_mode(struct vm *vm, struct mhv_sregs *s, const struct gdt_layout *l)
{
	setup_gdt(vm, s, l, true);
	setup_page_tables(vm);
	s->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG;
	s->cr3 = PML4_GPA;
	s->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	s->efer = EFER_LME | EFER_LMA;
}

static u32 put_cmdline(struct vm *vm, const char *cmdline)
{
	char *dst = (void *)(vm->ram + CMDLINE_GPA);

	snprintf(dst, CMDLINE_MAX, "%s", cmdline ? cmdline : "");
	return CMDLINE_GPA;
}

/* Flat and ELF images: struct mhv_boot_info at BOOT_INFO_GPA, pointed to by RSI. */
static void put_boot_info(struct vm *vm, const char *cmdline, struct mhv_regs *regs)
{
	struct mhv_boot_info *bi = (void *)(vm->ram + BOOT_INFO_GPA);
	unsigned int i;

	memset(bi, 0, sizeof(*bi));
	bi->magic = MHV_BOOT_MAGIC;
	bi->nr_e820 = vm->nr_e820;
	bi->cmdline = put_cmdline(vm, cmdline);
	for (i = 0; i < vm->nr_e820; i++) {
		bi->e820[i].addr_lo = vm->e820[i].addr;
		bi->e820[i].addr_hi = vm->e820[i].addr >> 32;
		bi->e820[i].size_lo = vm->e820[i].size;
		bi->e820[i].size_hi = vm->e820[i].size >> 32;
		bi->e820[i].type = vm->e820[i].type;
	}
	regs->rsi = BOOT_INFO_GPA;
}

static void put_multiboot_info(struct vm *vm, const char *cmdline, struct mhv_regs *regs)
{
	struct mb_info *mbi = (void *)(vm->ram + BOOT_INFO_GPA);
	struct mb_mmap_entry *mm = (void *)(vm->ram + MB_MMAP_GPA);
	u64 below4g = vm->ram_size < (4ULL << 30) ? vm->ram_size : 4ULL << 30;
	unsigned int i;

	memset(mbi, 0, sizeof(*mbi));
	mbi->flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
	mbi->mem_lower = LOW_RAM_END >> 10;
	mbi->mem_upper = (below4g - HIGH_RAM_START) >> 10;
	mbi->cmdline = put_cmdline(vm, cmdline);
	for (i = 0; i < vm->nr_e820; i++) {
		mm[i].size = sizeof(mm[i]) - sizeof(mm[i].size);
		mm[i].addr_lo = vm->e820[i].addr;
		mm[i].addr_hi = vm->e820[i].addr >> 32;
		mm[i].len_lo = vm->e820[i].size;
		mm[i].len_hi = vm->e820[i].size >> 32;
		mm[i].type = vm->e820[i].type;
	}
	mbi->mmap_addr = MB_MMAP_GPA;
	mbi->mmap_length = vm->nr_e820 * sizeof(*mm);
	strcpy((void *)(vm->ram + LOADER_NAME_GPA), "mhvctl");
	mbi->boot_loader_name = LOADER_NAME_GPA;
	regs->rax = MB_BOOT_MAGIC;
	regs->rbx = BOOT_INFO_GPA;
}

static int load_multiboot(struct vm *vm, const struct image *img, const struct mb_header *h,
			  size_t hoff, const char *cmdline, struct mhv_regs *regs,
			  struct mhv_sregs *sregs)
{
	u64 entry;

	if (h->flags & 0xffff & ~MB_FLAGS_KNOWN) {
		fprintf(stderr,
			"mhvctl: %s: its Multiboot header asks for what mhvctl lacks (flags %#x)\n",
			img->path, h->flags);
		return -1;
	}
	if (h->flags & MB_FLAG_AOUT_KLUDGE) {
		/* The header gives the load addresses; the file starts at header_addr - hoff. */
		u64 off = hoff - (h->header_addr - h->load_addr);
		u64 end = h->load_end_addr ? h->load_end_addr : h->load_addr + img->size - off;
		u64 bss = h->bss_end_addr > end ? h->bss_end_addr : end;

		if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > hoff ||
		    end < h->load_addr) {
			fprintf(stderr,
				"mhvctl: %s: inconsistent Multiboot load addresses\n",
				img->path);
			return -1;
		}
		if (copy_in(vm, img, h->load_addr, off, end - h->load_addr, bss - h->load_addr))
			return -1;
		entry = h->entry_addr;
	} else if (img->size >= EI_NIDENT && !memcmp(img->data, elf_magic, 4)) {
		if (load_elf_segments(vm, img, &entry))
			return -1;
	} else {
		fprintf(stderr,
			"mhvctl: %s: not ELF, and no load addresses in its Multiboot header\n",
			img->path);
		return -1;
	}
	setup_gdt(vm, sregs, &mhv_gdt, false);
	put_multiboot_info(vm, cmdline, regs);
	regs->rip = entry;
	regs->rsp = BOOT_STACK_TOP;
	return 0;
}

static int load_elf64(struct vm *vm, const struct image *img, const char *cmdline,
		      struct mhv_regs *regs, struct mhv_sregs *sregs)
{
	u64 entry;

	if (img->data[EI_DATA] != ELFDATA2LSB ||
	    ((const struct elf64_ehdr *)img->data)->machine != EM_X86_64) {
		fprintf(stderr, "mhvctl: %s: not an x86-64 ELF\n", img->path);
		return -1;
	}
	if (vm->ram_size < PD_GPA + 4 * 4096) {
		fprintf(stderr, "mhvctl: --mem is too small for a 64-bit guest's page tables\n");
		return -1;
	}
	if (load_elf_segments(vm, img, &entry))
		return -1;
	loader_long_mode(vm, sregs, &mhv_gdt);
	put_boot_info(vm, cmdline, regs);
	regs->rip = entry;
	regs->rsp = BOOT_STACK_TOP;
	return 0;
}

/* Real mode at 0:0x7c00, like a boot sector that may be longer than one. */
static int load_flat(struct vm *vm, const struct image *img, const char *cmdline,
		     struct mhv_regs *regs, struct mhv_sregs *sregs)
{
	if (img->size > LOW_RAM_END - FLAT_LOAD_GPA) {
		fprintf(stderr,
			"mhvctl: %s: a flat image must fit below 640 KiB (at most %llu bytes)\n",
			img->path, (LOW_RAM_END - FLAT_LOAD_GPA));
		return -1;
	}
	if (copy_in(vm, img, FLAT_LOAD_GPA, 0, img->size, img->size))
		return -1;
	seg(&sregs->cs, 0, 0, 0xffff, AR_CODE16);
	seg(&sregs->ds, 0, 0, 0xffff, AR_DATA16);
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	sregs->cr0 = X86_CR0_ET;
	put_boot_info(vm, cmdline, regs);
	regs->rip = FLAT_LOAD_GPA;
	regs->rsp = FLAT_LOAD_GPA;
	return 0;
}

static int read_image(struct image *img)
{
	struct stat st;
	int fd = open(img->path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "mhvctl: cannot open %s: %s\n", img->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size) {
		fprintf(stderr, "mhvctl: %s: not a regular, non-empty file\n", img->path);
		close(fd);
		return -1;
	}
	img->size = st.st_size;
	img->data = malloc(img->size);
	n = img->data ? read(fd, img->data, img->size) : -1;
	close(fd);
	if (n != (ssize_t)img->size) {
		fprintf(stderr, "mhvctl: cannot read %s\n", img->path);
		free(img->data);
		img->data = NULL;
		return -1;
	}
	return 0;
}

/* bzImage, then Multiboot (a Multiboot kernel is often an ELF too), then ELF64, then flat. */
static int load_any(struct vm *vm, const struct image *img, const struct image *initrd,
		    const char *cmdline, struct mhv_regs *regs, struct mhv_sregs *sregs)
{
	const struct mb_header *mb;
	size_t hoff;

	if (bzimage_detect(img->data, img->size)) {
		vm->format = "bzimage";
		return load_bzimage(vm, img, initrd, cmdline, regs, sregs);
	}
	if (initrd) {
		fprintf(stderr, "mhvctl: %s: only a Linux bzImage takes --initrd\n", img->path);
		return -1;
	}
	mb = find_multiboot(img, &hoff);
	if (mb) {
		vm->format = "multiboot";
		return load_multiboot(vm, img, mb, hoff, cmdline, regs, sregs);
	}
	if (img->size >= EI_NIDENT && !memcmp(img->data, elf_magic, 4)) {
		vm->format = "elf64";
		if (img->data[EI_CLASS] == ELFCLASS64)
			return load_elf64(vm, img, cmdline, regs, sregs);
		fprintf(stderr, "mhvctl: %s: a 32-bit ELF without a Multiboot header\n",
			img->path);
		fprintf(stderr, "mhvctl: 32-bit kernels boot through Multiboot only\n");
		return -1;
	}
	vm->format = "flat";
	return load_flat(vm, img, cmdline, regs, sregs);
}

int load_image(struct vm *vm, const char *path, const char *cmdline, const char *initrd_path)
{
	struct image img = { .path = path }, initrd = { .path = initrd_path };
	struct mhv_sregs sregs;
	struct mhv_regs regs;
	int ret = -1;

	if (cmdline && strlen(cmdline) >= CMDLINE_MAX) {
		fprintf(stderr, "mhvctl: --cmdline is longer than %d bytes\n", CMDLINE_MAX - 1);
		return -1;
	}
	if (read_image(&img) || (initrd_path && read_image(&initrd)))
		goto out;
	if (ioctl(vm->vcpu[0].fd, MHV_GET_SREGS, &sregs)) {
		fprintf(stderr, "mhvctl: MHV_GET_SREGS: %s\n", strerror(errno));
		goto out;
	}
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	ret = load_any(vm, &img, initrd_path ? &initrd : NULL, cmdline, &regs, &sregs);
	if (!ret && (ioctl(vm->vcpu[0].fd, MHV_SET_SREGS, &sregs) ||
		     ioctl(vm->vcpu[0].fd, MHV_SET_REGS, &regs))) {
		fprintf(stderr, "mhvctl: setting the guest's entry state: %s\n", strerror(errno));
		ret = -1;
	}
out:
	free(img.data);
	free(initrd.data);
	return ret;
}
