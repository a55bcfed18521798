// SPDX-License-Identifier: GPL-2.0
/*
 * Control and debug registers as the guest writes them: the architectural
 * #GP cases of MOV CR0/CR4 and XSETBV (a value the CPU faults on must never
 * reach it), operand width outside 64-bit mode, DR6/DR7 reserved bits and
 * general detect, the single-step trap after an instruction mhv emulated,
 * and an event whose delivery touches MMIO.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define X86_CR4_PCIDE		BIT_ULL(17)
#define X86_CR4_OSXSAVE		BIT_ULL(18)
#define X86_CR4_VMXE		BIT_ULL(13)
#define X86_EFLAGS_TF		BIT_ULL(8)
#define DB_VECTOR		1
#define DR6_BD			BIT_ULL(13)
#define DR6_BS			BIT_ULL(14)
#define DR7_GD			BIT_ULL(13)
#define XFEATURE_FP		BIT_ULL(0)
#define XFEATURE_SSE		BIT_ULL(1)
#define XFEATURE_YMM		BIT_ULL(2)
#define XFEATURE_BNDREGS	BIT_ULL(3)
#define XFEATURE_AVX512_OPMASK	BIT_ULL(5)
#define XFEATURE_XTILE_CFG	BIT_ULL(17)
#define MMIO_GPA		0xd0000000ULL

/* SYNC(vector of clearing PG, vector of setting VMXE, CR0 afterwards). */
static void guest_cr_gp(void)
{
	u64 cr0 = read_cr0(), cr4 = read_cr4();
	u8 pg = write_cr0_safe(cr0 & ~X86_CR0_PG);
	u8 vmxe = write_cr4_safe(cr4 | X86_CR4_VMXE);

	GUEST_SYNC_ARGS(pg, vmxe, read_cr0(), read_cr4());
	GUEST_DONE();
}

TEST(long_mode_cr_writes_that_must_fault)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_cr_gp);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	/* 64-bit code cannot turn paging off under itself. */
	EXPECT_EQ(GP_VECTOR, uc.args[0]);
	EXPECT_EQ(GP_VECTOR, uc.args[1]);
	EXPECT_TRUE(uc.args[2] & X86_CR0_PG);
	EXPECT_FALSE(uc.args[3] & X86_CR4_VMXE);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static u64 pcid_supported;

/* SYNC(PCIDE with CR3[11:0] != 0, PCIDE with them 0, CR4 has PCIDE, clearing it). */
static void guest_pcide(void)
{
	u64 cr3 = read_cr3(), cr4 = read_cr4();
	u8 dirty, clean = 0xff, cleared = 0xff;
	bool set = false;

	write_cr3(cr3 | 0x8);	/* PWT: low bits are the PCID once PCIDE is on */
	dirty = write_cr4_safe(cr4 | X86_CR4_PCIDE);
	write_cr3(cr3);
	if (GUEST_READ(pcid_supported)) {
		clean = write_cr4_safe(cr4 | X86_CR4_PCIDE);
		set = read_cr4() & X86_CR4_PCIDE;
		cleared = write_cr4_safe(cr4);
	}
	GUEST_SYNC_ARGS(dirty, clean, set, cleared);
	GUEST_DONE();
}

static bool host_has_cpu_flag(const char *flag)
{
	char line[4096], word[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	bool found = false;

	snprintf(word, sizeof(word), " %s ", flag);
	while (f && !found && fgets(line, sizeof(line) - 1, f))
		if (!strncmp(line, "flags", 5)) {
			strcat(line, " ");
			line[strcspn(line, "\n")] = ' ';
			found = strstr(line, word);
		}
	if (f)
		fclose(f);
	return found;
}

TEST(pcide_needs_cr3_pcid_zero)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	pcid_supported = host_has_cpu_flag("pcid");
	vm = vm_create_with_one_vcpu(&vcpu, guest_pcide);
	sync_global_to_guest(vm, pcid_supported);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(GP_VECTOR, uc.args[0]);
	if (pcid_supported) {
		EXPECT_EQ(0, uc.args[1]);
		EXPECT_EQ(1, uc.args[2]);
		EXPECT_EQ(0, uc.args[3]);
	}
	TH_LOG("host PCID: %s", pcid_supported ? "yes, PCIDE set and cleared" : "no");
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static const u64 bad_xcr0[] = {
	XFEATURE_SSE,				/* no x87 */
	XFEATURE_FP | XFEATURE_YMM,		/* AVX without SSE */
	XFEATURE_FP | XFEATURE_SSE | XFEATURE_BNDREGS,	/* half of MPX */
	XFEATURE_FP | XFEATURE_SSE | XFEATURE_YMM | XFEATURE_AVX512_OPMASK,
	XFEATURE_FP | XFEATURE_SSE | XFEATURE_XTILE_CFG,	/* half of AMX */
	XFEATURE_FP | XFEATURE_SSE | BIT_ULL(62),	/* never defined */
};

/*
 * SYNC(vector of setting CR4.OSXSAVE, CPUID.1:ECX.XSAVE); without XSAVE that
 * is all. Then SYNC(i, vector of XSETBV(bad_xcr0[i]), XCR0 read back), then
 * a valid one.
 */
static void guest_xsetbv(void)
{
	u8 osxsave = write_cr4_safe(read_cr4() | X86_CR4_OSXSAVE);
	u32 a, b, c, d;
	unsigned int i;

	cpuid_count(1, 0, &a, &b, &c, &d);
	GUEST_SYNC_ARGS(osxsave, !!(c & BIT_ULL(26)), 0, 0);
	if (osxsave)
		GUEST_DONE();
	for (i = 0; i < ARRAY_SIZE(bad_xcr0); i++) {
		u32 lo, hi;
		u8 v = xsetbv_safe(bad_xcr0[i]);

		asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		GUEST_SYNC_ARGS(i, v, lo | ((u64)hi << 32), 0);
	}
	GUEST_SYNC_ARGS(i, xsetbv_safe(XFEATURE_FP | XFEATURE_SSE), 0, 0);
	GUEST_DONE();
}

TEST(xsetbv_refuses_what_the_cpu_would_fault_on)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	unsigned int i;

	vm = vm_create_with_one_vcpu(&vcpu, guest_xsetbv);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	/* CPUID and CR4 agree: XSAVE is enumerated exactly where OSXSAVE can be set. */
	if (!uc.args[1]) {
		struct mhv_vmx_caps caps;

		mhv_get_vmx_caps(&caps);
		EXPECT_EQ(GP_VECTOR, uc.args[0]);
		TH_LOG("XSAVE not offered to guests (CR4 fixed1 %#llx): OSXSAVE refused",
		       caps.cr4_fixed1);
		ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
		vm_free(vm);
		return;
	}
	ASSERT_EQ(0, uc.args[0]);
	for (i = 0; i < ARRAY_SIZE(bad_xcr0); i++) {
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(GP_VECTOR, uc.args[1]) TH_LOG("XCR0 %#llx", bad_xcr0[i]);
		EXPECT_EQ(XFEATURE_FP, uc.args[2]) TH_LOG("XCR0 %#llx", bad_xcr0[i]);
	}
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static void guest_dr_reserved_bits(void)
{
	write_dr7(0xffffffffULL & ~DR7_GD);
	write_dr6(0xffffffffULL);
	GUEST_SYNC_ARGS(read_dr7(), read_dr6(), 0, 0);
	write_dr7(0);
	write_dr6(0);
	GUEST_SYNC_ARGS(read_dr7(), read_dr6(), 0, 0);
	GUEST_DONE();
}

TEST(dr6_dr7_reserved_bits_read_fixed)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_dr_reserved_bits);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	/*
	 * SDM 18.2.3-4: DR7 bits 11, 12, 14, 15 read 0 and bit 10 reads 1;
	 * DR6 bits 4-11 and 16-31 read 1, bit 12 reads 0.
	 */
	EXPECT_EQ(0xffff0bffULL | 0x400, uc.args[0]);
	EXPECT_EQ(0xffffefffULL, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x400, uc.args[0]);
	EXPECT_EQ(0xffff0ff0ULL, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static u64 db_rip, db_dr6, db_dr7, db_count;

static void db_handler(struct ex_regs *regs)
{
	db_count++;
	db_rip = regs->rip;
	db_dr6 = read_dr6();
	db_dr7 = read_dr7();
	regs->rflags &= ~X86_EFLAGS_TF;
}

/* DR7.GD: the next debug-register access raises #DB (BD) before it happens, with GD clear. */
static void guest_general_detect(void)
{
	u64 after;

	write_dr6(0);
	write_dr7(DR7_GD);
	asm volatile("lea 1f(%%rip), %0\n\t"
		     "1:\tmov %%dr0, %%rax" : "=r"(after) : : "rax", "memory");
	GUEST_SYNC_ARGS(db_count, db_rip == after, db_dr6, db_dr7);
	GUEST_DONE();
}

TEST(dr7_general_detect_raises_db)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_general_detect);
	vm_install_exception_handler(vm, DB_VECTOR, db_handler);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(1, uc.args[1]);	/* a fault: RIP of the MOV DR */
	EXPECT_TRUE(uc.args[2] & DR6_BD);
	EXPECT_FALSE(uc.args[3] & DR7_GD);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

/* TF set by POPF traps after the next instruction: here a CPUID, which mhv emulates. */
static void guest_single_step_cpuid(void)
{
	u64 after, leaf = 0, index = 0;

	write_dr6(0);
	asm volatile("pushf\n\t"
		     "orq $0x100, (%%rsp)\n\t"
		     "popf\n\t"
		     "cpuid\n"
		     "1:\tnop\n\t"
		     "lea 1b(%%rip), %0"
		     : "=D"(after), "+a"(leaf), "+c"(index) : : "rbx", "rdx", "memory");
	GUEST_SYNC_ARGS(db_count, db_rip, after, db_dr6);
	GUEST_DONE();
}

TEST(single_step_traps_after_an_emulated_instruction)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_single_step_cpuid);
	vm_install_exception_handler(vm, DB_VECTOR, db_handler);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, uc.args[0]);
	EXPECT_EQ(uc.args[2], uc.args[1]) TH_LOG("#DB at %#llx, CPUID ends at %#llx",
						 uc.args[1], uc.args[2]);
	EXPECT_TRUE(uc.args[3] & DR6_BS);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static void guest_ud2_only(void)
{
	asm volatile("ud2");
	GUEST_DONE();
}

TEST(event_delivery_through_mmio_is_an_internal_error)
{
	struct mhv_sregs sregs;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;

	vm = vm_create_with_one_vcpu(&vcpu, guest_ud2_only);
	vcpu_sregs_get(vcpu, &sregs);
	sregs.idt.base = MMIO_GPA;	/* identity-mapped, no memory behind it */
	vcpu_sregs_set(vcpu, &sregs);
	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_INTERNAL_ERROR);
	/* Not the UD2 at RIP: the IDT read touched MMIO, and nothing can emulate that. */
	EXPECT_EQ(MHV_INTERNAL_DELIVERY_EVENT, vcpu->run->internal.suberror);
	EXPECT_EQ(MMIO_GPA + UD_VECTOR * 16, vcpu->run->internal.guest_phys_addr & ~0xfULL);
	vm_free(vm);
}

TEST(real_mode_cr0_write_uses_32_bits)
{
	/* 1000: mov %eax, %cr0 (PE); hlt. #GP (IVT 13 -> 0:1100) would OUT to port 0xd. */
	static const u8 code[] = { 0x0f, 0x22, 0xc0, 0xf4 };
	static const u8 gp[] = { 0xe6, 0x0d, 0xf4 };
	struct mhv_sregs sregs;
	struct mhv_regs regs;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	u8 *mem;

	vm = vm_create(0x10000);
	mem = addr_gpa2hva(vm, 0);
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_setup_real_mode(vcpu, 0, 0x1000);
	memcpy(mem + 0x1000, code, sizeof(code));
	memcpy(mem + 0x1100, gp, sizeof(gp));
	*(u32 *)(mem + GP_VECTOR * 4) = 0x1100;
	vcpu_regs_get(vcpu, &regs);
	/* Stale upper half: outside 64-bit mode the CPU never sees it. */
	regs.rax = 0xdead000000000000ULL | X86_CR0_PE | X86_CR0_ET;
	vcpu_regs_set(vcpu, &regs);

	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_HLT);
	vcpu_sregs_get(vcpu, &sregs);
	EXPECT_TRUE(sregs.cr0 & X86_CR0_PE);
	EXPECT_EQ(0, sregs.cr0 >> 32);
	vm_free(vm);
}

TEST_HARNESS_MAIN
