/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mhv selftest library: VMs, vCPUs and guest memory on /dev/mhv, and
 * guests that are C functions of the test binary itself.
 *
 * A test reads like a story:
 *
 *	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
 *	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
 *	...
 *	vm_free(vm);
 *
 * The test binaries are static and not PIE, so a guest function sits at
 * the same address in the host and in the guest: the library copies the
 * binary's PT_LOAD segments to GPA == vaddr and identity-maps the first
 * 4 GiB with 2 MiB pages.
 *
 * Library functions die (print, abort) on anything that is not the point
 * of a test; the __-prefixed variants return the raw ioctl result instead.
 */
#ifndef MHV_SELFTEST_UTIL_H
#define MHV_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "uapi/mhv.h"
#include "processor.h"
#include "ucall.h"

#define MHV_DEV_PATH		"/dev/mhv"
#define MHV_MAX_VCPUS		64
#define MHV_MAX_SLOTS		32

/* Guest-physical layout of a long-mode VM (slot 0 at GPA 0). */
#define MHV_DEFAULT_MEM_SIZE	(32ULL << 20)
#define MHV_PML4_GPA		0x100000ULL
#define MHV_PDPT_GPA		0x101000ULL
#define MHV_PD_GPA		0x102000ULL	/* four of them: 4 GiB */
#define MHV_GDT_GPA		0x106000ULL
#define MHV_IDT_GPA		0x107000ULL
#define MHV_TSS_GPA		0x108000ULL
#define MHV_RSP0_TOP		0x110000ULL	/* CPL3 -> CPL0 exceptions */
#define MHV_IMAGE_MIN_GPA	0x200000ULL	/* the binary must start above */
#define MHV_STACK_SIZE		0x10000ULL	/* per vCPU, at the top of slot 0 */
#define MHV_IDENTITY_MAP_SIZE	(4ULL << 30)

#define die(fmt, ...)	__mhv_die(__FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define TEST_REQUIRE(cond, fmt, ...) do {				\
	if (!(cond))							\
		die("%s: " fmt, #cond, ##__VA_ARGS__);			\
} while (0)

noreturn void __mhv_die(const char *file, int line, const char *fmt, ...);

struct mhv_slot_info {
	bool used;
	u32 flags;
	u64 gpa, size;
	void *hva;
	bool owned;		/* mmap'd by the library: unmapped by vm_free */
};

struct mhv_vm {
	int dev_fd;
	int fd;
	size_t run_size;	/* MHV_GET_VCPU_MMAP_SIZE */
	struct mhv_slot_info slots[MHV_MAX_SLOTS];
	bool long_mode;		/* tables, GDT, IDT and image are in slot 0 */
	struct mhv_vcpu *vcpus[MHV_MAX_VCPUS];
};

struct mhv_vcpu {
	struct mhv_vm *vm;
	int fd;
	u32 id;
	struct mhv_run *run;
	char why[2048];		/* the last ucall or exit, for failure messages */
};

/* Nanoseconds of CLOCK_MONOTONIC since @t. */
s64 ns_since(const struct timespec *t);

/* Kernel files (sysfs, debugfs): 0 or -errno. A read gets the first line, no newline. */
int sysfs_write(const char *path, const char *val);
int sysfs_read(const char *path, char *buf, size_t len);

/* /dev/mhv */
int mhv_open_dev(void);
int mhv_vcpu_mmap_size(int dev_fd);
void mhv_get_vmx_caps(struct mhv_vmx_caps *caps);

/* VMs */
int __vm_create(int dev_fd, const struct mhv_vm_config *cfg);
struct mhv_vm *vm_create_config(const struct mhv_vm_config *cfg, u64 mem_size);
struct mhv_vm *vm_create(u64 mem_size);	/* slot 0 at GPA 0, no vCPU */
struct mhv_vm *vm_create_with_one_vcpu(struct mhv_vcpu **vcpu, void *guest_code);
void vm_free(struct mhv_vm *vm);

int __vm_set_memory_region(struct mhv_vm *vm, u32 slot, u32 flags, u64 gpa,
			   u64 size, void *hva);
void vm_set_memory_region(struct mhv_vm *vm, u32 slot, u32 flags, u64 gpa,
			  u64 size, void *hva);
/* An anonymous mapping of @size, registered as @slot; returns it. */
void *vm_mem_region_add(struct mhv_vm *vm, u32 slot, u32 flags, u64 gpa, u64 size);

void *addr_gpa2hva(struct mhv_vm *vm, u64 gpa);
/* Guest virtual == guest physical below 4 GiB. */
static inline void *addr_gva2hva(struct mhv_vm *vm, const void *gva)
{
	return addr_gpa2hva(vm, (u64)(unsigned long)gva);
}

/* Copy a global of this binary to or from its twin in guest memory. */
void __sync_global(struct mhv_vm *vm, void *g, size_t size, bool to_guest);
#define sync_global_to_guest(vm, g)	__sync_global(vm, &(g), sizeof(g), true)
#define sync_global_from_guest(vm, g)	__sync_global(vm, &(g), sizeof(g), false)

/* Long mode: page tables, GDT, IDT, TSS and the test binary in slot 0. */
void vm_setup_long_mode(struct mhv_vm *vm);
void vm_install_exception_handler(struct mhv_vm *vm, int vector,
				  mhv_exception_handler handler);

/* vCPUs */
int __vm_vcpu_add(struct mhv_vm *vm, u32 id);
struct mhv_vcpu *vm_vcpu_add(struct mhv_vm *vm, u32 id);	/* reset state */
/* CPL0 64-bit mode at @guest_code, its own stack, RDI = 0. */
void vcpu_setup_long_mode(struct mhv_vcpu *vcpu, void *guest_code);
/* Real mode, CS = DS = ES = SS = @seg, at IP @ip. */
void vcpu_setup_real_mode(struct mhv_vcpu *vcpu, u16 seg, u16 ip);
/* Up to six arguments of the guest function: RDI, RSI, RDX, RCX, R8, R9. */
void vcpu_args_set(struct mhv_vcpu *vcpu, unsigned int n, ...);
void vcpu_free(struct mhv_vcpu *vcpu);

int __vcpu_ioctl(struct mhv_vcpu *vcpu, unsigned long cmd, void *arg);
int __vcpu_run(struct mhv_vcpu *vcpu);
void vcpu_run(struct mhv_vcpu *vcpu);	/* dies unless MHV_RUN returns 0 */

void vcpu_regs_get(struct mhv_vcpu *vcpu, struct mhv_regs *regs);
void vcpu_regs_set(struct mhv_vcpu *vcpu, const struct mhv_regs *regs);
void vcpu_sregs_get(struct mhv_vcpu *vcpu, struct mhv_sregs *sregs);
void vcpu_sregs_set(struct mhv_vcpu *vcpu, const struct mhv_sregs *sregs);
u64 vcpu_get_rip(struct mhv_vcpu *vcpu);

/* One MSR through MHV_GET_MSRS / MHV_SET_MSRS; return the ioctl result. */
int __vcpu_get_msr(struct mhv_vcpu *vcpu, u32 index, u64 *data);
int __vcpu_set_msr(struct mhv_vcpu *vcpu, u32 index, u64 data);
u64 vcpu_get_msr(struct mhv_vcpu *vcpu, u32 index);
void vcpu_set_msr(struct mhv_vcpu *vcpu, u32 index, u64 data);
/* n entries, copied in and (for get) out; returns the ioctl result. */
int __vcpu_msrs(struct mhv_vcpu *vcpu, unsigned long cmd,
		struct mhv_msr_entry *entries, u32 n);

int __vcpu_set_cpuid(struct mhv_vcpu *vcpu, const struct mhv_cpuid_entry *e, u32 n);
void vcpu_set_cpuid(struct mhv_vcpu *vcpu, const struct mhv_cpuid_entry *e, u32 n);

void vcpu_inject(struct mhv_vcpu *vcpu, u8 type, u8 vector, bool has_error,
		 u32 error_code);

/* ucalls */
/* The ucall behind the last exit (copied to @uc), or UCALL_NONE. */
u64 get_ucall(struct mhv_vcpu *vcpu, struct ucall *uc);
/* Run once and return get_ucall(); vcpu->why says what happened. */
u64 vcpu_run_ucall(struct mhv_vcpu *vcpu, struct ucall *uc);

/* Describe exits and state, for failure messages. */
const char *exit_reason_str(u32 reason);
const char *vcpu_describe_exit(struct mhv_vcpu *vcpu);
void vcpu_dump(FILE *f, struct mhv_vcpu *vcpu);

/* Harness glue: run to a ucall of the given kind, or fail saying why. */
#define ASSERT_UCALL(vcpu, cmd, uc) do {				\
	struct mhv_vcpu *__v = (vcpu);					\
									\
	ASSERT_EQ((u64)(cmd), vcpu_run_ucall(__v, uc))			\
		TH_LOG("%s", __v->why);					\
} while (0)

/* The last exit was @reason, or fail saying what it was. */
#define ASSERT_EXIT(vcpu, reason) do {					\
	struct mhv_vcpu *__v = (vcpu);					\
									\
	ASSERT_EQ((u32)(reason), __v->run->exit_reason)			\
		TH_LOG("%s", vcpu_describe_exit(__v));			\
} while (0)

#define EXPECT_EXIT(vcpu, reason) do {					\
	struct mhv_vcpu *__v = (vcpu);					\
									\
	EXPECT_EQ((u32)(reason), __v->run->exit_reason)			\
		TH_LOG("%s", vcpu_describe_exit(__v));			\
} while (0)

#endif /* MHV_SELFTEST_UTIL_H */
