// SPDX-License-Identifier: GPL-2.0
/*
 * Create and destroy 1000 VMs, each with a vCPU and everything the mmu
 * holds: a code slot, a prefaulted and logged region, a prefaulted one, a
 * dirty-log fetch and a resized EPT pool. Every tenth runs a real-mode
 * guest; every hundredth is instead a long-mode guest that balloons. Nothing
 * may leak (kmemleak runs after the suite; the debugfs directories are
 * counted) or wear out (VPIDs, pool pages, fds).
 */
#include <errno.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mmu_util.h"

#define NR_VMS		1000
#define RUN_EVERY	10
#define BALLOON_EVERY	100
#define CODE_SIZE	0x10000
#define REGION_GPA	SZ1G
#define REGION_SIZE	(16 * SZ4K)

static void guest_balloon_once(void)
{
	GUEST_ASSERT_EQ(mhv_vmcall(MHV_HC_DECREASE_RESERVATION, REGION_GPA, 4, 0, 0, 0).rax, 4);
	GUEST_ASSERT_EQ(mhv_vmcall(MHV_HC_POPULATE_PHYSMAP, REGION_GPA, 2, 0, 0, 0).rax, 2);
	gwrite(REGION_GPA + SZ4K, 1);
	GUEST_DONE();
}

/* The hundredth VM: a long-mode guest gives pages back and takes some again. */
static void balloon_vm(struct __test_metadata *_metadata, char *mem)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_mmu(0, 0, false, &vcpu, guest_balloon_once);
	vm_set_memory_region(vm, 1, MHV_MEM_LOG_DIRTY, REGION_GPA, REGION_SIZE, mem);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

/* mov $0x42, %al; out %al, $0x10; hlt */
static void run_real_mode(struct __test_metadata *_metadata, struct mhv_vcpu *vcpu,
			  unsigned int i)
{
	vcpu_setup_real_mode(vcpu, 0, 0x1000);
	vcpu_run(vcpu);
	ASSERT_EQ(MHV_EXIT_IO, vcpu->run->exit_reason)
		TH_LOG("VM %u: %s", i, vcpu_describe_exit(vcpu));
	ASSERT_EQ(0x42, vcpu->run->io.data) TH_LOG("VM %u", i);
	vcpu_run(vcpu);
	ASSERT_EQ(MHV_EXIT_HLT, vcpu->run->exit_reason)
		TH_LOG("VM %u: %s", i, vcpu_describe_exit(vcpu));
}

FIXTURE(churn) {
	u8 *code;
	char *mem;
};

FIXTURE_SETUP(churn)
{
	static const u8 insns[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };

	self->code = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->code);
	memcpy(self->code + 0x1000, insns, sizeof(insns));
	self->mem = mmap_aligned(2 * REGION_SIZE, false);
}

FIXTURE_TEARDOWN(churn)
{
	munmap(self->code, CODE_SIZE);
}

/* 1000 VMs take minutes in the emulator: well past the harness's 30 s default. */
TEST_F_TIMEOUT(churn, create_destroy_1000_vms, 1200)
{
	/* Small pools and a cap: a 64 KiB real-mode guest needs a handful of pages. */
	const struct mhv_vm_config cfg = { .max_pages = 64, .ept_pool_pages = 16 };
	struct mhv_ept_pool pool = { .pages = 24 };
	int before = count_vm_dirs();
	unsigned int i, ran = 0;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < NR_VMS; i++) {
		struct mhv_memory_region r = {
			.slot = 1, .flags = MHV_MEM_PREFAULT | MHV_MEM_LOG_DIRTY,
			.guest_phys_addr = REGION_GPA, .size = REGION_SIZE,
			.userspace_addr = (u64)(unsigned long)self->mem,
		};
		u64 bitmap[1];
		struct mhv_dirty_log log = { .slot = 1, .bitmap = (u64)(unsigned long)bitmap };
		struct mhv_vm_stats st;
		struct mhv_vcpu *vcpu;
		struct mhv_vm *vm;

		if (i % BALLOON_EVERY == BALLOON_EVERY - 1) {
			balloon_vm(_metadata, self->mem);
			continue;
		}
		vm = vm_create_config(&cfg, 0);
		vm_set_memory_region(vm, 0, 0, 0, CODE_SIZE, self->code);
		ASSERT_EQ(0, ioctl(vm->fd, MHV_SET_MEMORY_REGION, &r));
		r.slot = 2;
		r.flags = MHV_MEM_PREFAULT;
		r.guest_phys_addr = 2 * REGION_GPA;
		r.userspace_addr += REGION_SIZE;
		ASSERT_EQ(0, ioctl(vm->fd, MHV_SET_MEMORY_REGION, &r));
		ASSERT_EQ(0, ioctl(vm->fd, MHV_GET_DIRTY_LOG, &log));
		ASSERT_EQ(0, ioctl(vm->fd, MHV_SET_EPT_POOL, &pool));
		vm_stats(vm, &st);
		ASSERT_EQ(32, st.pages_pinned);
		vcpu = vm_vcpu_add(vm, 0);
		if (i % RUN_EVERY == 0) {
			run_real_mode(_metadata, vcpu, i);
			ran++;
		}
		/* Every other VM loses a region first; the rest keep theirs to the end. */
		if (i & 1) {
			r.size = 0;
			ASSERT_EQ(0, ioctl(vm->fd, MHV_SET_MEMORY_REGION, &r));
		}
		vm_free(vm);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("%u VMs (%u run) in %ld ms", NR_VMS, ran,
	       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	EXPECT_EQ(NR_VMS / RUN_EVERY, ran);
	EXPECT_EQ(before, count_vm_dirs());
}

TEST_HARNESS_MAIN
