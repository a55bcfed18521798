// SPDX-License-Identifier: GPL-2.0
/*
 * Real-mode guests (unrestricted guest runs them directly): a few code
 * bytes at 0000:1000 doing port I/O, MMIO and HLT, with the exits and RIP
 * values exactly as the instructions leave them.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define CODE_IP		0x1000

FIXTURE(real) {
	struct mhv_vm *vm;
	struct mhv_vcpu *vcpu;
	struct mhv_run *run;
	u8 *mem;
};

FIXTURE_SETUP(real)
{
	self->vm = vm_create(0x10000);
	self->mem = addr_gpa2hva(self->vm, 0);
	self->vcpu = vm_vcpu_add(self->vm, 0);
	self->run = self->vcpu->run;
	vcpu_setup_real_mode(self->vcpu, 0, CODE_IP);
}

FIXTURE_TEARDOWN(real)
{
	vm_free(self->vm);
}

TEST_F(real, out_then_hlt)
{
	/* mov $0x42, %al; out %al, $0x10; hlt */
	static const u8 code[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };

	memcpy(self->mem + CODE_IP, code, sizeof(code));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_OUT, self->run->io.direction);
	EXPECT_EQ(0x10, self->run->io.port);
	EXPECT_EQ(1, self->run->io.size);
	EXPECT_EQ(0x42, self->run->io.data);
	EXPECT_EQ(CODE_IP + 4, vcpu_get_rip(self->vcpu));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_HLT);
	EXPECT_EQ(CODE_IP + 5, vcpu_get_rip(self->vcpu));
}

TEST_F(real, io_sizes_and_in_merge)
{
	static const u8 code[] = {
		0xb0, 0x42,				/* 1000 mov $0x42, %al */
		0xe6, 0x10,				/* 1002 out %al, $0x10 */
		0xb8, 0x34, 0x12,			/* 1004 mov $0x1234, %ax */
		0xe7, 0x11,				/* 1007 out %ax, $0x11 */
		0x66, 0xb8, 0x78, 0x56, 0x34, 0x12,	/* 1009 mov $0x12345678, %eax */
		0x66, 0xe7, 0x12,			/* 100f out %eax, $0x12 */
		0xe4, 0x13,				/* 1012 in $0x13, %al */
		0xf4,					/* 1014 hlt */
	};
	struct mhv_regs regs;

	memcpy(self->mem + CODE_IP, code, sizeof(code));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(1, self->run->io.size);
	EXPECT_EQ(0x42, self->run->io.data);
	EXPECT_EQ(0x1004, vcpu_get_rip(self->vcpu));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_OUT, self->run->io.direction);
	EXPECT_EQ(0x11, self->run->io.port);
	EXPECT_EQ(2, self->run->io.size);
	EXPECT_EQ(0x1234, self->run->io.data);
	EXPECT_EQ(0x1009, vcpu_get_rip(self->vcpu));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(0x12, self->run->io.port);
	EXPECT_EQ(4, self->run->io.size);
	EXPECT_EQ(0x12345678, self->run->io.data);
	EXPECT_EQ(0x1012, vcpu_get_rip(self->vcpu));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_IN, self->run->io.direction);
	EXPECT_EQ(0x13, self->run->io.port);
	EXPECT_EQ(1, self->run->io.size);
	EXPECT_EQ(0x1014, vcpu_get_rip(self->vcpu));
	self->run->io.data = 0xab;

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_HLT);
	vcpu_regs_get(self->vcpu, &regs);
	EXPECT_EQ(0x1015, regs.rip);
	/* An 8-bit IN replaces AL only. */
	EXPECT_EQ(0x123456ab, regs.rax);
}

TEST_F(real, mmio_outside_memory)
{
	static const u8 code[] = {
		0xb8, 0x00, 0x20,	/* 1000 mov $0x2000, %ax */
		0x8e, 0xd8,		/* 1003 mov %ax, %ds: base 0x20000, no memory */
		0xb0, 0x5a,		/* 1005 mov $0x5a, %al */
		0xa2, 0x34, 0x12,	/* 1007 mov %al, 0x1234 */
		0xa1, 0x00, 0x01,	/* 100a mov 0x100, %ax */
		0xf4,			/* 100d hlt */
	};
	struct mhv_regs regs;

	memcpy(self->mem + CODE_IP, code, sizeof(code));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(0x21234, self->run->mmio.phys_addr);
	EXPECT_EQ(1, self->run->mmio.len);
	EXPECT_EQ(1, self->run->mmio.is_write);
	EXPECT_EQ(0x5a, self->run->mmio.data);
	EXPECT_EQ(0x100a, vcpu_get_rip(self->vcpu));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(0x20100, self->run->mmio.phys_addr);
	EXPECT_EQ(2, self->run->mmio.len);
	EXPECT_EQ(0, self->run->mmio.is_write);
	EXPECT_EQ(0x100d, vcpu_get_rip(self->vcpu));
	self->run->mmio.data = 0xbeef;

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_HLT);
	vcpu_regs_get(self->vcpu, &regs);
	EXPECT_EQ(0x100e, regs.rip);
	EXPECT_EQ(0xbeef, regs.rax & 0xffff);
}

TEST_F(real, runs_on_after_hlt)
{
	/* hlt; mov $7, %al; out %al, $0x10 */
	static const u8 code[] = { 0xf4, 0xb0, 0x07, 0xe6, 0x10 };

	memcpy(self->mem + CODE_IP, code, sizeof(code));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_HLT);
	EXPECT_EQ(CODE_IP + 1, vcpu_get_rip(self->vcpu));
	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(7, self->run->io.data);
	EXPECT_EQ(CODE_IP + 5, vcpu_get_rip(self->vcpu));
}

TEST_F(real, string_io_is_an_internal_error)
{
	/* mov $0x100, %si; outsb */
	static const u8 code[] = { 0xbe, 0x00, 0x01, 0x6e, 0xf4 };

	memcpy(self->mem + CODE_IP, code, sizeof(code));

	vcpu_run(self->vcpu);
	EXPECT_EXIT(self->vcpu, MHV_EXIT_INTERNAL_ERROR);
}

TEST_HARNESS_MAIN
