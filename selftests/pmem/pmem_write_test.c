// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence, part 1 (part 2 is pmem_persist_test, after mhv is reloaded):
 * format the namespace, create the named region "persist", and have a
 * guest write 4 MiB of pattern into it through its EPT mapping.
 */
#include "kselftest_harness.h"
#include "pmem_util.h"

#define PERSIST_SIZE	(2 * SZ_2M)

TEST(guest_writes_named_region)
{
	struct mhv_pmem_map_entry me[4];
	struct mhv_pmem_map map = { .count = 4, .entries = (unsigned long)me };
	struct mhv_pmem_region r;
	struct mhv_pmem_list l;
	struct mhv_vm_stats st;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	__u64 off = 0, size = 0;
	int dev_fd = mhv_open_dev(), ns_fd = pmem_open(O_RDWR);

	/* Before the format, the namespace has no table to use. */
	ASSERT_EQ(0, pmem_format(dev_fd, ns_fd));
	ASSERT_EQ(-ENOENT, pmem_lookup(dev_fd, ns_fd, "persist", &r, &l));
	EXPECT_EQ(0, l.count);
	EXPECT_EQ(l.namespace_size - SZ_2M, l.free_bytes);
	TH_LOG("%s: %llu MiB", pmem_dev(), (unsigned long long)l.namespace_size >> 20);

	ASSERT_EQ(0, pmem_create(dev_fd, ns_fd, "persist", PERSIST_SIZE, 0, &off));
	EXPECT_EQ(SZ_2M, off);
	EXPECT_EQ(-EEXIST, pmem_create(dev_fd, ns_fd, "persist", SZ_2M, 0, NULL));

	vm = vm_create_with_one_vcpu(&vcpu, guest_write_pattern);
	ASSERT_EQ(0, pmem_attach(vm, ns_fd, "persist", PMEM_GPA, 0, &size));
	EXPECT_EQ(PERSIST_SIZE, size);

	/* What a loader turns into an E820 type-12 entry. */
	ASSERT_EQ(0, pmem_ioctl(vm->fd, MHV_GET_PMEM_MAP, &map));
	ASSERT_EQ(1, map.count);
	EXPECT_EQ(PMEM_GPA, me[0].guest_phys_addr);
	EXPECT_EQ(PERSIST_SIZE, me[0].size);
	EXPECT_STREQ("persist", me[0].name);

	vm_stats(vm, &st);
	EXPECT_EQ(PERSIST_SIZE / 4096, st.pmem_pages_mapped);

	vcpu_args_set(vcpu, 3, PMEM_GPA, PERSIST_SIZE, PMEM_SEED);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
	close(ns_fd);
	close(dev_fd);
}

TEST_HARNESS_MAIN
