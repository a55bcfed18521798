// SPDX-License-Identifier: GPL-2.0
/*
 * MHV_INJECT: an exception reaches the guest's IDT at the next entry, with
 * its error code; an external interrupt waits while RFLAGS.IF is 0 and is
 * delivered once the guest enables interrupts.
 */
#include "kselftest_harness.h"
#include "mhv_util.h"

#define IRQ_VECTOR	0x40

static u64 seen_vector, seen_error, irqs;

static void record_exception(struct ex_regs *regs)
{
	seen_vector = regs->vector;
	seen_error = regs->error_code;
}

static void count_irq(struct ex_regs *regs)
{
	irqs++;
}

static void guest_exceptions(void)
{
	GUEST_SYNC(0);		/* the host injects #GP(0x1234) */
	GUEST_SYNC_ARGS(seen_vector, seen_error, 0, 0);
	seen_error = 0xdead;
	GUEST_SYNC(1);		/* the host injects #UD */
	GUEST_SYNC_ARGS(seen_vector, seen_error, 0, 0);
	GUEST_DONE();
}

TEST(exceptions_with_and_without_error_code)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_exceptions);
	vm_install_exception_handler(vm, GP_VECTOR, record_exception);
	vm_install_exception_handler(vm, UD_VECTOR, record_exception);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vcpu_inject(vcpu, MHV_EVENT_EXCEPTION, GP_VECTOR, true, 0x1234);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(GP_VECTOR, uc.args[0]);
	EXPECT_EQ(0x1234, uc.args[1]);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vcpu_inject(vcpu, MHV_EVENT_EXCEPTION, UD_VECTOR, false, 0);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(UD_VECTOR, uc.args[0]);
	EXPECT_EQ(0, uc.args[1]);	/* the stub's dummy: none was pushed */
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static void guest_interrupts(void)
{
	u64 flags;

	cli();
	GUEST_SYNC(0);		/* the host injects an interrupt */
	GUEST_SYNC(irqs);	/* IF = 0: not yet */
	sti_nop();
	asm volatile("pushf; pop %0" : "=r"(flags));
	GUEST_SYNC_ARGS(irqs, flags & X86_EFLAGS_IF, 0, 0);
	GUEST_DONE();
}

TEST(interrupt_waits_for_if)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_interrupts);
	vm_install_exception_handler(vm, IRQ_VECTOR, count_irq);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_FALSE(vcpu->run->rflags & X86_EFLAGS_IF);
	vcpu_inject(vcpu, MHV_EVENT_INTERRUPT, IRQ_VECTOR, false, 0);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);	/* delivered right after STI; NOP */
	EXPECT_NE(0, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST_HARNESS_MAIN
