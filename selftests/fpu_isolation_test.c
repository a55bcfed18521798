// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU/SSE registers are its own. A host thread on the same CPU
 * keeps a pattern in its XMM registers and yields all the time, so the
 * vCPU thread is switched out and back in while the guest runs; the guest
 * keeps its own pattern in XMM0..XMM7 and checks it on every loop. Without
 * the FPU reload before each entry (TIF_NEED_FPU_LOAD), the guest runs on
 * with the other thread's registers after the first switch.
 */
#include <pthread.h>
#include <sched.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define HOST_PATTERN	0x4845535448455354ULL	/* "HOSTHOST" backwards */
#define GUEST_PATTERN	0x5453455547545345ULL
#define GUEST_LOOPS	2000000
#define ROUNDS		8

/* Shared with the other thread: read and written with __atomic builtins. */
static int stop_polluter;
static u64 polluter_rounds, polluter_saw;

/* Fill XMM0-7 with HOST_PATTERN, yield, and check that they came back the same. */
static void *polluter(void *arg)
{
	while (!__atomic_load_n(&stop_polluter, __ATOMIC_RELAXED)) {
		u64 seen;

		asm volatile("movq %1, %%xmm0\n\t"
			     "movq %%xmm0, %%xmm1\n\t"
			     "movq %%xmm0, %%xmm2\n\t"
			     "movq %%xmm0, %%xmm3\n\t"
			     "movq %%xmm0, %%xmm4\n\t"
			     "movq %%xmm0, %%xmm5\n\t"
			     "movq %%xmm0, %%xmm6\n\t"
			     "movq %%xmm0, %%xmm7\n\t"
			     "mov $24, %%eax\n\t"	/* sched_yield: no libc between the two */
			     "syscall\n\t"
			     "movq %%xmm7, %0"
			     : "=r"(seen) : "r"(HOST_PATTERN)
			     : "rax", "rcx", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
			       "xmm5", "xmm6", "xmm7", "memory");
		if (seen != HOST_PATTERN)
			__atomic_store_n(&polluter_saw, seen, __ATOMIC_RELAXED);
		__atomic_add_fetch(&polluter_rounds, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Returns what XMM7 held if it ever stopped holding the guest's pattern, else 0. */
static void guest_keeps_its_registers(void)
{
	int round;

	for (round = 0; round < ROUNDS; round++) {
		u64 seen = 0;

		asm volatile("movq %1, %%xmm0\n\t"
			     "movq %%xmm0, %%xmm7\n\t"
			     "mov %2, %%ecx\n"
			     "1:\tmovq %%xmm7, %%rdx\n\t"
			     "cmp %1, %%rdx\n\t"
			     "jne 2f\n\t"
			     "dec %%ecx\n\t"
			     "jnz 1b\n\t"
			     "xor %%edx, %%edx\n"
			     "2:\tmov %%rdx, %0"
			     : "=r"(seen) : "r"(GUEST_PATTERN), "i"(GUEST_LOOPS)
			     : "rcx", "rdx", "xmm0", "xmm7", "memory");
		GUEST_SYNC(seen);
	}
	GUEST_DONE();
}

static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

TEST(guest_never_sees_another_threads_vector_registers)
{
	u64 rounds_before, switches = 0;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	pthread_t thread;
	struct ucall uc;
	cpu_set_t set;
	int round;

	pin_to_cpu0();
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	vm = vm_create_with_one_vcpu(&vcpu, guest_keeps_its_registers);
	__atomic_store_n(&stop_polluter, 0, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_create(&thread, NULL, polluter, NULL));
	ASSERT_EQ(0, pthread_setaffinity_np(thread, sizeof(set), &set));

	for (round = 0; round < ROUNDS; round++) {
		rounds_before = __atomic_load_n(&polluter_rounds, __ATOMIC_RELAXED);
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(0, uc.args[0])
			TH_LOG("round %d: the guest found %#llx in its XMM7", round, uc.args[0]);
		/* The other thread ran while the guest did: the registers did change hands. */
		if (__atomic_load_n(&polluter_rounds, __ATOMIC_RELAXED) > rounds_before + 1)
			switches++;
	}
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	__atomic_store_n(&stop_polluter, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, polluter_saw) TH_LOG("the host thread found %#llx", polluter_saw);
	EXPECT_GT(switches, ROUNDS / 2);
	TH_LOG("%llu of %d rounds shared the CPU with the other thread (%llu yields)",
	       switches, ROUNDS, polluter_rounds);
	vm_free(vm);
}

TEST_HARNESS_MAIN
