/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mhv-bench: the same guest code on /dev/mhv and on /dev/kvm, timed by the
 * guest's own TSC (Bochs counts instructions) and by the host's clock.
 */
#ifndef MHV_BENCH_H
#define MHV_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

/* Guest-physical layout, the same on both back ends. */
#define GUEST_LOW_SIZE		0x100000ULL	/* slot 0: code at 0000:1000 */
#define GUEST_CODE_GPA		0x1000ULL
#define GUEST_TOUCH_GPA		0x1000000ULL	/* slot 1: fresh pages to touch */
#define GUEST_BW_GPA		0x4000000ULL	/* slot 2: RAM for bandwidth */
#define GUEST_PMEM_GPA		0x8000000ULL	/* pmem for bandwidth */
#define GUEST_OUT_PORT		0x10

#define SZ_2M			0x200000ULL

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* What a run returned, in terms both back ends share. */
enum bench_exit_kind {
	BENCH_EXIT_HLT,
	BENCH_EXIT_OUT,
	BENCH_EXIT_OTHER,
};

struct bench_exit {
	enum bench_exit_kind kind;
	u32 raw_reason;		/* the back end's own exit reason */
	u16 port;
	u32 data;
};

/* The 32-bit registers the guest routines use. */
struct bench_regs {
	u32 eax, ebx, ecx, edx, esi, edi, ebp, eip;
};

struct bench_vm;

struct bench_backend {
	const char *name;
	const char *dev;
	const char *hc_name;	/* the in-kernel no-op hypercall */
	u32 hc_nop;
	struct bench_vm *(*vm_create)(void);
	/* Guest RAM: host memory the caller owns, 2 MiB aligned where it matters. */
	int (*add_mem)(struct bench_vm *vm, u32 slot, u64 gpa, u64 size, void *hva);
	/* @size bytes of the pmem device @dev at @gpa; 0, or -errno and @why. */
	int (*add_pmem)(struct bench_vm *vm, u32 slot, u64 gpa, u64 size,
			const char *dev, char *why, size_t why_len);
	int (*vcpu_create)(struct bench_vm *vm);
	/* Unreal mode at 0000:@regs->eip, DS/ES flat 4 GiB, and the registers. */
	int (*set_sregs)(struct bench_vm *vm);
	int (*set_regs)(struct bench_vm *vm, const struct bench_regs *regs);
	int (*get_regs)(struct bench_vm *vm, struct bench_regs *regs);
	int (*run)(struct bench_vm *vm, struct bench_exit *exit);
	/* EPT faults taken and 4 KiB pages mapped; -errno when not available. */
	int (*ept_stats)(struct bench_vm *vm, u64 *faults, u64 *pages);
	/* Exits counted by the hypervisor (-errno when not available). */
	int (*exit_count)(struct bench_vm *vm, u64 *exits);
	void (*vm_destroy)(struct bench_vm *vm);
};

extern const struct bench_backend bench_mhv;
extern const struct bench_backend bench_kvm;

/* The guest code (guest.S): one blob, copied to GUEST_CODE_GPA. */
extern const u8 guest_start[], guest_end[];
extern const u8 guest_cpuid[], guest_vmcall[], guest_out[], guest_empty[];
extern const u8 guest_touch[], guest_write[], guest_read[], guest_hlt[];

static inline u32 guest_ip(const u8 *entry)
{
	return GUEST_CODE_GPA + (u32)(entry - guest_start);
}

/* Options shared by the cases. */
struct bench_opts {
	unsigned int reps;	/* measured repetitions, after one warm-up */
	unsigned int exit_iters;
	unsigned int touch_pages;
	unsigned int touch_2m;	/* 2 MiB ranges */
	unsigned int create_reps;
	u64 bw_bytes;
	const char *pmem_dev;	/* mhv: /dev/pmem0 */
	const char *dax_dev;	/* KVM: /dev/dax0.0 */
	bool smoke;		/* TAP sanity checks instead of the table lines */
};

/* Result reporting (main.c). */
void bench_result(const char *name, const char *unit, bool higher_better,
		  double *samples, unsigned int n, const char *label, const char *note);
void bench_na(const char *name, const char *unit, bool higher_better, const char *label,
	      const char *why);
void bench_check(bool ok, const char *fmt, ...);
void bench_note(const char *fmt, ...);

int bench_run_cases(const struct bench_backend *be, const struct bench_opts *o);

u64 bench_now_ns(void);
static inline u64 bench_rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#endif /* MHV_BENCH_H */
