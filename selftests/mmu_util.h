/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the mmu_*_test selftests: stats, aligned memory, VMs. */
#ifndef MHV_SELFTEST_MMU_UTIL_H
#define MHV_SELFTEST_MMU_UTIL_H

#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "mhv_util.h"

#define SZ4K		0x1000ULL
#define SZ2M		0x200000ULL
#define SZ1G		0x40000000ULL

/*
 * Guest: one 8-byte access through a register, never dropped or merged by
 * the compiler, in a form mhv's MMIO decoder knows (the address may exit).
 */
static inline u64 gread(u64 gpa)
{
	u64 v;

	asm volatile("movq (%1), %0" : "=r"(v) : "r"(gpa) : "memory");
	return v;
}

static inline void gwrite(u64 gpa, u64 v)
{
	asm volatile("movq %1, (%0)" : : "r"(gpa), "r"(v) : "memory");
}

static inline void vm_stats(struct mhv_vm *vm, struct mhv_vm_stats *st)
{
	if (ioctl(vm->fd, MHV_GET_VM_STATS, st))
		die("MHV_GET_VM_STATS");
}

/*
 * @size bytes of fresh memory. @huge: 2 MiB aligned, THP asked for (the test
 * kernel has THP "always" and no madvise() at all). Otherwise
 * 4 KiB past a 2 MiB boundary: no guest 2M frame can be one host huge page,
 * so the mmu maps it at 4K.
 */
static inline void *mmap_aligned(u64 size, bool huge)
{
	char *p = mmap(NULL, size + SZ2M, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		die("mmap %#llx", size);
	a = (char *)(((uintptr_t)p + SZ2M - 1) & ~(uintptr_t)(SZ2M - 1));
	if (!huge)
		return a + SZ4K;
	/* Best effort: without madvise() the THP default applies. */
	(void)madvise(a, size, MADV_HUGEPAGE);
	return a;
}

/* VMs with a debugfs directory (mhv/<tgid>-<n>/): each VM has one while it lives. */
static inline int count_vm_dirs(void)
{
	DIR *d = opendir("/sys/kernel/debug/mhv");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

/*
 * THP on for this test: a kernel with under 512 MiB of RAM (the emulated
 * machine) boots with it "never". Returns whether it was off, for thp_restore().
 */
static inline bool thp_force_on(void)
{
	char buf[64];
	bool off = !sysfs_read(THP_ENABLED, buf, sizeof(buf)) && strstr(buf, "[never]");

	if (off)
		sysfs_write(THP_ENABLED, "always");
	return off;
}

static inline void thp_restore(bool was_off)
{
	if (was_off)
		sysfs_write(THP_ENABLED, "never");
}

/* A region of fresh memory at @gpa as @slot. */
static inline void *vm_region(struct mhv_vm *vm, u32 slot, u32 flags, u64 gpa,
			      u64 size, bool huge)
{
	void *hva = mmap_aligned(size, huge);

	vm_set_memory_region(vm, slot, flags, gpa, size, hva);
	return hva;
}

/* A long-mode VM with one vCPU at @guest; slot 0 mapped up front if @prefault. */
static inline struct mhv_vm *vm_create_mmu(u64 max_pages, u64 pool_pages, bool prefault,
					   struct mhv_vcpu **vcpu, void *guest)
{
	struct mhv_vm_config cfg = { .max_pages = max_pages, .ept_pool_pages = pool_pages };
	struct mhv_vm *vm = vm_create_config(&cfg, MHV_DEFAULT_MEM_SIZE);

	vm_setup_long_mode(vm);
	if (prefault) {
		/* Only the flag changes: done in place, then every page is mapped. */
		vm_set_memory_region(vm, 0, MHV_MEM_PREFAULT, 0, vm->slots[0].size,
				     vm->slots[0].hva);
		vm->slots[0].owned = true;
	}
	*vcpu = vm_vcpu_add(vm, 0);
	vcpu_setup_long_mode(*vcpu, guest);
	return vm;
}

#endif
