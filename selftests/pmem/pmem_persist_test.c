// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence, part 2: after pmem_write_test and an rmmod/insmod of mhv, a
 * new VM gets the region "persist" by name, at the same place, and reads
 * the exact pattern back; the host sees the same bytes on the namespace.
 */
#include "kselftest_harness.h"
#include "pmem_util.h"

#define PERSIST_SIZE	(2 * SZ_2M)

TEST(same_name_same_bytes)
{
	struct mhv_pmem_region r;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	int dev_fd = mhv_open_dev(), ns_fd = pmem_open(O_RDWR);

	ASSERT_EQ(0, pmem_lookup(dev_fd, ns_fd, "persist", &r, NULL));
	EXPECT_EQ(SZ_2M, r.offset);
	EXPECT_EQ(PERSIST_SIZE, r.size);

	vm = vm_create_with_one_vcpu(&vcpu, guest_check_pattern);
	ASSERT_EQ(0, pmem_attach(vm, ns_fd, "persist", PMEM_GPA, 0, NULL));
	vcpu_args_set(vcpu, 3, PMEM_GPA, PERSIST_SIZE, PMEM_SEED);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);

	/* Not while a VM has it. */
	EXPECT_EQ(-EBUSY, pmem_remove(dev_fd, ns_fd, "persist"));
	vm_free(vm);

	EXPECT_EQ(0, host_check_pattern(r.offset, r.size, PMEM_SEED));
	EXPECT_EQ(0, pmem_remove(dev_fd, ns_fd, "persist"));
	EXPECT_EQ(-ENOENT, pmem_lookup(dev_fd, ns_fd, "persist", &r, NULL));
	close(ns_fd);
	close(dev_fd);
}

TEST_HARNESS_MAIN
