/* SPDX-License-Identifier: GPL-2.0 */
/* One running guest of mhvctl run: its VM, vCPU, memory, devices and counters. */
#ifndef MHVCTL_VM_H
#define MHVCTL_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mhvctl.h"
#include "uapi/mhv.h"

/* Guest-physical layout the loader uses (mhvctl.8, BOOT PROTOCOL). */
#define BOOT_INFO_GPA		0x500ULL	/* struct mhv_boot_info or multiboot info */
#define MB_MMAP_GPA		0x600ULL	/* multiboot memory map */
#define LOADER_NAME_GPA		0x7e0ULL
#define CMDLINE_GPA		0x800ULL
#define CMDLINE_MAX		0x800		/* bytes, with the NUL */
#define GDT_GPA			0x1000ULL
#define PML4_GPA		0x2000ULL
#define PDPT_GPA		0x3000ULL
#define PD_GPA			0x4000ULL	/* four pages: 4 GiB of 2 MiB pages */
#define FLAT_LOAD_GPA		0x7c00ULL
#define BZ_BOOT_PARAMS_GPA	0x8000ULL	/* a Linux bzImage's zero page */
#define BZ_BOOT_PARAMS_SIZE	0x1000
#define LOW_RAM_END		0x9fc00ULL	/* reported RAM below the 640 KiB hole */
#define HIGH_RAM_START		0x100000ULL
#define BOOT_STACK_TOP		0x80000ULL	/* RSP/ESP of ELF and Multiboot entries */
#define PMEM_BASE_ALIGN		BIT_ULL(30)	/* pmem starts at the next GiB above RAM */

#define SEL_CODE32		0x08
#define SEL_DATA		0x10
#define SEL_CODE64		0x18

#define E820_RAM		1
#define E820_RESERVED		2
#define E820_PMEM		12	/* ACPI 6 "persistent memory" (Linux E820_TYPE_PMEM) */
#define E820_MAX		32

/* At BOOT_INFO_GPA for flat and ELF images; RSI/ESI points at it. */
#define MHV_BOOT_MAGIC		0x4256484dU	/* "MHVB" */

/* A range of the guest's memory map, as mhvctl keeps it. */
struct mem_range {
	u64 addr;
	u64 size;
	u32 type;
};

/* 20 bytes, as the BIOS's INT 15h E820 returns them (no padding: all u32). */
struct e820_entry {
	u32 addr_lo, addr_hi;
	u32 size_lo, size_hi;
	u32 type;
};

struct mhv_boot_info {
	u32 magic;
	u32 nr_e820;
	u32 cmdline;	/* guest-physical, NUL-terminated; 0: none */
	u32 reserved;
	struct e820_entry e820[E820_MAX];
};

#define MAX_PMEM		8
#define MAX_IO_DEVICES		16

struct pmem_opt {
	const char *dev;
	char name[MHV_PMEM_NAME_LEN];
	u64 size;		/* 0: the region must exist */
	u32 flags;		/* MHV_PMEM_SHARED, MHV_PMEM_READONLY */
	u64 gpa;		/* where it was attached */
	u64 attached_size;
};

struct vm;

/* A device claims ports [base, base + len); the VM loop dispatches by this table. */
struct io_device {
	const char *name;
	u16 base, len;
	u32 (*in)(struct vm *vm, struct io_device *dev, u16 port, u8 size);
	void (*out)(struct vm *vm, struct io_device *dev, u16 port, u8 size,
		    u32 val);
	void *priv;
};

/* A device claims guest-physical [base, base + len) outside RAM and pmem. */
struct mmio_device {
	const char *name;
	u64 base, len;
	u64 (*read)(struct vm *vm, struct mmio_device *dev, u64 off, u8 len);
	void (*write)(struct vm *vm, struct mmio_device *dev, u64 off, u8 len, u64 val);
	void *priv;
};

#define MAX_MMIO_DEVICES	4

#define MAX_VCPUS		64

struct vcpu {
	struct vm *vm;
	unsigned int id;	/* also its APIC ID */
	int fd;
	struct mhv_run *run;
	pthread_t thread;
	bool started;
};

struct vm {
	int dev_fd, fd;
	size_t run_size;
	struct vcpu vcpu[MAX_VCPUS];
	unsigned int nr_vcpus;
	/* Held while an exit is handled: the devices and the stop fields below. */
	pthread_mutex_t lock;
	u8 *ram;
	u64 ram_size;

	const char *format;	/* what the loader found: flat, elf64, multiboot */
	struct mem_range e820[E820_MAX];
	unsigned int nr_e820;
	struct pmem_opt *pmem;
	unsigned int nr_pmem;

	struct io_device *io[MAX_IO_DEVICES];
	unsigned int nr_io;
	struct mmio_device *mmio[MAX_MMIO_DEVICES];
	unsigned int nr_mmio;
	FILE *console;		/* guest UART output: stdout, or stderr with --json */
	int console_in;		/* guest UART input, -1: none */
	bool trace;

	/* Counted here, to set beside the kernel's own counters. */
	u64 *port_exits;	/* [65536] */
	u64 io_exits, mmio_exits, console_bytes;

	/* Set by vm_stop() to end the run. */
	atomic_bool stop;
	unsigned int stopped_by;	/* the vCPU that ended it */
	int status;
	const char *result;	/* short word for --json: halt, debug-exit, shutdown... */
	char message[256];
};

/* iobus.c */
int iobus_register(struct vm *vm, struct io_device *dev);
void iobus_io(struct vm *vm, struct mhv_run *run);
int mmio_register(struct vm *vm, struct mmio_device *dev);
void iobus_mmio(struct vm *vm, struct mhv_run *run);

/* Devices, one file each. */
int uart_init(struct vm *vm);
int debug_exit_init(struct vm *vm);
int reset_init(struct vm *vm);
int rtc_init(struct vm *vm);

/* loader.c */
int load_image(struct vm *vm, const char *path, const char *cmdline, const char *initrd);
void e820_add(struct vm *vm, u64 addr, u64 size, u32 type);
void *gpa_to_hva(struct vm *vm, u64 gpa, u64 len);

/* pmem.c */
int pmem_parse_opt(const char *arg, struct pmem_opt *opt);
int pmem_attach(struct vm *vm, struct pmem_opt *opt, const char *default_name, u64 gpa);
int pmem_check_device(const char *dev, int fd);
int pmem_validate(const struct pmem_opt *opt);

/* vcpu.c */
void vm_run(struct vm *vm, unsigned int timeout);
void vm_stop(struct vm *vm, int status, const char *result, const char *fmt, ...);

#endif
