// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace goes away (ndctl disable-namespace) while a VM has one of
 * its regions mapped: the VM stops with MHV_EXIT_PMEM_LOST, keeps stopping,
 * its pmem EPT entries are gone, and the host and other VMs go on.
 * MHV_PMEM_NS names the namespace (namespace0.0).
 */
#include <stdio.h>

#include "kselftest_harness.h"
#include "pmem_util.h"

static void guest_done(void)
{
	GUEST_DONE();
}

TEST(namespace_removal_stops_the_vm)
{
	const char *ns = getenv("MHV_PMEM_NS") ? : "namespace0.0";
	struct mhv_vcpu *vcpu, *other_vcpu;
	struct mhv_vm *vm, *other;
	struct mhv_vm_stats st;
	struct ucall uc;
	char cmd[128];
	int dev_fd = mhv_open_dev(), ns_fd = pmem_open(O_RDWR);

	ASSERT_EQ(0, pmem_format(dev_fd, ns_fd));
	ASSERT_EQ(0, pmem_create(dev_fd, ns_fd, "doomed", 2 * SZ_2M, 0, NULL));
	vm = vm_create_with_one_vcpu(&vcpu, guest_counter);
	ASSERT_EQ(0, pmem_attach(vm, ns_fd, "doomed", PMEM_GPA, 0, NULL));
	vcpu_args_set(vcpu, 1, PMEM_GPA);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(uc.args[0] >= 2, 1);

	snprintf(cmd, sizeof(cmd), "ndctl disable-namespace %s >/dev/null 2>&1", ns);
	ASSERT_EQ(0, system(cmd));

	EXPECT_EQ(0, __vcpu_run(vcpu));
	ASSERT_EXIT(vcpu, MHV_EXIT_PMEM_LOST);
	/* Stopped for good, not just once. */
	EXPECT_EQ(0, __vcpu_run(vcpu));
	EXPECT_EXIT(vcpu, MHV_EXIT_PMEM_LOST);
	vm_stats(vm, &st);
	EXPECT_EQ(0, st.pmem_pages_mapped);
	/* Nothing maps the dead namespace again. */
	EXPECT_EQ(-ENODEV, pmem_attach(vm, ns_fd, "doomed", PMEM_GPA, 0, NULL));

	/* The host and a VM without pmem go on. */
	other = vm_create_with_one_vcpu(&other_vcpu, guest_done);
	ASSERT_UCALL(other_vcpu, UCALL_DONE, &uc);
	vm_free(other);
	vm_free(vm);
	close(ns_fd);
	close(dev_fd);
}

TEST_HARNESS_MAIN
