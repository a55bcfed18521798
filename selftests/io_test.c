// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O from a 64-bit guest: OUT gives the value of its size in
 * io.data, IN takes io.data into AL/AX/EAX (8/16 bits merge, 32 bits
 * zero-extend RAX), and RIP is already past the instruction at the exit.
 */
#include "kselftest_harness.h"
#include "mhv_util.h"

/* The address after the I/O instruction, for the RIP at the exit. */
#define AFTER(insn)	"lea 1f(%%rip), %[after]\n\t" insn "\n1:"

static void guest_io(void)
{
	u64 a, o8, o16, o32, after;

	/* Only the low bytes of RAX are the value. */
	asm volatile(AFTER("outb %%al, $0x71")
		     : [after] "=&r"(o8) : "a"(0xdeadbeefcafe0011ULL));
	asm volatile(AFTER("outw %%ax, %%dx")
		     : [after] "=&r"(o16) : "a"(0xdeadbeefcafe2233ULL), "d"(0x1234));
	asm volatile(AFTER("outl %%eax, %%dx")
		     : [after] "=&r"(o32) : "a"(0xdeadbeef44556677ULL), "d"(0xfff0));
	GUEST_SYNC_ARGS(o8, o16, o32, 0);

	a = 0x1111111111111111ULL;
	asm volatile(AFTER("inb $0x72, %%al") : "+a"(a), [after] "=&r"(after));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	a = 0x1111111111111111ULL;
	asm volatile(AFTER("inw %%dx, %%ax") : "+a"(a), [after] "=&r"(after) : "d"(0x2345));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	a = 0x1111111111111111ULL;
	asm volatile(AFTER("inl %%dx, %%eax") : "+a"(a), [after] "=&r"(after) : "d"(0xfff1));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	GUEST_DONE();
}

FIXTURE(io) {
	struct mhv_vm *vm;
	struct mhv_vcpu *vcpu;
	struct mhv_run *run;
};

FIXTURE_SETUP(io)
{
	self->vm = vm_create_with_one_vcpu(&self->vcpu, guest_io);
	self->run = self->vcpu->run;
}

FIXTURE_TEARDOWN(io)
{
	vm_free(self->vm);
}

TEST_F(io, out_and_in_of_every_size)
{
	u64 rip[3];
	struct ucall uc;

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_OUT, self->run->io.direction);
	EXPECT_EQ(0x71, self->run->io.port);
	EXPECT_EQ(1, self->run->io.size);
	EXPECT_EQ(0x11, self->run->io.data);
	rip[0] = vcpu_get_rip(self->vcpu);

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_OUT, self->run->io.direction);
	EXPECT_EQ(0x1234, self->run->io.port);
	EXPECT_EQ(2, self->run->io.size);
	EXPECT_EQ(0x2233, self->run->io.data);
	rip[1] = vcpu_get_rip(self->vcpu);

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_OUT, self->run->io.direction);
	EXPECT_EQ(0xfff0, self->run->io.port);
	EXPECT_EQ(4, self->run->io.size);
	EXPECT_EQ(0x44556677, self->run->io.data);
	rip[2] = vcpu_get_rip(self->vcpu);

	/* RIP was past each OUT at its exit. */
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(uc.args[0], rip[0]);
	EXPECT_EQ(uc.args[1], rip[1]);
	EXPECT_EQ(uc.args[2], rip[2]);

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_IN, self->run->io.direction);
	EXPECT_EQ(0x72, self->run->io.port);
	EXPECT_EQ(1, self->run->io.size);
	rip[0] = vcpu_get_rip(self->vcpu);
	self->run->io.data = 0xab;
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x11111111111111abULL, uc.args[0]);
	EXPECT_EQ(uc.args[1], rip[0]);

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_IN, self->run->io.direction);
	EXPECT_EQ(0x2345, self->run->io.port);
	EXPECT_EQ(2, self->run->io.size);
	rip[0] = vcpu_get_rip(self->vcpu);
	self->run->io.data = 0xcdef;
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x111111111111cdefULL, uc.args[0]);
	EXPECT_EQ(uc.args[1], rip[0]);

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_IN, self->run->io.direction);
	EXPECT_EQ(0xfff1, self->run->io.port);
	EXPECT_EQ(4, self->run->io.size);
	rip[0] = vcpu_get_rip(self->vcpu);
	self->run->io.data = 0x89abcdef;
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x89abcdefULL, uc.args[0]);
	EXPECT_EQ(uc.args[1], rip[0]);

	ASSERT_UCALL(self->vcpu, UCALL_DONE, &uc);
}

static void guest_outsb(void)
{
	static const u8 buf[4] = { 1, 2, 3, 4 };

	asm volatile("rep outsb" : : "S"(buf), "c"(4), "d"(0x80) : "memory");
	GUEST_DONE();
}

TEST(string_io_is_an_internal_error)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_outsb);
	vcpu_run(vcpu);
	EXPECT_EXIT(vcpu, MHV_EXIT_INTERNAL_ERROR);
	vm_free(vm);
}

TEST_HARNESS_MAIN
