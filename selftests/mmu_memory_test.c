// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory as the mmu builds it: sparse regions across 1 GiB, lazy
 * population (one EPT fault per page touched), 2 MiB leaves over huge
 * pages, read-only regions, isolation between VMs, a region removed under
 * a running vCPU, the EPT pool running out and growing, the debugfs view,
 * and the cost of a first touch (printed, not judged).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmu_util.h"

#define NR_SPARSE	8
#define SPARSE_GPA(k)	(0x4000000ULL + (k) * 0x8000000ULL)	/* 64 MiB + k * 128 MiB */
#define SPARSE_SIZE	(4ULL << 20)
#define MAGIC		0x6d68766d656d0000ULL
#define LAZY_GPA	(2 * SZ1G)
#define LAZY_PAGES	64ULL
#define HUGE_GPA	(3 * SZ1G)
#define HUGE_SIZE	(8ULL << 20)

static const u64 sparse_pages[] = { 0, 1, 511, 512, 1023 };

static void guest_sparse(void)
{
	unsigned int k, i;

	for (k = 0; k < NR_SPARSE; k++)
		for (i = 0; i < ARRAY_SIZE(sparse_pages); i++) {
			u64 gpa = SPARSE_GPA(k) + sparse_pages[i] * SZ4K + 8 * i;

			gwrite(gpa, gpa ^ MAGIC);
		}
	for (k = 0; k < NR_SPARSE; k++)
		for (i = 0; i < ARRAY_SIZE(sparse_pages); i++) {
			u64 gpa = SPARSE_GPA(k) + sparse_pages[i] * SZ4K + 8 * i;

			GUEST_ASSERT_EQ(gread(gpa), gpa ^ MAGIC);
		}
	GUEST_DONE();
}

TEST(sparse_pattern_across_1g)
{
	struct mhv_vm_stats before, after;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	char *hva[NR_SPARSE];
	struct ucall uc;
	unsigned int k, i, n = ARRAY_SIZE(sparse_pages);

	vm = vm_create_mmu(0, 0, true, &vcpu, guest_sparse);
	for (k = 0; k < NR_SPARSE; k++)
		hva[k] = vm_region(vm, 1 + k, 0, SPARSE_GPA(k), SPARSE_SIZE, false);
	vm_stats(vm, &before);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_stats(vm, &after);
	/* The guest's writes are in the owner's memory, page by page. */
	for (k = 0; k < NR_SPARSE; k++)
		for (i = 0; i < n; i++) {
			u64 off = sparse_pages[i] * SZ4K + 8 * i;

			ASSERT_EQ((SPARSE_GPA(k) + off) ^ MAGIC, *(u64 *)(hva[k] + off));
		}
	/* Only the touched pages were mapped: sparse stays sparse. */
	EXPECT_EQ(NR_SPARSE * n, after.pages_mapped - before.pages_mapped);
	EXPECT_EQ(NR_SPARSE * n, after.ept_faults - before.ept_faults);
	vm_free(vm);
}

static void guest_touch(u64 base, u64 npages, u64 stride)
{
	u64 t0, t1, t2, i;

	GUEST_SYNC(0);
	t0 = rdtsc();
	for (i = 0; i < npages; i++)
		gread(base + i * stride);
	t1 = rdtsc();
	/* The same loop over mapped pages: the cost without the faults. */
	for (i = 0; i < npages; i++)
		gread(base + i * stride);
	t2 = rdtsc();
	GUEST_SYNC_ARGS(1, t1 - t0, t2 - t1, 0);
	GUEST_DONE();
}

TEST(lazy_population_one_fault_per_page)
{
	struct mhv_vm_stats before, after, done;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_mmu(0, 0, true, &vcpu, guest_touch);
	vm_region(vm, 1, 0, LAZY_GPA, LAZY_PAGES * SZ4K, false);
	vcpu_args_set(vcpu, 3, LAZY_GPA, LAZY_PAGES, SZ4K);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vm_stats(vm, &before);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vm_stats(vm, &after);
	EXPECT_EQ(LAZY_PAGES, after.ept_faults - before.ept_faults);
	EXPECT_EQ(LAZY_PAGES, after.pages_mapped - before.pages_mapped);
	EXPECT_EQ(LAZY_PAGES, after.pages_pinned - before.pages_pinned);
	EXPECT_EQ(0, after.mmio_faults - before.mmio_faults);
	TH_LOG("4K: first touch of %llu fresh pages, %llu EPT faults",
	       LAZY_PAGES, after.ept_faults - before.ept_faults);
	TH_LOG("4K: %llu guest TSC cycles per first touch (mapped: %llu per touch)",
	       uc.args[1] / LAZY_PAGES, uc.args[2] / LAZY_PAGES);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_stats(vm, &done);
	EXPECT_EQ(after.ept_faults, done.ept_faults);
	vm_free(vm);
}

TEST(huge_pages_give_2m_leaves)
{
	struct mhv_vm_stats before, after;
	u64 npages = HUGE_SIZE / SZ4K, faults;
	bool thp_was_off;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	thp_was_off = thp_force_on();
	vm = vm_create_mmu(0, 0, true, &vcpu, guest_touch);
	vm_region(vm, 1, 0, HUGE_GPA, HUGE_SIZE, true);
	vcpu_args_set(vcpu, 3, HUGE_GPA, npages, SZ4K);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vm_stats(vm, &before);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	vm_stats(vm, &after);
	thp_restore(thp_was_off);
	faults = after.ept_faults - before.ept_faults;
	ASSERT_GT(after.pages_2m, before.pages_2m);
	EXPECT_EQ(npages, after.pages_mapped - before.pages_mapped);
	EXPECT_EQ(npages, after.pages_pinned - before.pages_pinned);
	ASSERT_GT(faults, 0);
	TH_LOG("2M: %llu pages touched, %llu EPT faults: %llu pages/fault, %llu in 2M leaves",
	       npages, faults, npages / faults, after.pages_2m - before.pages_2m);
	TH_LOG("2M: %llu guest TSC cycles per page touched (mapped: %llu), %llu per fault",
	       uc.args[1] / npages, uc.args[2] / npages, uc.args[1] / faults);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

#define RO_GPA		(SZ1G + 0x10000000ULL)
#define RO_VALUE	0x0123456789abcdefULL

static void guest_readonly(void)
{
	GUEST_ASSERT_EQ(gread(RO_GPA), RO_VALUE);
	gwrite(RO_GPA, 42);
	GUEST_ASSERT_EQ(gread(RO_GPA), RO_VALUE);
	GUEST_DONE();
}

TEST(readonly_region_write_is_mmio)
{
	struct mhv_vm_stats st;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	u64 *hva;

	vm = vm_create_mmu(0, 0, false, &vcpu, guest_readonly);
	hva = mmap_aligned(SZ4K, false);
	*hva = RO_VALUE;
	vm_set_memory_region(vm, 1, MHV_MEM_READONLY, RO_GPA, SZ4K, hva);
	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(RO_GPA, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(1, vcpu->run->mmio.is_write);
	EXPECT_EQ(42, vcpu->run->mmio.data);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	EXPECT_EQ(RO_VALUE, *hva);
	vm_stats(vm, &st);
	EXPECT_EQ(1, st.mmio_faults);
	vm_free(vm);
}

#define SECRET_GPA	(SZ1G)
#define SECRET_SIZE	(2ULL << 20)

/* VM A: its secret everywhere in a region. */
static void guest_secret_writer(u64 secret)
{
	u64 i;

	for (i = 0; i < SECRET_SIZE; i += 8)
		gwrite(SECRET_GPA + i, secret);
	GUEST_DONE();
}

/* VM B: every qword of its memory but its own stack; the secret only ever in registers. */
static void guest_secret_scanner(u64 not_secret, u64 stack_lo, u64 mem_top)
{
	u64 secret = ~not_secret, found = 0, a;

	for (a = 0; a < stack_lo; a += 8)
		found += gread(a) == secret;
	for (a = SECRET_GPA; a < mem_top; a += 8)
		found += gread(a) == secret;
	GUEST_SYNC(found);
	GUEST_DONE();
}

TEST(vms_cannot_see_each_other)
{
	struct mhv_vcpu *va, *vb;
	struct mhv_vm *a, *b;
	struct ucall uc;
	u64 secret;

	srand(time(NULL) ^ getpid());
	secret = ((u64)rand() << 33) ^ ((u64)rand() << 11) ^ rand() ^ 0x8000000000000001ULL;
	a = vm_create_mmu(0, 0, true, &va, guest_secret_writer);
	vm_region(a, 1, 0, SECRET_GPA, SECRET_SIZE, false);
	vcpu_args_set(va, 1, secret);
	ASSERT_UCALL(va, UCALL_DONE, &uc);

	b = vm_create_mmu(0, 0, true, &vb, guest_secret_scanner);
	vm_region(b, 1, 0, SECRET_GPA, SECRET_SIZE, false);
	vcpu_args_set(vb, 3, ~secret, MHV_DEFAULT_MEM_SIZE - MHV_MAX_VCPUS * MHV_STACK_SIZE,
		      SECRET_GPA + SECRET_SIZE);
	ASSERT_UCALL(vb, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]);
	ASSERT_UCALL(vb, UCALL_DONE, &uc);
	vm_free(b);
	vm_free(a);
}

#define GONE_GPA	(SZ1G + 0x20000000ULL)

static void guest_write_forever(void)
{
	u64 i = 0;

	gwrite(GONE_GPA, i);
	GUEST_SYNC(0);
	for (;;)
		gwrite(GONE_GPA, ++i);
}

struct deleter {
	struct mhv_vm *vm;
	int ret;
};

static void *delete_region(void *arg)
{
	struct deleter *d = arg;

	usleep(200 * 1000);
	d->ret = __vm_set_memory_region(d->vm, 1, 0, GONE_GPA, 0, NULL);
	return NULL;
}

TEST(region_removed_under_running_vcpu)
{
	struct deleter d = { .ret = -1 };
	struct mhv_vm_stats st;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	pthread_t t;

	vm = vm_create_mmu(0, 0, false, &vcpu, guest_write_forever);
	vm_region(vm, 1, 0, GONE_GPA, 16 * SZ4K, false);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	d.vm = vm;
	ASSERT_EQ(0, pthread_create(&t, NULL, delete_region, &d));
	/* Runs the write loop until the slot is gone: then the write is MMIO. */
	vcpu_run(vcpu);
	pthread_join(t, NULL);
	ASSERT_EQ(0, d.ret);
	ASSERT_EXIT(vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(GONE_GPA, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(1, vcpu->run->mmio.is_write);
	vm->slots[1].used = false;
	vcpu_run(vcpu);
	ASSERT_EXIT(vcpu, MHV_EXIT_MMIO);
	vm_stats(vm, &st);
	EXPECT_GE(st.mmio_faults, 2);
	vm_free(vm);
}

#define POOL_GPA	(SZ1G * 2)
#define POOL_FRAMES	32ULL

static void guest_touch_frames(void)
{
	u64 i;

	for (i = 0; i < POOL_FRAMES; i++)
		gwrite(POOL_GPA + i * SZ2M, i);
	GUEST_DONE();
}

static int set_pool(struct mhv_vm *vm, u64 pages, u64 reserved)
{
	struct mhv_ept_pool p = { .pages = pages, .reserved = { reserved } };

	return ioctl(vm->fd, MHV_SET_EPT_POOL, &p);
}

TEST(ept_pool_exhaustion_is_reported_and_growth_recovers)
{
	struct mhv_vm_stats st;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_mmu(0, 16, false, &vcpu, guest_touch_frames);
	/* Each 2M frame touched at 4K needs a page table of its own. */
	vm_region(vm, 1, 0, POOL_GPA, POOL_FRAMES * SZ2M, false);
	ASSERT_EQ(-1, __vcpu_run(vcpu));
	ASSERT_EQ(ENOMEM, errno);
	vm_stats(vm, &st);
	EXPECT_EQ(16, st.pool_total);
	EXPECT_EQ(16, st.pool_used);

	EXPECT_EQ(-1, set_pool(vm, st.pool_used - 1, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, set_pool(vm, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_pool(vm, 65537, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_pool(vm, 64, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, MHV_SET_EPT_POOL, NULL));
	EXPECT_EQ(EFAULT, errno);

	ASSERT_EQ(0, set_pool(vm, 64, 0));
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_stats(vm, &st);
	EXPECT_EQ(64, st.pool_total);
	/* Shrinking to what is in use is fine. */
	EXPECT_EQ(0, set_pool(vm, st.pool_used, 0));
	vm_stats(vm, &st);
	EXPECT_EQ(st.pool_used, st.pool_total);
	vm_free(vm);
}

TEST(debugfs_stats_follow_the_vm)
{
	char path[320], buf[1024];
	struct mhv_vm_stats st;
	struct mhv_vm *vm;
	int before = count_vm_dirs(), n;
	FILE *f = NULL;
	DIR *d;
	struct dirent *e;

	vm = vm_create(MHV_DEFAULT_MEM_SIZE);
	ASSERT_EQ(before + 1, count_vm_dirs());
	d = opendir("/sys/kernel/debug/mhv");
	ASSERT_NE(NULL, d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/mhv/%s/stats", e->d_name);
		f = fopen(path, "r");
		if (f)
			break;
	}
	closedir(d);
	ASSERT_NE(NULL, f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = 0;
	EXPECT_NE(NULL, strstr(buf, "pages_mapped "));
	EXPECT_NE(NULL, strstr(buf, "balloon_pages "));
	EXPECT_NE(NULL, strstr(buf, "pool_total "));

	EXPECT_EQ(-1, ioctl(vm->fd, MHV_GET_VM_STATS, NULL));
	EXPECT_EQ(EFAULT, errno);
	vm_stats(vm, &st);
	EXPECT_EQ(0, st.pmem_pages_mapped);
	EXPECT_EQ(512, st.pool_total);
	vm_free(vm);
	EXPECT_EQ(before, count_vm_dirs());
}

TEST_HARNESS_MAIN
