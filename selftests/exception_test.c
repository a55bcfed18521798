// SPDX-License-Identifier: GPL-2.0
/*
 * Guest exceptions go through the guest's own IDT (a handler the test
 * installs, or the library's report), and a guest that cannot deliver
 * one triple-faults: MHV_EXIT_SHUTDOWN.
 */
#include "kselftest_harness.h"
#include "mhv_util.h"

static u64 seen_vector, seen_rip;

static void ud_handler(struct ex_regs *regs)
{
	seen_vector = regs->vector;
	seen_rip = regs->rip;
	regs->rip += 2;		/* past the ud2 */
}

static void guest_ud2(void)
{
	u64 insn;

	asm volatile("lea 1f(%%rip), %0\n"
		     "1:\tud2" : "=r"(insn) : : "memory");
	GUEST_SYNC_ARGS(seen_vector, seen_rip, insn, 0);
	GUEST_DONE();
}

TEST(installed_handler_catches_ud)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_ud2);
	vm_install_exception_handler(vm, UD_VECTOR, ud_handler);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(UD_VECTOR, uc.args[0]);
	EXPECT_EQ(uc.args[2], uc.args[1]);	/* the RIP of the ud2 */
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static void guest_int3(void)
{
	asm volatile("int3" : : : "memory");
	GUEST_DONE();
}

TEST(unhandled_exception_is_reported)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_int3);
	ASSERT_UCALL(vcpu, UCALL_UNHANDLED, &uc);
	EXPECT_EQ(3, uc.args[0]);
	vm_free(vm);
}

TEST(no_idt_triple_faults)
{
	struct mhv_sregs sregs;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_ud2);
	vcpu_sregs_get(vcpu, &sregs);
	sregs.idt.limit = 0;
	vcpu_sregs_set(vcpu, &sregs);

	vcpu_run(vcpu);
	EXPECT_EXIT(vcpu, MHV_EXIT_SHUTDOWN);
	vm_free(vm);
}

TEST_HARNESS_MAIN
