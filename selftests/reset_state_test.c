// SPDX-License-Identifier: GPL-2.0
/*
 * A new vCPU is in the x86 reset state, and runs from the reset vector
 * (0xffff0000 + 0xfff0) in real mode without any register setup.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

FIXTURE(reset) {
	struct mhv_vm *vm;
	struct mhv_vcpu *vcpu;
	struct mhv_regs regs;
	struct mhv_sregs sregs;
};

FIXTURE_SETUP(reset)
{
	self->vm = vm_create(0);
	self->vcpu = vm_vcpu_add(self->vm, 0);
	vcpu_regs_get(self->vcpu, &self->regs);
	vcpu_sregs_get(self->vcpu, &self->sregs);
}

FIXTURE_TEARDOWN(reset)
{
	vm_free(self->vm);
}

TEST_F(reset, rip_rflags_and_gprs)
{
	struct mhv_regs *r = &self->regs;

	EXPECT_EQ(0xfff0, r->rip);
	EXPECT_EQ(0x2, r->rflags);
	EXPECT_EQ(0x600, r->rdx);
	EXPECT_EQ(0, r->rax);
	EXPECT_EQ(0, r->rbx);
	EXPECT_EQ(0, r->rcx);
	EXPECT_EQ(0, r->rsi);
	EXPECT_EQ(0, r->rdi);
	EXPECT_EQ(0, r->rsp);
	EXPECT_EQ(0, r->rbp);
	EXPECT_EQ(0, r->r8 | r->r9 | r->r10 | r->r11 | r->r12 | r->r13 |
		  r->r14 | r->r15);
}

TEST_F(reset, code_segment)
{
	EXPECT_EQ(0xf000, self->sregs.cs.selector);
	EXPECT_EQ(0xffff0000, self->sregs.cs.base);
	EXPECT_EQ(0xffff, self->sregs.cs.limit);
	EXPECT_EQ(0x9b, self->sregs.cs.ar);
}

TEST_F(reset, data_segments)
{
	const struct mhv_segment *segs[] = {
		&self->sregs.ds, &self->sregs.es, &self->sregs.fs,
		&self->sregs.gs, &self->sregs.ss,
	};
	unsigned int i;

	for (i = 0; i < 5; i++) {
		EXPECT_EQ(0, segs[i]->selector) TH_LOG("segment %u", i);
		EXPECT_EQ(0, segs[i]->base) TH_LOG("segment %u", i);
		EXPECT_EQ(0xffff, segs[i]->limit) TH_LOG("segment %u", i);
		EXPECT_EQ(0x93, segs[i]->ar) TH_LOG("segment %u", i);
	}
}

TEST_F(reset, system_segments_and_tables)
{
	EXPECT_EQ(0, self->sregs.tr.selector);
	EXPECT_EQ(0, self->sregs.tr.base);
	EXPECT_EQ(0x8b, self->sregs.tr.ar);
	EXPECT_EQ(0, self->sregs.ldt.selector);
	EXPECT_EQ(0, self->sregs.ldt.base);
	EXPECT_EQ(0x82, self->sregs.ldt.ar);
	EXPECT_EQ(0, self->sregs.gdt.base);
	EXPECT_EQ(0xffff, self->sregs.gdt.limit);
	EXPECT_EQ(0, self->sregs.idt.base);
	EXPECT_EQ(0xffff, self->sregs.idt.limit);
}

TEST_F(reset, control_registers_and_efer)
{
	EXPECT_EQ(0x60000010, self->sregs.cr0);
	EXPECT_EQ(0, self->sregs.cr2);
	EXPECT_EQ(0, self->sregs.cr3);
	EXPECT_EQ(0, self->sregs.cr4);
	EXPECT_EQ(0, self->sregs.efer);
	EXPECT_EQ(0, vcpu_get_msr(self->vcpu, MSR_EFER));
}

TEST_F(reset, reserved_fields_read_zero)
{
	const struct mhv_sregs *s = &self->sregs;

	EXPECT_EQ(0, s->reserved[0] | s->reserved[1] | s->reserved[2] |
		  s->reserved[3]);
	EXPECT_EQ(0, s->cs.pad | s->cs.pad2 | s->ss.pad | s->ss.pad2);
	EXPECT_EQ(0, s->gdt.pad[0] | s->gdt.pad[1] | s->gdt.pad[2]);
}

/* mov $0x42, %al; out %al, $0x10; hlt: at 0xfffffff0, reached from reset. */
TEST_F(reset, runs_from_the_reset_vector)
{
	static const u8 code[] = { 0xb0, 0x42, 0xe6, 0x10, 0xf4 };
	u8 *rom = vm_mem_region_add(self->vm, 1, 0, 0xffff0000, 0x10000);

	memcpy(rom + 0xfff0, code, sizeof(code));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_IO);
	EXPECT_EQ(MHV_EXIT_IO_OUT, self->vcpu->run->io.direction);
	EXPECT_EQ(0x10, self->vcpu->run->io.port);
	EXPECT_EQ(1, self->vcpu->run->io.size);
	EXPECT_EQ(0x42, self->vcpu->run->io.data);
	EXPECT_EQ(0xfff4, vcpu_get_rip(self->vcpu));

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_HLT);
	EXPECT_EQ(0xfff5, vcpu_get_rip(self->vcpu));
}

TEST_HARNESS_MAIN
