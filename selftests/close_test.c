// SPDX-License-Identifier: GPL-2.0
/*
 * Closing fds in any order: a vCPU fd keeps its VM alive, and closing the
 * fds while another thread is inside MHV_RUN lets that run go on until it
 * returns (here on a signal); then everything is freed (kmemleak, run by
 * the harness afterward, checks that).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

static void guest_spin(void)
{
	for (;;)
		asm volatile("pause" : : : "memory");
}

static void guest_done(void)
{
	GUEST_DONE();
}

TEST(vcpu_runs_after_its_vm_fd_is_closed)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	ASSERT_EQ(0, close(vm->fd));
	vm->fd = -1;
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(vm_runs_another_vcpu_after_one_is_closed)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	vcpu_free(vcpu);
	vcpu = vm_vcpu_add(vm, 1);
	vcpu_setup_long_mode(vcpu, guest_done);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

struct runner {
	struct mhv_vcpu *vcpu;
	int fd;
	int started;
	int ret, err;
};

static void on_usr1(int sig)
{
}

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	__atomic_store_n(&r->started, 1, __ATOMIC_SEQ_CST);
	r->ret = ioctl(r->fd, MHV_RUN, 0);
	r->err = errno;
	return NULL;
}

/* Close the fds (VM first or vCPU first) while a thread runs the vCPU. */
static void close_mid_run(struct __test_metadata *_metadata, bool vm_first)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	struct timespec t = { .tv_nsec = 300000000 };
	struct runner r = { 0 };
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	pthread_t thread;
	struct mhv_run *run;
	struct ucall uc;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	vm = vm_create_with_one_vcpu(&vcpu, guest_spin);
	r.vcpu = vcpu;
	r.fd = vcpu->fd;
	run = vcpu->run;
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_thread, &r));
	while (!__atomic_load_n(&r.started, __ATOMIC_SEQ_CST))
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	nanosleep(&t, NULL);	/* well inside MHV_RUN by now */

	if (vm_first) {
		ASSERT_EQ(0, close(vm->fd));
		ASSERT_EQ(0, close(vcpu->fd));
	} else {
		ASSERT_EQ(0, close(vcpu->fd));
		ASSERT_EQ(0, close(vm->fd));
	}
	vm->fd = -1;
	vcpu->fd = -1;
	nanosleep(&t, NULL);	/* the guest still spins */

	ASSERT_EQ(0, pthread_kill(thread, SIGUSR1));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(MHV_EXIT_INTR, run->exit_reason);

	/* The last reference: the run page mapping. */
	vm_free(vm);

	/* And the host is fine. */
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(close_vcpu_then_vm_while_running)
{
	close_mid_run(_metadata, false);
}

TEST(close_vm_then_vcpu_while_running)
{
	close_mid_run(_metadata, true);
}

TEST(close_in_any_order_without_running)
{
	struct mhv_vm *vm;
	int i, vcpu_fd[3];

	for (i = 0; i < 3; i++) {
		vm = vm_create(0x10000);
		vcpu_fd[0] = __vm_vcpu_add(vm, 0);
		vcpu_fd[1] = __vm_vcpu_add(vm, 1);
		vcpu_fd[2] = __vm_vcpu_add(vm, 2);
		ASSERT_GE(vcpu_fd[0], 0);
		ASSERT_GE(vcpu_fd[1], 0);
		ASSERT_GE(vcpu_fd[2], 0);
		if (i == 0)
			close(vm->fd);
		close(vcpu_fd[i]);
		close(vcpu_fd[(i + 1) % 3]);
		if (i == 1)
			close(vm->fd);
		close(vcpu_fd[(i + 2) % 3]);
		if (i == 2)
			close(vm->fd);
		vm->fd = -1;
		vm_free(vm);
	}
}

TEST_HARNESS_MAIN
