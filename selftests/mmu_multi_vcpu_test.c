// SPDX-License-Identifier: GPL-2.0
/*
 * Two vCPUs of one VM, each on its own thread (time-sharing the machine's
 * CPU): locked adds on one guest page lose nothing; both fault fresh pages
 * into the shared EPT; and each dirty-log fetch re-arms logging under both,
 * so every page either vCPU writes in the next round is logged again.
 * A missing TLB flush after the fetch does not show in Bochs (measured by
 * removing it): the vCPUs exit to user space between rounds, and Bochs
 * seems to keep no EPT translation across that.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "mmu_util.h"

#define ADDS		20000
#define SYNC_EVERY	2000
#define ROUNDS		4
#define PAGES		32		/* per vCPU */
#define LOG_GPA		SZ1G
#define LOG_SIZE	(2 * PAGES * SZ4K)

static u64 shared_count;

static void guest_add(u64 id)
{
	u64 i, r, p;

	for (i = 1; i <= ADDS; i++) {
		__atomic_add_fetch(&shared_count, 1, __ATOMIC_SEQ_CST);
		if (i % SYNC_EVERY == 0)
			GUEST_SYNC(0);
	}
	/* Each round writes all of this vCPU's pages, then waits for the host. */
	for (r = 1; r <= ROUNDS; r++) {
		for (p = 0; p < PAGES; p++)
			gwrite(LOG_GPA + (id * PAGES + p) * SZ4K, r << 8 | id);
		GUEST_SYNC(r);
	}
	GUEST_DONE();
}

struct worker {
	struct mhv_vcpu *vcpu;
	pthread_barrier_t *round_done, *log_read;
	const char *why;	/* NULL: ran to UCALL_DONE */
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	u64 cmd, round = 0;
	struct ucall uc;

	for (;;) {
		cmd = vcpu_run_ucall(w->vcpu, &uc);
		if (cmd == UCALL_SYNC && !uc.args[0])
			continue;
		if (cmd != UCALL_SYNC)
			break;
		round++;
		pthread_barrier_wait(w->round_done);
		pthread_barrier_wait(w->log_read);
	}
	if (cmd != UCALL_DONE)
		w->why = w->vcpu->why;
	/* A vCPU that stopped early still keeps the host's rounds going. */
	for (; round < ROUNDS; round++) {
		pthread_barrier_wait(w->round_done);
		pthread_barrier_wait(w->log_read);
	}
	return NULL;
}

TEST(two_vcpus_share_memory_faults_and_the_dirty_log)
{
	pthread_barrier_t round_done, log_read;
	u64 bitmap[LOG_SIZE / SZ4K / 64];
	struct mhv_dirty_log log = { .slot = 1, .bitmap = (u64)(unsigned long)bitmap };
	struct worker w[2] = { 0 };
	pthread_t th[2];
	struct mhv_vm *vm;
	u64 *mem, r;
	int i, n;

	vm = vm_create_with_one_vcpu(&w[0].vcpu, guest_add);
	w[1].vcpu = vm_vcpu_add(vm, 1);
	vcpu_setup_long_mode(w[1].vcpu, guest_add);
	vcpu_args_set(w[0].vcpu, 1, 0ULL);
	vcpu_args_set(w[1].vcpu, 1, 1ULL);
	shared_count = 0;
	sync_global_to_guest(vm, shared_count);
	mem = vm_mem_region_add(vm, 1, MHV_MEM_LOG_DIRTY, LOG_GPA, LOG_SIZE);

	ASSERT_EQ(0, pthread_barrier_init(&round_done, NULL, 3));
	ASSERT_EQ(0, pthread_barrier_init(&log_read, NULL, 3));
	for (i = 0; i < 2; i++) {
		w[i].round_done = &round_done;
		w[i].log_read = &log_read;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, worker_fn, &w[i]));
	}
	for (r = 1; r <= ROUNDS; r++) {
		pthread_barrier_wait(&round_done);
		if (!w[0].why && !w[1].why) {
			memset(bitmap, 0, sizeof(bitmap));
			EXPECT_EQ(0, ioctl(vm->fd, MHV_GET_DIRTY_LOG, &log));
			for (i = 0, n = 0; i < (int)(LOG_SIZE / SZ4K); i++)
				n += !!(bitmap[i / 64] & (1ULL << (i % 64)));
			EXPECT_EQ(2 * PAGES, n) TH_LOG("round %llu", r);
		}
		pthread_barrier_wait(&log_read);
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	EXPECT_EQ(NULL, w[0].why) TH_LOG("vCPU 0: %s", w[0].why);
	EXPECT_EQ(NULL, w[1].why) TH_LOG("vCPU 1: %s", w[1].why);

	sync_global_from_guest(vm, shared_count);
	EXPECT_EQ(2 * ADDS, shared_count);
	for (i = 0; i < 2 * PAGES; i++)
		EXPECT_EQ((u64)ROUNDS << 8 | (i / PAGES), mem[i * SZ4K / 8]) TH_LOG("page %d", i);
	pthread_barrier_destroy(&round_done);
	pthread_barrier_destroy(&log_read);
	vm_free(vm);
}

TEST_HARNESS_MAIN
