// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs: the guest reads and writes the allowed ones, the values agree
 * with MHV_GET_MSRS / MHV_SET_MSRS both ways, and every other MSR raises
 * #GP in the guest, which its IDT catches.
 */
#include <errno.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

struct msr_case {
	u32 index;
	u64 host_value;		/* MHV_SET_MSRS before the guest runs */
	u64 guest_value;	/* what the guest then writes */
};

static const struct msr_case rw_msrs[] = {
	{ MSR_STAR, 0x0023001000000000ULL, 0x001b000800000000ULL },
	{ MSR_LSTAR, 0xffffffff81000000ULL, 0xffffffff81001000ULL },
	{ MSR_CSTAR, 0xffffffff81000100ULL, 0xffffffff81001100ULL },
	{ MSR_SYSCALL_MASK, 0x47700, 0x700 },
	{ MSR_KERNEL_GS_BASE, 0xffff888000001000ULL, 0xffff888000002000ULL },
	{ MSR_FS_BASE, 0x7f0000001000ULL, 0x7f0000002000ULL },
	{ MSR_GS_BASE, 0x7f0000003000ULL, 0x7f0000004000ULL },
	{ MSR_IA32_SYSENTER_CS, 0x10, 0x08 },
	{ MSR_IA32_SYSENTER_ESP, 0xffffc90000002000ULL, 0xffffc90000003000ULL },
	{ MSR_IA32_SYSENTER_EIP, 0xffffffff81000200ULL, 0xffffffff81000300ULL },
	{ MSR_IA32_CR_PAT, 0x0007040600070406ULL, 0x0007010600070106ULL },
	{ MSR_TSC_AUX, 0x42, 0x43 },
};

#define NR_RW	ARRAY_SIZE(rw_msrs)

/* Per MSR: SYNC(index, value read, #vector of the read, #vector of the write). */
static void guest_rw(void)
{
	unsigned int i;
	u8 rv, wv;
	u64 v;

	for (i = 0; i < NR_RW; i++) {
		rv = rdmsr_safe(rw_msrs[i].index, &v);
		wv = wrmsr_safe(rw_msrs[i].index, rw_msrs[i].guest_value);
		GUEST_SYNC_ARGS(rw_msrs[i].index, v, rv, wv);
	}
	GUEST_DONE();
}

TEST(allowed_msrs_agree_both_ways)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	unsigned int i;

	vm = vm_create_with_one_vcpu(&vcpu, guest_rw);
	for (i = 0; i < NR_RW; i++)
		vcpu_set_msr(vcpu, rw_msrs[i].index, rw_msrs[i].host_value);

	for (i = 0; i < NR_RW; i++) {
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		ASSERT_EQ(rw_msrs[i].index, uc.args[0]);
		EXPECT_EQ(rw_msrs[i].host_value, uc.args[1])
			TH_LOG("MSR %#x read by the guest", rw_msrs[i].index);
		EXPECT_EQ(0, uc.args[2]) TH_LOG("MSR %#x: read faulted", rw_msrs[i].index);
		EXPECT_EQ(0, uc.args[3]) TH_LOG("MSR %#x: write faulted", rw_msrs[i].index);
		EXPECT_EQ(rw_msrs[i].guest_value, vcpu_get_msr(vcpu, rw_msrs[i].index))
			TH_LOG("MSR %#x written by the guest", rw_msrs[i].index);
	}
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static void guest_efer(void)
{
	u64 efer = rdmsr(MSR_EFER);

	GUEST_SYNC(efer);
	wrmsr(MSR_EFER, efer | EFER_NX);
	GUEST_SYNC(rdmsr(MSR_EFER));
	GUEST_DONE();
}

TEST(efer_read_and_written_by_the_guest)
{
	struct mhv_sregs sregs;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	const u64 efer = EFER_SCE | EFER_LME | EFER_LMA;

	vm = vm_create_with_one_vcpu(&vcpu, guest_efer);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(efer, uc.args[0]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(efer | EFER_NX, uc.args[0]);
	EXPECT_EQ(efer | EFER_NX, vcpu_get_msr(vcpu, MSR_EFER));
	vcpu_sregs_get(vcpu, &sregs);
	EXPECT_EQ(efer | EFER_NX, sregs.efer);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

/* Readable only: MISC_ENABLE (writable too), APIC_BASE, TSC. */
static void guest_read_only_msrs(void)
{
	u64 misc, apic, tsc1, tsc2;
	u8 v1, v2, v3, v4;

	v1 = rdmsr_safe(MSR_IA32_MISC_ENABLE, &misc);
	v2 = rdmsr_safe(MSR_IA32_APICBASE, &apic);
	v3 = rdmsr_safe(MSR_IA32_TSC, &tsc1);
	v4 = rdmsr_safe(MSR_IA32_TSC, &tsc2);
	GUEST_SYNC_ARGS(v1, v2, v3, v4);
	GUEST_SYNC_ARGS(misc, apic, tsc1, tsc2);
	GUEST_SYNC(wrmsr_safe(MSR_IA32_MISC_ENABLE, misc));
	GUEST_DONE();
}

TEST(misc_enable_apic_base_and_tsc_are_readable)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_read_only_msrs);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]);
	EXPECT_EQ(0, uc.args[1]);
	EXPECT_EQ(0, uc.args[2]);
	EXPECT_EQ(0, uc.args[3]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_LT(uc.args[2], uc.args[3]);	/* the TSC moves */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

/* The SDM's way to read the microcode revision: write 0, CPUID, read (Linux at boot). */
static void guest_microcode_revision(void)
{
	u32 a, b, c, d;
	u8 wv, rv;
	u64 rev = ~0ULL;

	wv = wrmsr_safe(MSR_IA32_UCODE_REV, 0);
	cpuid_count(1, 0, &a, &b, &c, &d);
	rv = rdmsr_safe(MSR_IA32_UCODE_REV, &rev);
	GUEST_SYNC_ARGS(wv, rv, rev, 0);
	GUEST_DONE();
}

TEST(microcode_revision_reads_zero_without_a_fault)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_microcode_revision);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]) TH_LOG("the write of 0 faulted");
	EXPECT_EQ(0, uc.args[1]) TH_LOG("the read faulted");
	EXPECT_EQ(0, uc.args[2]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static const u32 denied[] = {
	MSR_IA32_FEATURE_CONTROL, MSR_IA32_VMX_BASIC, 0x00000001, 0x40000000, 0xc0010000,
	0xdeadbeef,
};

#define NR_DENIED	ARRAY_SIZE(denied)

static void guest_denied(void)
{
	unsigned int i;
	u64 v;

	for (i = 0; i < NR_DENIED; i++)
		GUEST_SYNC_ARGS(denied[i], rdmsr_safe(denied[i], &v),
				wrmsr_safe(denied[i], 0), 0);
	GUEST_DONE();
}

TEST(other_msrs_raise_gp)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	unsigned int i;

	vm = vm_create_with_one_vcpu(&vcpu, guest_denied);
	for (i = 0; i < NR_DENIED; i++) {
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(GP_VECTOR, uc.args[1]) TH_LOG("rdmsr %#x", denied[i]);
		EXPECT_EQ(GP_VECTOR, uc.args[2]) TH_LOG("wrmsr %#x", denied[i]);
	}
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

static u64 gp_rdmsr_insn;

static void guest_unhandled_gp(void)
{
	asm volatile("lea 1f(%%rip), %%rax\n\t"
		     "mov %%rax, %[insn]\n"
		     "1:\trdmsr"
		     : [insn] "=m"(gp_rdmsr_insn)
		     : "c"(MSR_IA32_FEATURE_CONTROL) : "rax", "rdx", "memory");
	GUEST_DONE();
}

TEST(gp_reaches_the_guest_idt)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_unhandled_gp);
	ASSERT_UCALL(vcpu, UCALL_UNHANDLED, &uc);
	EXPECT_EQ(GP_VECTOR, uc.args[0]);
	EXPECT_EQ(0, uc.args[1]);			/* error code */
	sync_global_from_guest(vm, gp_rdmsr_insn);
	EXPECT_EQ(gp_rdmsr_insn, uc.args[2]);	/* the faulting RIP */
	vm_free(vm);
}

TEST(get_and_set_stop_at_the_first_unsupported)
{
	struct mhv_msr_entry e[3] = {
		{ .index = MSR_STAR, .data = 0x0010000800000000ULL },
		{ .index = MSR_IA32_FEATURE_CONTROL, .data = 0 },
		{ .index = MSR_LSTAR, .data = 0xffffffff82000000ULL },
	};
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;

	vm = vm_create(0);
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_set_msr(vcpu, MSR_LSTAR, 0xffffffff81000000ULL);

	EXPECT_EQ(1, __vcpu_msrs(vcpu, MHV_SET_MSRS, e, 3));
	EXPECT_EQ(0x0010000800000000ULL, vcpu_get_msr(vcpu, MSR_STAR));
	EXPECT_EQ(0xffffffff81000000ULL, vcpu_get_msr(vcpu, MSR_LSTAR));

	e[0].data = 0;
	e[2].data = 0;
	EXPECT_EQ(1, __vcpu_msrs(vcpu, MHV_GET_MSRS, e, 3));
	EXPECT_EQ(0x0010000800000000ULL, e[0].data);

	EXPECT_EQ(0, __vcpu_msrs(vcpu, MHV_GET_MSRS, &e[1], 1));
	EXPECT_EQ(3, __vcpu_msrs(vcpu, MHV_GET_MSRS, (struct mhv_msr_entry[]) {
		{ .index = MSR_EFER }, { .index = MSR_IA32_TSC },
		{ .index = MSR_IA32_APICBASE } }, 3));
	vm_free(vm);
}

#define KGS_GUEST_VALUE	0xffff888012345000ULL
#define USER_DS_SELECTOR	0x2b	/* Linux's __USER_DS: a selector the VMM can hold in GS */

static void guest_kernel_gs_base(void)
{
	wrmsr(MSR_KERNEL_GS_BASE, KGS_GUEST_VALUE);
	GUEST_SYNC(0);
	GUEST_SYNC(rdmsr(MSR_KERNEL_GS_BASE));
	GUEST_DONE();
}

/*
 * With a non-null GS selector in the VMM, the host reloads GS after every
 * exit, and load_gs_index() overwrites KERNEL_GS_BASE: the guest's value
 * must have been saved before that.
 */
TEST(kernel_gs_base_survives_a_host_gs_reload)
{
	u16 gs = USER_DS_SELECTOR, old_gs;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_kernel_gs_base);
	asm volatile("mov %%gs, %0\n\tmov %1, %%gs" : "=&r"(old_gs) : "r"(gs));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	asm volatile("mov %0, %%gs" : : "r"(old_gs));
	EXPECT_EQ(KGS_GUEST_VALUE, uc.args[0]);
	EXPECT_EQ(KGS_GUEST_VALUE, vcpu_get_msr(vcpu, MSR_KERNEL_GS_BASE));
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(too_many_entries_is_e2big)
{
	struct mhv_msr_entry e[MHV_MAX_MSRS + 1];
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	unsigned int i;

	for (i = 0; i <= MHV_MAX_MSRS; i++)
		e[i] = (struct mhv_msr_entry){ .index = MSR_STAR };
	vm = vm_create(0);
	vcpu = vm_vcpu_add(vm, 0);
	EXPECT_EQ(MHV_MAX_MSRS, __vcpu_msrs(vcpu, MHV_GET_MSRS, e, MHV_MAX_MSRS));
	EXPECT_EQ(-1, __vcpu_msrs(vcpu, MHV_GET_MSRS, e, MHV_MAX_MSRS + 1));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, __vcpu_msrs(vcpu, MHV_SET_MSRS, e, MHV_MAX_MSRS + 1));
	EXPECT_EQ(E2BIG, errno);
	vm_free(vm);
}

TEST_HARNESS_MAIN
