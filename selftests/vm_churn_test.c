// SPDX-License-Identifier: GPL-2.0
/*
 * Create and destroy 1000 VMs, each with a vCPU, running every tenth:
 * nothing may leak (kmemleak runs after the suite) or wear out (VPIDs,
 * pool pages, fds).
 */
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define NR_VMS		1000
#define MEM_SIZE	0x10000

FIXTURE(churn) {
	u8 *mem;
};

FIXTURE_SETUP(churn)
{
	/* mov $0x42, %al; out %al, $0x10; hlt */
	static const u8 code[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };

	self->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	memcpy(self->mem + 0x1000, code, sizeof(code));
}

FIXTURE_TEARDOWN(churn)
{
	munmap(self->mem, MEM_SIZE);
}

TEST_F_TIMEOUT(churn, create_destroy_1000_vms, 600)
{
	/* A small EPT pool: a 64 KiB real-mode guest needs a handful. */
	const struct mhv_vm_config cfg = { .ept_pool_pages = 16 };
	struct timespec t0, t1;
	unsigned int i, ran = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < NR_VMS; i++) {
		struct mhv_vm *vm = vm_create_config(&cfg, 0);
		struct mhv_vcpu *vcpu;

		vm_set_memory_region(vm, 0, 0, 0, MEM_SIZE, self->mem);
		vcpu = vm_vcpu_add(vm, 0);
		if (i % 10 == 0) {
			vcpu_setup_real_mode(vcpu, 0, 0x1000);
			vcpu_run(vcpu);
			ASSERT_EQ(MHV_EXIT_IO, vcpu->run->exit_reason)
				TH_LOG("VM %u: %s", i, vcpu_describe_exit(vcpu));
			ASSERT_EQ(0x42, vcpu->run->io.data) TH_LOG("VM %u", i);
			vcpu_run(vcpu);
			ASSERT_EQ(MHV_EXIT_HLT, vcpu->run->exit_reason)
				TH_LOG("VM %u: %s", i, vcpu_describe_exit(vcpu));
			ran++;
		}
		vm_free(vm);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("%u VMs (%u run) in %ld ms", NR_VMS, ran,
	       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	EXPECT_EQ(NR_VMS / 10, ran);
}

TEST_HARNESS_MAIN
