/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime of mhvctl's example guests: freestanding C built three ways
 * (flat real mode, Multiboot 32-bit, 64-bit ELF) from the same sources.
 */
#ifndef MHV_GUEST_H
#define MHV_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define E820_RAM	1
#define E820_PMEM	12
#define MAX_E820	32

/* What the guest works with. */
struct e820_entry {
	u64 addr;
	u64 size;
	u32 type;
};

/* 20 bytes, as the BIOS's INT 15h E820 returns them: all u32, no padding. */
struct e820_raw {
	u32 addr_lo, addr_hi;
	u32 size_lo, size_hi;
	u32 type;
};

/* What mhvctl hands a flat or ELF guest in RSI/ESI (mhvctl.8, BOOT PROTOCOL). */
#define MHV_BOOT_MAGIC	0x4256484dU	/* "MHVB" */

struct mhv_boot_info {
	u32 magic;
	u32 nr_e820;
	u32 cmdline;
	u32 reserved;
	struct e820_raw e820[MAX_E820];
};

/* The boot facts every guest format ends up with. */
struct boot {
	const char *format;	/* "flat", "multiboot", "elf64" */
	struct e820_entry e820[MAX_E820];
	unsigned int nr_e820;
	const char *cmdline;
};

/* Each guest program provides this; it returns the debug-exit value, or -1 to halt. */
int guest_main(const struct boot *boot);

/* Port I/O, counted in io_ops so a guest can report how many exits it caused. */
extern u32 io_ops;
void port_out(u16 port, u8 val);
u8 port_in(u16 port);
/* A 32-bit load or store the compiler must emit as written (MMIO, pmem). */
u32 mem_read32(const void *p);
void mem_write32(void *p, u32 v);

void putc_uart(char c);
void puts_uart(const char *s);
void gprintf(const char *fmt, ...);
int gsnprintf(char *buf, size_t len, const char *fmt, ...);

void print_cpu_mode(void);
void print_e820(const struct boot *boot);
const char *e820_type_name(u32 type);
/* The value of "key=" in the command line, or NULL; word boundaries respected. */
const char *cmdline_value(const char *cmdline, const char *key, char *buf, size_t len);
int cmdline_has(const char *cmdline, const char *word);
u32 parse_u32(const char *s);

void debug_exit(u8 val);
void halt(void);

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int memcmp(const void *a, const void *b, size_t n);

#endif
