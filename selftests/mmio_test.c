// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO: guest accesses outside every memory region, and writes to a
 * read-only region, exit with address, length, direction and data; RIP is
 * past the instruction and reads complete into the destination register.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define MMIO_GPA	0x10000000ULL	/* 256 MiB: mapped by the guest, no memory */
#define RO_GPA		0x04000000ULL	/* 64 MiB: a read-only slot */
#define RO_SIZE		0x10000ULL
#define RO_PATTERN	0x0123456789abcdefULL

/* The address after the instruction, for the RIP at the exit. */
#define AFTER(insn)	"lea 1f(%%rip), %[after]\n\t" insn "\n1:"
#define NR_WRITES	10

static u64 write_ends[NR_WRITES];

static void guest_writes(void)
{
	u64 p = MMIO_GPA;
	u64 *e = write_ends;

	asm volatile(AFTER("movb %%al, (%%rdx)") : [after] "=&r"(e[0])
		     : "a"(0xa8a7a6a5a4a3a2a1ULL), "d"(p) : "memory");
	asm volatile(AFTER("movw %%ax, 2(%%rdx)") : [after] "=&r"(e[1])
		     : "a"(0xb8b7b6b5b4b3b2b1ULL), "d"(p) : "memory");
	asm volatile(AFTER("movl %%eax, 4(%%rdx)") : [after] "=&r"(e[2])
		     : "a"(0xc8c7c6c5c4c3c2c1ULL), "d"(p) : "memory");
	asm volatile(AFTER("movq %%rax, 8(%%rdx)") : [after] "=&r"(e[3])
		     : "a"(0xd8d7d6d5d4d3d2d1ULL), "d"(p) : "memory");
	asm volatile(AFTER("movl $0x12345678, 0x10(%%rdx)") : [after] "=&r"(e[4])
		     : "d"(p) : "memory");
	asm volatile(AFTER("movb $0x5a, 0x18(%%rdx)") : [after] "=&r"(e[5])
		     : "d"(p) : "memory");
	asm volatile(AFTER("movb %%ah, 0x19(%%rdx)") : [after] "=&r"(e[6])
		     : "a"(0x1234ULL), "d"(p) : "memory");
	asm volatile(AFTER("movnti %%eax, 0x1c(%%rdx)") : [after] "=&r"(e[7])
		     : "a"(0x9abcdef0ULL), "d"(p) : "memory");
	asm volatile(AFTER("movnti %%rax, 0x20(%%rdx)") : [after] "=&r"(e[8])
		     : "a"(0x0fedcba987654321ULL), "d"(p) : "memory");
	asm volatile(AFTER("movabs %%eax, 0x10000028") : [after] "=&r"(e[9])
		     : "a"(0x55aa55aaULL) : "memory");
	/* And what a compiler makes of a plain store. */
	GUEST_WRITE(*(u32 *)(MMIO_GPA + 0x40), 0xfeedf00d);
	GUEST_DONE();
}

/* Each read: SYNC(the register afterward, the address after the insn). */
static void guest_reads(void)
{
	u64 p = MMIO_GPA, a, c, r9, after;

	a = 0x1111111111111111ULL;
	asm volatile(AFTER("movb (%%rdx), %%al") : "+a"(a), [after] "=&r"(after) : "d"(p));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	a = 0x1111111111111111ULL;
	asm volatile(AFTER("movw 2(%%rdx), %%ax") : "+a"(a), [after] "=&r"(after) : "d"(p));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	a = 0x1111111111111111ULL;
	asm volatile(AFTER("movl 4(%%rdx), %%eax") : "+a"(a), [after] "=&r"(after) : "d"(p));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	a = 0x1111111111111111ULL;
	asm volatile(AFTER("movq 8(%%rdx), %%rax") : "+a"(a), [after] "=&r"(after) : "d"(p));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	a = 0x1111111111111111ULL;
	asm volatile(AFTER("movzbl 0x10(%%rdx), %%eax") : "+a"(a), [after] "=&r"(after) : "d"(p));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	a = 0x1111111111111111ULL;
	asm volatile(AFTER("movsbq 0x11(%%rdx), %%rax") : "+a"(a), [after] "=&r"(after) : "d"(p));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	c = 0x1111111111111111ULL;
	asm volatile(AFTER("movswl 0x12(%%rdx), %%ecx") : "+c"(c), [after] "=&r"(after) : "d"(p));
	GUEST_SYNC_ARGS(c, after, 0, 0);
	a = 0x1111111111111111ULL;
	asm volatile(AFTER("movabs 0x10000030, %%al") : "+a"(a), [after] "=&r"(after));
	GUEST_SYNC_ARGS(a, after, 0, 0);
	asm volatile("mov $0x1111111111111111, %%r9\n\t"
		     AFTER("movl 0x38(%%rdx), %%r9d") "\n\t"
		     "mov %%r9, %[r9]"
		     : [r9] "=r"(r9), [after] "=&r"(after) : "d"(p) : "r9");
	GUEST_SYNC_ARGS(r9, after, 0, 0);
	GUEST_SYNC(GUEST_READ(*(u16 *)(MMIO_GPA + 0x40)));
	GUEST_DONE();
}

struct access {
	const char *name;
	u64 gpa;
	u8 len;
	u64 data;		/* written, or supplied for a read */
	u64 result;		/* reads: the register afterwards */
};

FIXTURE(mmio) {
	struct mhv_vm *vm;
	struct mhv_vcpu *vcpu;
	struct mhv_run *run;
};

FIXTURE_SETUP(mmio)
{
	self->vm = vm_create(MHV_DEFAULT_MEM_SIZE);
	vm_setup_long_mode(self->vm);
	self->vcpu = vm_vcpu_add(self->vm, 0);
	self->run = self->vcpu->run;
}

FIXTURE_TEARDOWN(mmio)
{
	vm_free(self->vm);
}

TEST_F(mmio, writes_of_every_size_and_form)
{
	const struct access w[] = {
		{ "mov r8", MMIO_GPA, 1, 0xa1 },
		{ "mov r16", MMIO_GPA + 2, 2, 0xb2b1 },
		{ "mov r32", MMIO_GPA + 4, 4, 0xc4c3c2c1 },
		{ "mov r64", MMIO_GPA + 8, 8, 0xd8d7d6d5d4d3d2d1ULL },
		{ "mov imm32", MMIO_GPA + 0x10, 4, 0x12345678 },
		{ "mov imm8", MMIO_GPA + 0x18, 1, 0x5a },
		{ "mov ah", MMIO_GPA + 0x19, 1, 0x12 },
		{ "movnti r32", MMIO_GPA + 0x1c, 4, 0x9abcdef0 },
		{ "movnti r64", MMIO_GPA + 0x20, 8, 0x0fedcba987654321ULL },
		{ "mov moffs", MMIO_GPA + 0x28, 4, 0x55aa55aa },
	};
	u64 rip[NR_WRITES];
	struct ucall uc;
	unsigned int i;

	vcpu_setup_long_mode(self->vcpu, guest_writes);
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		vcpu_run(self->vcpu);
		ASSERT_EQ(MHV_EXIT_MMIO, self->run->exit_reason)
			TH_LOG("%s: %s", w[i].name, vcpu_describe_exit(self->vcpu));
		EXPECT_EQ(1, self->run->mmio.is_write) TH_LOG("%s", w[i].name);
		EXPECT_EQ(w[i].gpa, self->run->mmio.phys_addr) TH_LOG("%s", w[i].name);
		EXPECT_EQ(w[i].len, self->run->mmio.len) TH_LOG("%s", w[i].name);
		EXPECT_EQ(w[i].data, self->run->mmio.data) TH_LOG("%s", w[i].name);
		rip[i] = vcpu_get_rip(self->vcpu);
	}
	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(1, self->run->mmio.is_write);
	EXPECT_EQ(MMIO_GPA + 0x40, self->run->mmio.phys_addr);
	EXPECT_EQ(4, self->run->mmio.len);
	EXPECT_EQ(0xfeedf00d, self->run->mmio.data);
	ASSERT_UCALL(self->vcpu, UCALL_DONE, &uc);

	/* RIP was past each instruction at its exit. */
	sync_global_from_guest(self->vm, write_ends);
	for (i = 0; i < ARRAY_SIZE(w); i++)
		EXPECT_EQ(write_ends[i], rip[i]) TH_LOG("write %u", i);
}

TEST_F(mmio, reads_of_every_size_and_form)
{
	const struct access r[] = {
		{ "mov r8", MMIO_GPA, 1, 0xab, 0x11111111111111abULL },
		{ "mov r16", MMIO_GPA + 2, 2, 0xcdef, 0x111111111111cdefULL },
		{ "mov r32", MMIO_GPA + 4, 4, 0x89abcdef, 0x89abcdefULL },
		{ "mov r64", MMIO_GPA + 8, 8, 0x0123456789abcdefULL,
		  0x0123456789abcdefULL },
		{ "movzx", MMIO_GPA + 0x10, 1, 0xf0, 0xf0 },
		{ "movsx r64", MMIO_GPA + 0x11, 1, 0x80, 0xffffffffffffff80ULL },
		{ "movsx r32", MMIO_GPA + 0x12, 2, 0x8000, 0xffff8000ULL },
		{ "mov moffs", MMIO_GPA + 0x30, 1, 0x77, 0x1111111111111177ULL },
		{ "mov r9d", MMIO_GPA + 0x38, 4, 0x76543210, 0x76543210ULL },
	};
	struct ucall uc;
	unsigned int i;

	vcpu_setup_long_mode(self->vcpu, guest_reads);
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		u64 rip;

		vcpu_run(self->vcpu);
		ASSERT_EQ(MHV_EXIT_MMIO, self->run->exit_reason)
			TH_LOG("%s: %s", r[i].name, vcpu_describe_exit(self->vcpu));
		EXPECT_EQ(0, self->run->mmio.is_write) TH_LOG("%s", r[i].name);
		EXPECT_EQ(r[i].gpa, self->run->mmio.phys_addr) TH_LOG("%s", r[i].name);
		EXPECT_EQ(r[i].len, self->run->mmio.len) TH_LOG("%s", r[i].name);
		rip = vcpu_get_rip(self->vcpu);
		self->run->mmio.data = r[i].data;
		ASSERT_EQ(UCALL_SYNC, vcpu_run_ucall(self->vcpu, &uc))
			TH_LOG("%s: %s", r[i].name, self->vcpu->why);
		EXPECT_EQ(r[i].result, uc.args[0]) TH_LOG("%s", r[i].name);
		EXPECT_EQ(uc.args[1], rip) TH_LOG("%s: RIP at the exit", r[i].name);
	}
	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(0, self->run->mmio.is_write);
	EXPECT_EQ(MMIO_GPA + 0x40, self->run->mmio.phys_addr);
	EXPECT_EQ(2, self->run->mmio.len);
	self->run->mmio.data = 0x4242;
	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x4242, uc.args[0]);
	ASSERT_UCALL(self->vcpu, UCALL_DONE, &uc);
}

static void guest_readonly(void)
{
	u64 *ro = (u64 *)RO_GPA;

	GUEST_SYNC(GUEST_READ(ro[0]));
	GUEST_WRITE(*(u32 *)&ro[1], 0xdeadbeef);
	GUEST_SYNC(GUEST_READ(ro[1]));
	GUEST_DONE();
}

TEST_F(mmio, readonly_region_reads_and_write_exits)
{
	u64 *ro = vm_mem_region_add(self->vm, 1, MHV_MEM_READONLY, RO_GPA, RO_SIZE);
	struct ucall uc;

	ro[0] = RO_PATTERN;
	ro[1] = ~RO_PATTERN;
	vcpu_setup_long_mode(self->vcpu, guest_readonly);

	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(RO_PATTERN, uc.args[0]);

	vcpu_run(self->vcpu);
	ASSERT_EXIT(self->vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(1, self->run->mmio.is_write);
	EXPECT_EQ(RO_GPA + 8, self->run->mmio.phys_addr);
	EXPECT_EQ(4, self->run->mmio.len);
	EXPECT_EQ(0xdeadbeef, self->run->mmio.data);

	ASSERT_UCALL(self->vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(~RO_PATTERN, uc.args[0]);
	EXPECT_EQ(~RO_PATTERN, ro[1]);
	ASSERT_UCALL(self->vcpu, UCALL_DONE, &uc);
}

TEST_HARNESS_MAIN
