// SPDX-License-Identifier: GPL-2.0
/*
 * A 64-bit guest running C code of this binary: it computes, reports by
 * ucall, sees the host's globals, halts, and its failed GUEST_ASSERT
 * reaches the host with file, line and expression.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

static u64 shared_input[16];
static u64 guest_counter;

/* Fibonacci numbers and a sum over a global the host filled in. */
static void guest_compute(u64 n, u64 scale)
{
	u64 a = 0, b = 1, sum = 0, t, i;

	for (i = 0; i < n; i++) {
		t = a + b;
		a = b;
		b = t;
	}
	for (i = 0; i < 16; i++)
		sum += shared_input[i] * scale;
	GUEST_SYNC_ARGS(a, sum, n, scale);
	guest_counter = 0x1234;
	GUEST_DONE();
}

TEST(computes_and_reports)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	u64 i, sum = 0;

	for (i = 0; i < 16; i++) {
		shared_input[i] = i * i + 7;
		sum += shared_input[i] * 3;
	}
	/* Set before the VM exists: the image copy carries it. */
	vm = vm_create_with_one_vcpu(&vcpu, guest_compute);
	vcpu_args_set(vcpu, 2, 90ULL, 3ULL);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(2880067194370816120ULL, uc.args[0]);	/* fib(90) */
	EXPECT_EQ(sum, uc.args[1]);
	EXPECT_EQ(90, uc.args[2]);
	EXPECT_EQ(3, uc.args[3]);

	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	sync_global_from_guest(vm, guest_counter);
	EXPECT_EQ(0x1234, guest_counter);
	vm_free(vm);
}

static u64 guest_value;

static void guest_read_global(void)
{
	GUEST_SYNC(guest_value);
	GUEST_SYNC(guest_value);
	GUEST_DONE();
}

TEST(host_writes_reach_guest)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	guest_value = 1;
	vm = vm_create_with_one_vcpu(&vcpu, guest_read_global);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	guest_value = 0xfeedfacecafebeefULL;
	sync_global_to_guest(vm, guest_value);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0xfeedfacecafebeefULL, uc.args[0]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

/* The line of the GUEST_ASSERT_EQ below. */
enum { guest_assert_line = __LINE__ + 4 };

static void guest_assert_fails(u64 x)
{
	GUEST_ASSERT_EQ(x, 42);
	GUEST_DONE();
}

TEST(guest_assert_reaches_host)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_assert_fails);
	vcpu_args_set(vcpu, 1, 41ULL);
	ASSERT_UCALL(vcpu, UCALL_ABORT, &uc);
	TH_LOG("as reported: %s", vcpu->why);
	EXPECT_EQ(guest_assert_line, uc.line);
	EXPECT_STREQ(__FILE__, (const char *)addr_gpa2hva(vm, uc.file));
	EXPECT_STREQ("x == 42", (const char *)addr_gpa2hva(vm, uc.expr));
	EXPECT_EQ(41, uc.args[0]);
	EXPECT_EQ(42, uc.args[1]);
	vm_free(vm);
}

static void guest_hlt(void)
{
	u64 after;

	asm volatile("lea 1f(%%rip), %0\n\t"
		     "hlt\n"
		     "1:" : "=r"(after) : : "memory");
	GUEST_SYNC(after);
	GUEST_DONE();
}

TEST(hlt_exits_past_the_instruction)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	u64 rip;

	vm = vm_create_with_one_vcpu(&vcpu, guest_hlt);
	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_HLT);
	rip = vcpu_get_rip(vcpu);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(uc.args[0], rip);	/* the address after the hlt */
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static void guest_returns(void)
{
}

TEST(returning_guest_function_is_reported)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_returns);
	ASSERT_UCALL(vcpu, UCALL_ABORT, &uc);
	EXPECT_STREQ("guest function returned",
		     (const char *)addr_gpa2hva(vm, uc.expr));
	vm_free(vm);
}

/* The state the library set up is what the guest runs with. */
static void guest_report_state(void)
{
	u64 cr0, cr3, cr4, rsp;
	u16 cs, ss;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %%cs, %0" : "=r"(cs));
	asm volatile("mov %%ss, %0" : "=r"(ss));
	asm volatile("mov %%rsp, %0" : "=r"(rsp));
	GUEST_SYNC_ARGS(cr0, cr3, cr4, ((u64)cs << 16) | ss);
	GUEST_SYNC(rsp);
	GUEST_DONE();
}

TEST(guest_sees_long_mode_state)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_report_state);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG,
		  uc.args[0]);
	EXPECT_EQ(MHV_PML4_GPA, uc.args[1]);
	/* The guest's CR4 is its own: no VMXE showing through. */
	EXPECT_EQ(X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT, uc.args[2]);
	EXPECT_EQ((SEL_KERNEL_CS << 16) | SEL_KERNEL_DS, uc.args[3]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_GT(MHV_DEFAULT_MEM_SIZE, uc.args[0]);
	EXPECT_LT(MHV_DEFAULT_MEM_SIZE - MHV_STACK_SIZE, uc.args[0]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST_HARNESS_MAIN
