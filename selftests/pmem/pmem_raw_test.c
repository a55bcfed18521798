// SPDX-License-Identifier: GPL-2.0
/*
 * A raw-mode namespace (/dev/pmemN without DAX) cannot be a pmem pool:
 * every pmem ioctl on it says so with EOPNOTSUPP.
 */
#include "kselftest_harness.h"
#include "pmem_util.h"

static void guest_done(void)
{
	GUEST_DONE();
}

TEST(raw_namespace_is_refused)
{
	struct mhv_pmem_list l;
	struct mhv_pmem_region r;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	int dev_fd = mhv_open_dev(), ns_fd = pmem_open(O_RDWR);

	EXPECT_EQ(-EOPNOTSUPP, pmem_format(dev_fd, ns_fd));
	EXPECT_EQ(-EOPNOTSUPP, pmem_create(dev_fd, ns_fd, "r", SZ_2M, 0, NULL));
	EXPECT_EQ(-EOPNOTSUPP, pmem_lookup(dev_fd, ns_fd, "r", &r, &l));
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	EXPECT_EQ(-EOPNOTSUPP, pmem_attach(vm, ns_fd, "r", PMEM_GPA, 0, NULL));
	vm_free(vm);
	close(ns_fd);
	close(dev_fd);
}

TEST_HARNESS_MAIN
