// SPDX-License-Identifier: GPL-2.0
/*
 * Who gets which bytes: exclusive regions are one VM's, shared ones are
 * seen by every VM that asked to share, read-only ones cannot be written,
 * a detached one goes to the next VM with its bytes;
 * every bad argument gets its own errno; attaching costs the same for
 * 2 MiB and for 1 GiB.
 */
#include <time.h>

#include "kselftest_harness.h"
#include "pmem_util.h"

static void guest_store_value(__u64 gpa, __u64 value)
{
	guest_store((__u64 *)gpa, value);
	GUEST_DONE();
}

static void guest_load_value(__u64 gpa)
{
	GUEST_SYNC(guest_load((__u64 *)gpa));
	GUEST_DONE();
}

static void guest_done(void)
{
	GUEST_DONE();
}

FIXTURE(pmem) {
	int dev_fd, ns_fd;
};

FIXTURE_SETUP(pmem)
{
	self->dev_fd = mhv_open_dev();
	self->ns_fd = pmem_open(O_RDWR);
	ASSERT_EQ(0, pmem_format(self->dev_fd, self->ns_fd));
}

FIXTURE_TEARDOWN(pmem)
{
	close(self->ns_fd);
	close(self->dev_fd);
}

TEST_F(pmem, exclusive_is_busy_shared_is_seen)
{
	struct mhv_vcpu *v1, *v2, *v3;
	struct mhv_vm *vm1, *vm2, *vm3;
	__u64 off = 0;
	struct ucall uc;

	ASSERT_EQ(0, pmem_create(self->dev_fd, self->ns_fd, "excl", SZ_2M, 0, &off));
	ASSERT_EQ(0, pmem_create(self->dev_fd, self->ns_fd, "shr", SZ_2M, MHV_PMEM_SHARED, NULL));
	/* Placing a region over an exclusive one is refused. */
	EXPECT_EQ(-EBUSY, pmem_create(self->dev_fd, self->ns_fd, "over", SZ_2M,
				      MHV_PMEM_SHARED, &off));

	vm1 = vm_create_with_one_vcpu(&v1, guest_store_value);
	vm2 = vm_create_with_one_vcpu(&v2, guest_load_value);
	vm3 = vm_create_with_one_vcpu(&v3, guest_done);
	ASSERT_EQ(0, pmem_attach(vm1, self->ns_fd, "excl", PMEM_GPA, 0, NULL));
	EXPECT_EQ(-EBUSY, pmem_attach(vm2, self->ns_fd, "excl", PMEM_GPA, 0, NULL));
	/* Sharing must be asked for when the region is made. */
	EXPECT_EQ(-EINVAL, pmem_attach(vm2, self->ns_fd, "excl", PMEM_GPA,
				       MHV_PMEM_SHARED, NULL));
	ASSERT_EQ(0, pmem_attach(vm1, self->ns_fd, "shr", PMEM_GPA + SZ_2M,
				 MHV_PMEM_SHARED, NULL));
	ASSERT_EQ(0, pmem_attach(vm2, self->ns_fd, "shr", PMEM_GPA, MHV_PMEM_SHARED, NULL));
	/* Both sides must ask: an exclusive attach of a shared-in-use region fails. */
	EXPECT_EQ(-EBUSY, pmem_attach(vm3, self->ns_fd, "shr", PMEM_GPA, 0, NULL));
	EXPECT_EQ(-EEXIST, pmem_attach(vm2, self->ns_fd, "shr", PMEM_GPA + SZ_2M,
				       MHV_PMEM_SHARED, NULL));

	vcpu_args_set(v1, 2, PMEM_GPA + SZ_2M, 0x5ba4edULL);
	ASSERT_UCALL(v1, UCALL_DONE, &uc);
	vcpu_args_set(v2, 1, PMEM_GPA);
	ASSERT_UCALL(v2, UCALL_SYNC, &uc);
	EXPECT_EQ(0x5ba4edULL, uc.args[0]);

	/* vm1 gone: its exclusive region is free for another VM. */
	vm_free(vm1);
	EXPECT_EQ(0, pmem_attach(vm3, self->ns_fd, "excl", PMEM_GPA, 0, NULL));
	vm_free(vm2);
	vm_free(vm3);
}

/* Store, wait for the host, store again. */
static void guest_store_twice(__u64 gpa, __u64 value)
{
	guest_store((__u64 *)gpa, value);
	GUEST_SYNC(0);
	guest_store((__u64 *)gpa, value + 1);
	GUEST_DONE();
}

static int pmem_detach(struct mhv_vm *vm, __u64 gpa)
{
	struct mhv_pmem_detach d = { .guest_phys_addr = gpa };

	return pmem_ioctl(vm->fd, MHV_DETACH_PMEM, &d);
}

TEST_F(pmem, detach_gives_the_region_back)
{
	struct mhv_pmem_detach bad = { .guest_phys_addr = PMEM_GPA, .reserved[2] = 1 };
	struct mhv_vcpu *v1, *v2;
	struct mhv_vm *vm1, *vm2;
	struct mhv_vm_stats st;
	struct ucall uc;

	ASSERT_EQ(0, pmem_create(self->dev_fd, self->ns_fd, "moving", SZ_2M, 0, NULL));
	vm1 = vm_create_with_one_vcpu(&v1, guest_store_twice);
	vm2 = vm_create_with_one_vcpu(&v2, guest_load_value);
	ASSERT_EQ(0, pmem_attach(vm1, self->ns_fd, "moving", PMEM_GPA, 0, NULL));
	EXPECT_EQ(-EBUSY, pmem_attach(vm2, self->ns_fd, "moving", PMEM_GPA, 0, NULL));
	vcpu_args_set(v1, 2, PMEM_GPA, 0xde7a11edULL);
	ASSERT_UCALL(v1, UCALL_SYNC, &uc);

	EXPECT_EQ(-EINVAL, pmem_ioctl(vm1->fd, MHV_DETACH_PMEM, &bad));
	EXPECT_EQ(-EINVAL, pmem_detach(vm1, PMEM_GPA + 4096));
	EXPECT_EQ(-ENOENT, pmem_detach(vm1, PMEM_GPA + SZ_2M));
	ASSERT_EQ(0, pmem_detach(vm1, PMEM_GPA));
	EXPECT_EQ(-ENOENT, pmem_detach(vm1, PMEM_GPA));
	vm_stats(vm1, &st);
	EXPECT_EQ(0, st.pmem_pages_mapped);
	/* The guest finds nothing there any more: its second store is MMIO. */
	EXPECT_EQ(UCALL_NONE, vcpu_run_ucall(v1, &uc));
	ASSERT_EXIT(v1, MHV_EXIT_MMIO);
	EXPECT_EQ(PMEM_GPA, v1->run->mmio.phys_addr);

	/* Free for another VM, with what the first one wrote. */
	ASSERT_EQ(0, pmem_attach(vm2, self->ns_fd, "moving", PMEM_GPA, 0, NULL));
	vcpu_args_set(v2, 1, PMEM_GPA);
	ASSERT_UCALL(v2, UCALL_SYNC, &uc);
	EXPECT_EQ(0xde7a11edULL, uc.args[0]);
	vm_free(vm1);
	vm_free(vm2);
}

TEST_F(pmem, readonly_cannot_be_written)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	int ro_fd = pmem_open(O_RDONLY);

	ASSERT_EQ(0, pmem_create(self->dev_fd, self->ns_fd, "ro", SZ_2M, 0, NULL));
	vm = vm_create_with_one_vcpu(&vcpu, guest_store_value);
	/* A read-only fd gives read-only guests only. */
	EXPECT_EQ(-EBADF, pmem_attach(vm, ro_fd, "ro", PMEM_GPA, 0, NULL));
	ASSERT_EQ(0, pmem_attach(vm, ro_fd, "ro", PMEM_GPA, MHV_PMEM_READONLY, NULL));
	vcpu_args_set(vcpu, 2, PMEM_GPA + 8, 1ULL);
	EXPECT_EQ(UCALL_NONE, vcpu_run_ucall(vcpu, &uc));
	ASSERT_EXIT(vcpu, MHV_EXIT_MMIO);
	EXPECT_EQ(PMEM_GPA + 8, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(1, vcpu->run->mmio.is_write);
	vm_free(vm);
	close(ro_fd);
}

TEST_F(pmem, bad_arguments)
{
	struct mhv_pmem_attach a = { .fd = self->ns_fd, .name = "r", .guest_phys_addr = PMEM_GPA };
	struct mhv_pmem_region e[1];
	struct mhv_pmem_list l = { .fd = self->ns_fd, .count = 1, .entries = (unsigned long)e };
	struct mhv_pmem_format f = { .fd = self->ns_fd };
	struct mhv_memory_region ram = { .slot = 5, .guest_phys_addr = PMEM_GPA + 4096,
					 .size = 4096 };
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	__u64 off, end;
	int null_fd = open("/dev/null", O_RDWR), ro_fd = pmem_open(O_RDONLY);

	ASSERT_EQ(0, pmem_create(self->dev_fd, self->ns_fd, "r", SZ_2M, 0, NULL));
	ASSERT_EQ(0, pmem_create(self->dev_fd, self->ns_fd, "r2", SZ_2M, 0, NULL));
	ASSERT_EQ(-E2BIG, pmem_ioctl(self->dev_fd, MHV_PMEM_LIST, &l));
	EXPECT_EQ(2, l.count);
	end = l.namespace_size;

	/* Region table. */
	EXPECT_EQ(-EINVAL, pmem_create(self->dev_fd, self->ns_fd, "x", SZ_2M / 2, 0, NULL));
	off = 3 * SZ_2M + 4096;
	EXPECT_EQ(-EINVAL, pmem_create(self->dev_fd, self->ns_fd, "x", SZ_2M, 0, &off));
	off = end & ~(SZ_2M - 1);
	EXPECT_EQ(-ERANGE, pmem_create(self->dev_fd, self->ns_fd, "x", 2 * SZ_2M, 0, &off));
	EXPECT_EQ(-ENOSPC, pmem_create(self->dev_fd, self->ns_fd, "x", end, 0, NULL));
	EXPECT_EQ(-EINVAL, pmem_create(self->dev_fd, self->ns_fd, "bad name", SZ_2M, 0, NULL));
	EXPECT_EQ(-EINVAL, pmem_create(self->dev_fd, self->ns_fd, "x", SZ_2M,
				       MHV_PMEM_READONLY, NULL));
	EXPECT_EQ(-ENOENT, pmem_remove(self->dev_fd, self->ns_fd, "x"));
	f.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, pmem_ioctl(self->dev_fd, MHV_PMEM_FORMAT, &f));
	f.reserved[1] = 0;
	f.fd = ro_fd;
	EXPECT_EQ(-EBADF, pmem_ioctl(self->dev_fd, MHV_PMEM_FORMAT, &f));
	f.fd = null_fd;
	EXPECT_EQ(-EINVAL, pmem_ioctl(self->dev_fd, MHV_PMEM_FORMAT, &f));
	f.fd = 1000;
	EXPECT_EQ(-EBADF, pmem_ioctl(self->dev_fd, MHV_PMEM_FORMAT, &f));

	/* Attach. */
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	a.guest_phys_addr = PMEM_GPA + 4096;
	EXPECT_EQ(-EINVAL, pmem_ioctl(vm->fd, MHV_ATTACH_PMEM, &a));
	a.guest_phys_addr = PMEM_GPA;
	a.flags = 1U << 5;
	EXPECT_EQ(-EINVAL, pmem_ioctl(vm->fd, MHV_ATTACH_PMEM, &a));
	a.flags = 0;
	a.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, pmem_ioctl(vm->fd, MHV_ATTACH_PMEM, &a));
	a.reserved[0] = 0;
	EXPECT_EQ(-ENOENT, pmem_attach(vm, self->ns_fd, "nosuch", PMEM_GPA, 0, NULL));
	EXPECT_EQ(-EINVAL, pmem_attach(vm, null_fd, "r", PMEM_GPA, 0, NULL));
	EXPECT_EQ(-EBADF, pmem_attach(vm, 1000, "r", PMEM_GPA, 0, NULL));
	/* Guest RAM is at GPA 0: pmem cannot go over it. */
	EXPECT_EQ(-EEXIST, pmem_attach(vm, self->ns_fd, "r", 0, 0, NULL));
	ASSERT_EQ(0, pmem_attach(vm, self->ns_fd, "r", PMEM_GPA, 0, NULL));
	EXPECT_EQ(-EEXIST, pmem_attach(vm, self->ns_fd, "r2", PMEM_GPA, 0, NULL));
	EXPECT_EQ(-EEXIST, pmem_attach(vm, self->ns_fd, "r", PMEM_GPA + SZ_2M, 0, NULL));
	/* Nor can RAM go over pmem later. */
	ram.userspace_addr = (unsigned long)mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT_EQ(-EEXIST, pmem_ioctl(vm->fd, MHV_SET_MEMORY_REGION, &ram));
	ram.guest_phys_addr = PMEM_GPA + SZ_2M;
	EXPECT_EQ(0, pmem_ioctl(vm->fd, MHV_SET_MEMORY_REGION, &ram));
	/* Formatting under a running guest would hand its bytes to others. */
	f.fd = self->ns_fd;
	EXPECT_EQ(-EBUSY, pmem_ioctl(self->dev_fd, MHV_PMEM_FORMAT, &f));
	vm_free(vm);
	close(null_fd);
	close(ro_fd);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Attach @name at PMEM_GPA in a fresh VM: cycles and EPT table pages it took. */
static void attach_cost(struct __test_metadata *_metadata, int ns_fd, const char *name,
			__u64 *tsc, __u64 *ns, __u64 *tables, __u64 *pages)
{
	struct mhv_vm_stats before, after;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	__u64 t0, n0;

	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	vm_stats(vm, &before);
	n0 = now_ns();
	t0 = rdtsc();
	ASSERT_EQ(0, pmem_attach(vm, ns_fd, name, PMEM_GPA, 0, NULL));
	*tsc = rdtsc() - t0;
	*ns = now_ns() - n0;
	vm_stats(vm, &after);
	*tables = after.pool_used - before.pool_used;
	*pages = after.pmem_pages_mapped;
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST_F(pmem, attach_cost_does_not_grow_with_size)
{
	__u64 tsc_s, tsc_b, ns_s, ns_b, tab_s, tab_b, pg_s, pg_b, big;
	struct mhv_pmem_region r;
	struct mhv_pmem_list l;

	ASSERT_EQ(0, pmem_create(self->dev_fd, self->ns_fd, "small", SZ_2M, 0, NULL));
	pmem_lookup(self->dev_fd, self->ns_fd, "small", &r, &l);
	big = SZ_1G;
	ASSERT_GE(l.free_bytes, big) TH_LOG("the namespace has no room for a 1 GiB region");
	ASSERT_EQ(0, pmem_create(self->dev_fd, self->ns_fd, "big", big, 0, NULL));

	/* Once each first: the first attach of a namespace opens it. */
	attach_cost(_metadata, self->ns_fd, "small", &tsc_s, &ns_s, &tab_s, &pg_s);
	attach_cost(_metadata, self->ns_fd, "big", &tsc_b, &ns_b, &tab_b, &pg_b);
	attach_cost(_metadata, self->ns_fd, "small", &tsc_s, &ns_s, &tab_s, &pg_s);
	attach_cost(_metadata, self->ns_fd, "big", &tsc_b, &ns_b, &tab_b, &pg_b);
	TH_LOG("attach 2 MiB: %llu cycles, %llu us, %llu EPT table pages, %llu pmem pages",
	       (unsigned long long)tsc_s, (unsigned long long)ns_s / 1000,
	       (unsigned long long)tab_s, (unsigned long long)pg_s);
	TH_LOG("attach %llu MiB: %llu cycles, %llu us, %llu EPT table pages, %llu pmem pages",
	       (unsigned long long)big >> 20, (unsigned long long)tsc_b,
	       (unsigned long long)ns_b / 1000, (unsigned long long)tab_b,
	       (unsigned long long)pg_b);
	EXPECT_EQ(SZ_2M / 4096, pg_s);
	EXPECT_EQ(big / 4096, pg_b);
	/* 2 MiB leaves: one PD page covers the aligned GiB, whatever the size below that. */
	EXPECT_EQ(tab_s, tab_b);
	/* No per-page work: the whole namespace costs under twice one leaf. */
	EXPECT_LT(tsc_b, 2 * tsc_s);
}

TEST_HARNESS_MAIN
