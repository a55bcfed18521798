// SPDX-License-Identifier: GPL-2.0
/*
 * VMX instructions that fail, by fault injection (the debug test kernel has
 * CONFIG_FAULT_INJECTION_DEBUG_FS): a VMPTRLD that fails while a vCPU is set
 * up leaves nothing behind (a freed VMCS left on the per-CPU list would be
 * VMCLEARed from freed memory at the next VMXOFF: KASAN reports it), and an
 * INVEPT that fails stops the vCPU for good instead of letting it run on
 * with stale translations.
 */
#include <errno.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define FAULT_DIR	"/sys/kernel/debug/"

static void guest_done(void)
{
	GUEST_DONE();
}

/* Fail the next call of @point once; 0 or -errno. */
static int arm_once(const char *point)
{
	static const char *const knobs[][2] = {
		{ "verbose", "0" }, { "interval", "1" }, { "times", "1" }, { "probability", "100" },
	};
	char path[256];
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(knobs) && !ret; i++) {
		snprintf(path, sizeof(path), FAULT_DIR "%s/%s", point, knobs[i][0]);
		ret = sysfs_write(path, knobs[i][1]);
	}
	return ret;
}

static void disarm(const char *point)
{
	char path[256];

	snprintf(path, sizeof(path), FAULT_DIR "%s/probability", point);
	sysfs_write(path, "0");
}

static bool have_point(const char *point)
{
	char path[256];

	snprintf(path, sizeof(path), FAULT_DIR "%s", point);
	return !access(path, F_OK);
}

TEST(failed_vmptrld_in_vcpu_setup_unwinds)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	int i;

	if (!have_point("fail_mhv_vmptrld"))
		SKIP(return, "kernel without CONFIG_FAULT_INJECTION_DEBUG_FS");
	vm = vm_create(MHV_DEFAULT_MEM_SIZE);
	vm_setup_long_mode(vm);
	ASSERT_EQ(0, arm_once("fail_mhv_vmptrld"));
	EXPECT_EQ(-1, __vm_vcpu_add(vm, 0));
	EXPECT_EQ(EIO, errno);
	disarm("fail_mhv_vmptrld");

	/* The id is free again and the VM is whole. */
	vcpu = vm_vcpu_add(vm, 0);
	vcpu_setup_long_mode(vcpu, guest_done);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
	/* VMXOFF and VMXON again, with VMCSs coming and going on the per-CPU list. */
	for (i = 0; i < 3; i++) {
		vm = vm_create_with_one_vcpu(&vcpu, guest_done);
		ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
		vm_free(vm);
	}
}

TEST(failed_invept_stops_the_vcpu)
{
	struct mhv_vcpu *vcpu, *other;
	struct mhv_vm *vm, *vm2;
	struct ucall uc;

	if (!have_point("fail_mhv_invept"))
		SKIP(return, "kernel without CONFIG_FAULT_INJECTION_DEBUG_FS");
	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	/* The first entry flushes this VM's EPT and VPID tags on its CPU. */
	ASSERT_EQ(0, arm_once("fail_mhv_invept"));
	EXPECT_EQ(0, __vcpu_run(vcpu));
	disarm("fail_mhv_invept");
	ASSERT_EXIT(vcpu, MHV_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(MHV_INTERNAL_TLB_FLUSH, vcpu->run->internal.suberror);
	/* And it never runs again. */
	EXPECT_EQ(-1, __vcpu_run(vcpu));
	EXPECT_EQ(EIO, errno);

	/* Another VM is not affected. */
	vm2 = vm_create_with_one_vcpu(&other, guest_done);
	ASSERT_UCALL(other, UCALL_DONE, &uc);
	vm_free(vm2);
	vm_free(vm);
}

TEST_HARNESS_MAIN
