// SPDX-License-Identifier: GPL-2.0
/*
 * VMCALL: MHV_HC_NOP and MHV_HC_VM_INFO are answered in the kernel without
 * an exit; any other number exits to user space with its arguments and
 * returns what user space put in hypercall.ret; at CPL 3 every hypercall
 * fails with -EPERM, without an exit.
 */
#include <errno.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define USER_NR		0x1234ULL
#define USER_NR2	0x10000ULL

static void guest_in_kernel(void)
{
	struct mhv_hc_result r;

	r = mhv_vmcall(MHV_HC_NOP, 0xb1, 0xc1, 0xd1, 0x51, 0xd2);
	GUEST_SYNC_ARGS(r.rax, r.rbx, 0, 0);
	r = mhv_vmcall(MHV_HC_VM_INFO, 0, 0, 0, 0, 0);
	GUEST_SYNC_ARGS(r.rax, r.rbx, 0, 0);
	GUEST_DONE();
}

static void guest_to_user(void)
{
	u64 rax = USER_NR, rbx = 0xb0b0, rcx = 0xc0c0, rdx = 0xd0d0;
	u64 rsi = 0x5151, rdi = 0xd1d1, after;

	asm volatile("lea 1f(%%rip), %[after]\n\t"
		     "vmcall\n"
		     "1:"
		     : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi),
		       "+D"(rdi), [after] "=&r"(after) : : "memory");
	GUEST_SYNC_ARGS(rax, rbx, rcx, after);
	GUEST_SYNC_ARGS(rdx, rsi, rdi, 0);
	/* Numbers far from the kernel's own (0-3 so far). */
	GUEST_SYNC(mhv_vmcall(USER_NR2, 1, 2, 3, 4, 5).rax);
	GUEST_SYNC(mhv_vmcall(1ULL << 40, 0, 0, 0, 0, 0).rax);
	GUEST_DONE();
}

static u64 user_stack[1024];

static void guest_user_mode(void)
{
	u64 user = mhv_vmcall(USER_NR, 1, 2, 3, 4, 5).rax;
	u64 info = mhv_vmcall(MHV_HC_VM_INFO, 0, 0, 0, 0, 0).rax;
	u64 nop = mhv_vmcall(MHV_HC_NOP, 0, 0, 0, 0, 0).rax;

	GUEST_SYNC_ARGS(user, info, nop, 0);
	GUEST_DONE();
}

static void guest_enter_cpl3(void)
{
	mhv_guest_enter_user(guest_user_mode, &user_stack[ARRAY_SIZE(user_stack)]);
}

TEST(nop_and_vm_info_stay_in_the_kernel)
{
	struct mhv_vmx_caps caps;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	mhv_get_vmx_caps(&caps);
	vm = vm_create_with_one_vcpu(&vcpu, guest_in_kernel);

	/* The first exit is the ucall: the VMCALL did not exit. */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]);
	EXPECT_EQ(0xb1, uc.args[1]);	/* RBX untouched */

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(MHV_API_VERSION, uc.args[0]);
	if (caps.features & MHV_FEAT_VPID)
		EXPECT_NE(0, uc.args[1]);
	TH_LOG("VPID %llu", uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(other_numbers_exit_to_user_space)
{
	struct mhv_vcpu *vcpu;
	struct mhv_run *run;
	struct mhv_vm *vm;
	struct ucall uc;
	u64 rip;

	vm = vm_create_with_one_vcpu(&vcpu, guest_to_user);
	run = vcpu->run;

	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_HYPERCALL);
	EXPECT_EQ(USER_NR, run->hypercall.nr);
	EXPECT_EQ(0xb0b0, run->hypercall.args[0]);
	EXPECT_EQ(0xc0c0, run->hypercall.args[1]);
	EXPECT_EQ(0xd0d0, run->hypercall.args[2]);
	EXPECT_EQ(0x5151, run->hypercall.args[3]);
	EXPECT_EQ(0xd1d1, run->hypercall.args[4]);
	rip = vcpu_get_rip(vcpu);
	run->hypercall.ret = 0xcafef00dULL;

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0xcafef00dULL, uc.args[0]);
	EXPECT_EQ(uc.args[3], rip);	/* past the VMCALL at the exit */
	/* Only RAX carries the result. */
	EXPECT_EQ(0xb0b0, uc.args[1]);
	EXPECT_EQ(0xc0c0, uc.args[2]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0xd0d0, uc.args[0]);
	EXPECT_EQ(0x5151, uc.args[1]);
	EXPECT_EQ(0xd1d1, uc.args[2]);

	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_HYPERCALL);
	EXPECT_EQ(USER_NR2, run->hypercall.nr);
	EXPECT_EQ(1, run->hypercall.args[0]);
	EXPECT_EQ(5, run->hypercall.args[4]);
	run->hypercall.ret = (u64)-EINVAL;
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ((u64)-EINVAL, uc.args[0]);

	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_HYPERCALL);
	EXPECT_EQ(1ULL << 40, run->hypercall.nr);
	run->hypercall.ret = 7;
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(7, uc.args[0]);

	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(cpl3_gets_eperm_without_exit)
{
	struct mhv_vcpu *vcpu;
	struct mhv_sregs sregs;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_enter_cpl3);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vcpu_sregs_get(vcpu, &sregs);
	EXPECT_EQ(SEL_USER_CS, sregs.cs.selector);	/* it is at CPL 3 */
	EXPECT_EQ((u64)-EPERM, uc.args[0]);
	EXPECT_EQ((u64)-EPERM, uc.args[1]);
	EXPECT_EQ((u64)-EPERM, uc.args[2]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST_HARNESS_MAIN
