// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU spinning in the guest leaves MHV_RUN promptly with EINTR when a
 * signal (here a timer, no SA_RESTART) arrives, reports MHV_EXIT_INTR, and
 * runs on afterward; run->immediate_exit does the same before entering.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

/* Emulated VT-x is slow, and this is still far beyond "promptly". */
#define MAX_LATENCY_NS	2000000000LL

static u64 go;
static struct timespec signalled_at;
static int signals;

static void on_alarm(int sig)
{
	clock_gettime(CLOCK_MONOTONIC, &signalled_at);
	__atomic_add_fetch(&signals, 1, __ATOMIC_SEQ_CST);
}

static void guest_spin(void)
{
	while (!GUEST_READ(go))
		;
	GUEST_DONE();
}

/* With interrupts off it never takes one; the host must still get its CPU back. */
static void guest_spin_irqs_off(void)
{
	asm volatile("cli");
	while (!GUEST_READ(go))
		;
	asm volatile("sti");
	GUEST_DONE();
}

/* A timer signal takes MHV_RUN out of @guest_code's loop; the vCPU then runs on. */
static void signal_interrupts(struct __test_metadata *_metadata, void *guest_code,
			      const char *what)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { .it_value = { .tv_usec = 200000 } };
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	s64 latency;
	int ret, err;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	__atomic_store_n(&signals, 0, __ATOMIC_SEQ_CST);
	go = 0;
	vm = vm_create_with_one_vcpu(&vcpu, guest_code);

	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	ret = __vcpu_run(vcpu);
	err = errno;
	latency = ns_since(&signalled_at);

	ASSERT_EQ(-1, ret) TH_LOG("%s", vcpu_describe_exit(vcpu));
	EXPECT_EQ(EINTR, err);
	EXPECT_EQ(1, __atomic_load_n(&signals, __ATOMIC_SEQ_CST));
	EXPECT_EQ(MHV_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_LT(latency, MAX_LATENCY_NS);
	TH_LOG("MHV_RUN returned %lld us after the signal (%s)", latency / 1000, what);

	/* The vCPU runs on: let the guest out of its loop. */
	go = 1;
	sync_global_to_guest(vm, go);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(timer_signal_interrupts_a_spinning_guest)
{
	signal_interrupts(_metadata, guest_spin, "guest IF=1");
}

TEST(timer_signal_interrupts_a_guest_with_interrupts_off)
{
	signal_interrupts(_metadata, guest_spin_irqs_off, "guest IF=0");
}

TEST(immediate_exit_returns_before_entering)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	u64 rip;

	go = 1;
	vm = vm_create_with_one_vcpu(&vcpu, guest_spin);
	rip = vcpu_get_rip(vcpu);

	vcpu->run->immediate_exit = 1;
	EXPECT_EQ(-1, __vcpu_run(vcpu));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(MHV_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_EQ(rip, vcpu_get_rip(vcpu));	/* the guest did not run */

	vcpu->run->immediate_exit = 0;
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(repeated_signals_each_interrupt)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	int i;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	go = 0;
	__atomic_store_n(&signals, 0, __ATOMIC_SEQ_CST);
	vm = vm_create_with_one_vcpu(&vcpu, guest_spin);
	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
		EXPECT_EQ(-1, __vcpu_run(vcpu));
		EXPECT_EQ(EINTR, errno);
		EXPECT_EQ(MHV_EXIT_INTR, vcpu->run->exit_reason);
		EXPECT_EQ(i, __atomic_load_n(&signals, __ATOMIC_SEQ_CST));
	}
	vm_free(vm);
}

TEST_HARNESS_MAIN
