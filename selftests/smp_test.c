// SPDX-License-Identifier: GPL-2.0
/*
 * More than one host CPU (suites/smp.sh, a 2-CPU machine): a vCPU whose
 * thread moves between CPUs keeps its state (its VMCS is cleared on the old
 * CPU and loaded on the new one, with that CPU's host state); two vCPUs of
 * one VM run at the same time on two CPUs; a CPU taken offline under a live
 * VM leaves VMX operation and comes back into it when it is onlined, and
 * the VMs run on, also one made while it was away.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define STEPS		64
#define ADDS		20000
#define SYNC_EVERY	1000

static u64 acc, shared_count;

static void guest_accumulate(u64 scale)
{
	u64 i;

	for (i = 1; i <= STEPS; i++) {
		acc += i * scale;
		GUEST_SYNC(acc);
	}
	GUEST_DONE();
}

static void guest_add_shared(void)
{
	u64 i;

	for (i = 1; i <= ADDS; i++) {
		__atomic_add_fetch(&shared_count, 1, __ATOMIC_SEQ_CST);
		if (i % SYNC_EVERY == 0)
			GUEST_SYNC(i);
	}
	GUEST_DONE();
}

/* Move the calling thread to @cpu: 0, or -errno. */
static int run_on(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return sched_getcpu() == cpu ? 0 : -EAGAIN;
}

static int set_online(int cpu, bool online)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return sysfs_write(path, online ? "1" : "0");
}

static u64 sum_to(u64 i, u64 scale)
{
	return scale * i * (i + 1) / 2;
}

FIXTURE(smp) {
	int unused;
};

FIXTURE_SETUP(smp)
{
	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_ONLN)) TH_LOG("this test needs two CPUs");
}

FIXTURE_TEARDOWN(smp)
{
	set_online(1, true);
	run_on(0);
}

TEST_F(smp, vcpu_moves_between_cpus_every_step)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	u64 i;

	vm = vm_create_with_one_vcpu(&vcpu, guest_accumulate);
	vcpu_args_set(vcpu, 1, 7ULL);
	for (i = 1; i <= STEPS; i++) {
		ASSERT_EQ(0, run_on(i % 2));
		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		ASSERT_EQ(sum_to(i, 7), uc.args[0]) TH_LOG("step %llu", i);
	}
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

struct vcpu_thread {
	struct mhv_vcpu *vcpu;
	int cpu;
	int syncs;
	const char *why;	/* NULL: ran to UCALL_DONE */
};

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *t = arg;
	struct ucall uc;
	u64 cmd;

	if (run_on(t->cpu)) {
		t->why = "cannot run on its CPU";
		return NULL;
	}
	for (;;) {
		cmd = vcpu_run_ucall(t->vcpu, &uc);
		if (cmd == UCALL_SYNC) {
			t->syncs++;
			continue;
		}
		if (cmd != UCALL_DONE)
			t->why = t->vcpu->why;
		return NULL;
	}
}

TEST_F(smp, two_vcpus_run_at_once_on_two_cpus)
{
	struct vcpu_thread t[2] = { { .cpu = 0 }, { .cpu = 1 } };
	pthread_t th[2];
	struct mhv_vm *vm;
	int i;

	vm = vm_create_with_one_vcpu(&t[0].vcpu, guest_add_shared);
	t[1].vcpu = vm_vcpu_add(vm, 1);
	vcpu_setup_long_mode(t[1].vcpu, guest_add_shared);
	shared_count = 0;
	sync_global_to_guest(vm, shared_count);

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, vcpu_thread_fn, &t[i]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	EXPECT_EQ(NULL, t[0].why) TH_LOG("vCPU 0: %s", t[0].why);
	EXPECT_EQ(NULL, t[1].why) TH_LOG("vCPU 1: %s", t[1].why);
	EXPECT_EQ(ADDS / SYNC_EVERY, t[0].syncs);
	EXPECT_EQ(ADDS / SYNC_EVERY, t[1].syncs);
	sync_global_from_guest(vm, shared_count);
	EXPECT_EQ(2 * ADDS, shared_count);
	vm_free(vm);
}

TEST_F(smp, cpu_offline_and_online_under_live_vms)
{
	struct mhv_vcpu *vcpu, *late_vcpu;
	struct mhv_vm *vm, *late;
	struct ucall uc;
	u64 i = 1;

	vm = vm_create_with_one_vcpu(&vcpu, guest_accumulate);
	vcpu_args_set(vcpu, 1, 3ULL);
	/* Its VMCS is active on CPU 1 when CPU 1 goes. */
	ASSERT_EQ(0, run_on(1));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, run_on(0));
	ASSERT_EQ(0, set_online(1, false));

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(sum_to(++i, 3), uc.args[0]);
	/* A VM made while CPU 1 is away. */
	late = vm_create_with_one_vcpu(&late_vcpu, guest_accumulate);
	vcpu_args_set(late_vcpu, 1, 5ULL);
	ASSERT_UCALL(late_vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(sum_to(1, 5), uc.args[0]);

	/* Back, and in VMX operation again: both run there. */
	ASSERT_EQ(0, set_online(1, true));
	ASSERT_EQ(0, run_on(1));
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(sum_to(++i, 3), uc.args[0]);
	ASSERT_UCALL(late_vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(sum_to(2, 5), uc.args[0]);
	vm_free(late);
	vm_free(vm);

	/* With no VM left mhv is out of VMX: CPU hotplug has nothing to undo. */
	ASSERT_EQ(0, run_on(0));
	ASSERT_EQ(0, set_online(1, false));
	ASSERT_EQ(0, set_online(1, true));
}

TEST_HARNESS_MAIN
