// SPDX-License-Identifier: GPL-2.0
/*
 * Invalid guest state: VM entry fails with basic exit reason 33 and bit 31
 * set (vm_instruction_error 0), and the host is none the worse: a new VM
 * runs normally right after. States MHV_SET_SREGS can tell are
 * inconsistent are refused before any entry.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define ENTRY_FAIL_GUEST_STATE	(33U | 0x80000000U)

/* A real-mode out + hlt VM: proof that VMs still work. */
static void run_good_vm(struct __test_metadata *_metadata)
{
	static const u8 code[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;

	vm = vm_create(0x10000);
	memcpy(addr_gpa2hva(vm, 0x1000), code, sizeof(code));
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_setup_real_mode(vcpu, 0, 0x1000);
	vcpu_run(vcpu);
	EXPECT_EXIT(vcpu, MHV_EXIT_IO);
	EXPECT_EQ(0x42, vcpu->run->io.data);
	vcpu_run(vcpu);
	EXPECT_EXIT(vcpu, MHV_EXIT_HLT);
	vm_free(vm);
}

FIXTURE(bad) {
	struct mhv_vm *vm;
	struct mhv_vcpu *vcpu;
	struct mhv_sregs sregs;
};

FIXTURE_SETUP(bad)
{
	self->vm = vm_create(0x10000);
	self->vcpu = vm_vcpu_add(self->vm, 0);
	vcpu_setup_real_mode(self->vcpu, 0, 0x1000);
	*(u8 *)addr_gpa2hva(self->vm, 0x1000) = 0xf4;	/* hlt */
	vcpu_sregs_get(self->vcpu, &self->sregs);
}

FIXTURE_TEARDOWN(bad)
{
	vm_free(self->vm);
}

/* A mode the CPU has no name for never reaches VM entry: MHV_SET_SREGS refuses it. */
TEST_F(bad, paging_without_protected_mode_is_refused)
{
	self->sregs.cr0 |= X86_CR0_PG;
	self->sregs.cr0 &= ~X86_CR0_PE;
	EXPECT_EQ(-1, __vcpu_ioctl(self->vcpu, MHV_SET_SREGS, &self->sregs));
	EXPECT_EQ(EINVAL, errno);
	run_good_vm(_metadata);
}

TEST_F(bad, code_segment_of_data_type)
{
	self->sregs.cs.ar = 0x91;	/* read-only data: never a CS */
	vcpu_sregs_set(self->vcpu, &self->sregs);

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_FAIL_ENTRY);
	EXPECT_EQ(ENTRY_FAIL_GUEST_STATE, self->vcpu->run->fail_entry.exit_reason);
	EXPECT_EQ(0, self->vcpu->run->fail_entry.vm_instruction_error);
	run_good_vm(_metadata);
}

TEST_F(bad, failing_again_is_the_same)
{
	self->sregs.cs.ar = 0x91;
	vcpu_sregs_set(self->vcpu, &self->sregs);

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_FAIL_ENTRY);
	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_FAIL_ENTRY);
	EXPECT_EQ(ENTRY_FAIL_GUEST_STATE, self->vcpu->run->fail_entry.exit_reason);
}

TEST_HARNESS_MAIN
