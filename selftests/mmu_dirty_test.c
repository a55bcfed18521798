// SPDX-License-Identifier: GPL-2.0
/*
 * Log-dirty: a slot switched to MHV_MEM_LOG_DIRTY while it has 2 MiB
 * leaves (they are split), then rounds of guest writes; each
 * MHV_GET_DIRTY_LOG must return exactly the pages written since the last.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "mmu_util.h"

#define LOG_GPA		(SZ1G)
#define LOG_SIZE	(4ULL << 20)
#define LOG_PAGES	(LOG_SIZE / SZ4K)
#define ROUNDS		6

/* Whether round @r writes page @i: a different scattered set each round. */
static inline bool written(u64 r, u64 i)
{
	u64 h = (i + 1) * 0x9e3779b97f4a7c15ULL ^ (r * 0xbf58476d1ce4e5b9ULL);

	return ((h >> 29) % 5) == 0 || i == r * 37;
}

static void guest_dirty(void)
{
	u64 r, i, sum = 0;

	/* Round 0: every page, while the slot is not logged (2M leaves). */
	for (i = 0; i < LOG_PAGES; i++)
		gwrite(LOG_GPA + i * SZ4K, i);
	GUEST_SYNC(0);
	for (r = 1; r <= ROUNDS; r++) {
		for (i = 0; i < LOG_PAGES; i++) {
			/* Reads must never count as dirty. */
			sum += gread(LOG_GPA + i * SZ4K + 8);
			if (written(r, i)) {
				gwrite(LOG_GPA + i * SZ4K + 16, r);
				gwrite(LOG_GPA + i * SZ4K + 24, r);
			}
		}
		GUEST_SYNC(r);
	}
	GUEST_SYNC(sum);
	GUEST_DONE();
}

static int get_log(struct mhv_vm *vm, u32 slot, void *bitmap)
{
	struct mhv_dirty_log log = { .slot = slot, .bitmap = (u64)(unsigned long)bitmap };

	return ioctl(vm->fd, MHV_GET_DIRTY_LOG, &log);
}

TEST(dirty_log_matches_guest_writes)
{
	u64 bitmap[LOG_PAGES / 64], expect[LOG_PAGES / 64], r, i;
	struct mhv_vm_stats st0, st1;
	bool thp_was_off;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	void *hva;

	thp_was_off = thp_force_on();
	vm = vm_create_mmu(0, 0, false, &vcpu, guest_dirty);
	hva = vm_region(vm, 1, 0, LOG_GPA, LOG_SIZE, true);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	thp_restore(thp_was_off);
	vm_stats(vm, &st0);
	/* Not logged yet. */
	EXPECT_EQ(-1, get_log(vm, 1, bitmap));
	EXPECT_EQ(EINVAL, errno);

	vm_set_memory_region(vm, 1, MHV_MEM_LOG_DIRTY, LOG_GPA, LOG_SIZE, hva);
	vm_stats(vm, &st1);
	/* Round 0 ran on 2M leaves; in place: nothing unpinned, all split to 4K. */
	EXPECT_GT(st0.pages_2m, 0);
	EXPECT_EQ(0, st1.pages_2m);
	EXPECT_EQ(st0.pages_pinned, st1.pages_pinned);
	EXPECT_EQ(st0.pages_mapped, st1.pages_mapped);
	EXPECT_EQ(st0.splits + st0.pages_2m / 512 - st1.pages_2m / 512, st1.splits);
	TH_LOG("huge-page region: %llu pages in 2M leaves before logging, %llu after; %llu splits",
	       st0.pages_2m, st1.pages_2m, st1.splits - st0.splits);
	ASSERT_EQ(0, get_log(vm, 1, bitmap));
	for (i = 0; i < LOG_PAGES / 64; i++)
		ASSERT_EQ(0, bitmap[i]);

	for (r = 1; r <= ROUNDS; r++) {
		u64 n = 0;

		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		ASSERT_EQ(r, uc.args[0]);
		memset(bitmap, 0xff, sizeof(bitmap));
		ASSERT_EQ(0, get_log(vm, 1, bitmap));
		memset(expect, 0, sizeof(expect));
		for (i = 0; i < LOG_PAGES; i++)
			if (written(r, i)) {
				expect[i / 64] |= 1ULL << (i % 64);
				n++;
			}
		for (i = 0; i < LOG_PAGES / 64; i++)
			ASSERT_EQ(expect[i], bitmap[i])
				TH_LOG("round %llu, pages %llu..%llu", r, i * 64, i * 64 + 63);
		/* Nothing written since: an empty log. */
		ASSERT_EQ(0, get_log(vm, 1, bitmap));
		for (i = 0; i < LOG_PAGES / 64; i++)
			ASSERT_EQ(0, bitmap[i]);
		TH_LOG("round %llu: %llu pages dirty, all reported", r, n);
	}
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(dirty_log_errors)
{
	struct mhv_dirty_log log = { .slot = 1 };
	u64 bitmap[4];
	struct mhv_vm *vm;

	vm = vm_create(MHV_DEFAULT_MEM_SIZE);
	vm_region(vm, 1, MHV_MEM_LOG_DIRTY, SZ1G, 64 * SZ4K, false);
	EXPECT_EQ(0, get_log(vm, 1, bitmap));
	EXPECT_EQ(-1, get_log(vm, 0, bitmap));		/* not logged */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, get_log(vm, 5, bitmap));		/* no such slot */
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, get_log(vm, 32, bitmap));		/* no such slot id */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, get_log(vm, 1, NULL));
	EXPECT_EQ(EFAULT, errno);
	log.bitmap = (u64)(unsigned long)bitmap;
	log.pad = 1;
	EXPECT_EQ(-1, ioctl(vm->fd, MHV_GET_DIRTY_LOG, &log));
	EXPECT_EQ(EINVAL, errno);
	log.pad = 0;
	log.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(vm->fd, MHV_GET_DIRTY_LOG, &log));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, MHV_GET_DIRTY_LOG, NULL));
	EXPECT_EQ(EFAULT, errno);
	vm_free(vm);
}

TEST_HARNESS_MAIN
