// SPDX-License-Identifier: GPL-2.0
/*
 * A guest can make the delivery of an exception raise the same exception
 * again, forever (CVE-2015-5307 for #AC): a 32-bit CPL3 guest with
 * alignment checking on, an odd ESP, and an #AC gate into a conforming code
 * segment, so that delivery stays at CPL3 and pushes onto the odd stack. On
 * hardware that loop never lets the CPU take an interrupt; mhv intercepts
 * #AC, so every round is a VM exit, and the host gets its CPU back. (Bochs
 * ends such a loop as a triple fault after three rounds; without the
 * intercept this test sees MHV_EXIT_SHUTDOWN instead.)
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define CODE_GPA	0x1000
#define HANDLER_GPA	0x1010
#define GDT_GPA		0x2000
#define IDT_GPA		0x3000
#define ODD_STACK	0x8001

#define AC_VECTOR	17
#define X86_CR0_AM	BIT_ULL(18)
#define X86_EFLAGS_AC	BIT_ULL(18)

#define SEL_CONFORMING_CS	0x08
#define SEL_USER32_CS		0x1b
#define SEL_USER32_DS		0x23
#define AR_CODE32_USER		0xc0fb
#define AR_DATA32_USER		0xc0f3

#define MAX_LATENCY_NS	2000000000LL

static struct timespec signalled_at;

static void on_alarm(int sig)
{
	clock_gettime(CLOCK_MONOTONIC, &signalled_at);
}

static void flat_segment(struct mhv_segment *s, u16 selector, u32 ar)
{
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = selector;
	s->ar = ar;
}

/* 32-bit protected mode at CPL3, RFLAGS.AC and CR0.AM set, about to push onto ESP 0x8001. */
static struct mhv_vcpu *ac_loop_guest(struct mhv_vm *vm)
{
	static const u8 push_eax_then_spin[] = { 0x50, 0xeb, 0xfe };
	static const u8 spin[] = { 0xeb, 0xfe };
	static const u64 gdt[] = {
		0,
		0x00cf9e000000ffffULL,	/* 0x08: conforming code, DPL 0, 32-bit */
		0x00cf92000000ffffULL,	/* 0x10: data, DPL 0 */
		0x00cffa000000ffffULL,	/* 0x18: code, DPL 3, 32-bit */
		0x00cff2000000ffffULL,	/* 0x20: data, DPL 3 */
	};
	u32 *gate = addr_gpa2hva(vm, IDT_GPA + AC_VECTOR * 8);
	struct mhv_vcpu *vcpu = vm_vcpu_add(vm, 0);
	struct mhv_sregs sregs;
	struct mhv_regs regs;

	memcpy(addr_gpa2hva(vm, CODE_GPA), push_eax_then_spin, sizeof(push_eax_then_spin));
	memcpy(addr_gpa2hva(vm, HANDLER_GPA), spin, sizeof(spin));
	memcpy(addr_gpa2hva(vm, GDT_GPA), gdt, sizeof(gdt));
	/* A 32-bit interrupt gate into the conforming segment: same CPL, same stack. */
	gate[0] = (SEL_CONFORMING_CS << 16) | (HANDLER_GPA & 0xffff);
	gate[1] = (HANDLER_GPA & 0xffff0000) | 0x8e00;

	vcpu_sregs_get(vcpu, &sregs);
	flat_segment(&sregs.cs, SEL_USER32_CS, AR_CODE32_USER);
	flat_segment(&sregs.ss, SEL_USER32_DS, AR_DATA32_USER);
	flat_segment(&sregs.ds, SEL_USER32_DS, AR_DATA32_USER);
	flat_segment(&sregs.es, SEL_USER32_DS, AR_DATA32_USER);
	flat_segment(&sregs.fs, SEL_USER32_DS, AR_DATA32_USER);
	flat_segment(&sregs.gs, SEL_USER32_DS, AR_DATA32_USER);
	sregs.gdt.base = GDT_GPA;
	sregs.gdt.limit = sizeof(gdt) - 1;
	sregs.idt.base = IDT_GPA;
	sregs.idt.limit = 32 * 8 - 1;
	sregs.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_AM;
	sregs.cr4 = 0;
	sregs.efer = 0;
	vcpu_sregs_set(vcpu, &sregs);

	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rsp = ODD_STACK;
	regs.rflags = X86_EFLAGS_FIXED | X86_EFLAGS_AC;
	vcpu_regs_set(vcpu, &regs);
	return vcpu;
}

TEST(ac_delivery_loop_still_answers_a_signal)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { .it_value = { .tv_usec = 200000 } };
	struct mhv_vcpu_stats stats;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	s64 latency;
	int ret, err;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	vm = vm_create(1 << 20);
	vcpu = ac_loop_guest(vm);

	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	ret = __vcpu_run(vcpu);
	err = errno;
	latency = ns_since(&signalled_at);

	ASSERT_EQ(-1, ret) TH_LOG("%s", vcpu_describe_exit(vcpu));
	EXPECT_EQ(EINTR, err);
	EXPECT_EQ(MHV_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_LT(latency, MAX_LATENCY_NS);
	/* Each round of the loop was an exit of its own. */
	ASSERT_EQ(0, __vcpu_ioctl(vcpu, MHV_GET_VCPU_STATS, &stats));
	EXPECT_GT(stats.by_reason[0], 10);
	TH_LOG("%llu #AC exits in the loop; MHV_RUN returned %lld us after the signal",
	       stats.by_reason[0], latency / 1000);

	/* The guest is still in its loop, and still only hurts itself. */
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(-1, __vcpu_run(vcpu));
	EXPECT_EQ(MHV_EXIT_INTR, vcpu->run->exit_reason);
	vm_free(vm);
}

TEST_HARNESS_MAIN
