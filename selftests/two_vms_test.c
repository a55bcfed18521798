// SPDX-License-Identifier: GPL-2.0
/*
 * Two VMs of the same guest code, run alternately on one CPU: each keeps
 * its own memory behind the same guest addresses (its own EPT) and its
 * own VPID, so neither sees the other's translations or data.
 */
#include "kselftest_harness.h"
#include "mhv_util.h"

#define STEPS	64

static u64 acc;

/* VM_INFO first, then a running sum of i * scale, one SYNC per step. */
static void guest_accumulate(u64 scale)
{
	struct mhv_hc_result info = mhv_vmcall(MHV_HC_VM_INFO, 0, 0, 0, 0, 0);
	u64 i;

	GUEST_SYNC(info.rbx);
	for (i = 1; i <= STEPS; i++) {
		acc += i * scale;
		GUEST_SYNC(acc);
	}
	GUEST_DONE();
}

TEST(alternating_vms_keep_their_state)
{
	struct mhv_vcpu *vcpu[2];
	struct mhv_vmx_caps caps;
	struct mhv_vm *vm[2];
	const u64 scale[2] = { 3, 1000003 };
	u64 vpid[2], i, j;
	struct ucall uc;

	mhv_get_vmx_caps(&caps);
	for (j = 0; j < 2; j++) {
		vm[j] = vm_create_with_one_vcpu(&vcpu[j], guest_accumulate);
		vcpu_args_set(vcpu[j], 1, scale[j]);
	}

	for (j = 0; j < 2; j++) {
		ASSERT_UCALL(vcpu[j], UCALL_SYNC, &uc);
		vpid[j] = uc.args[0];
	}
	TH_LOG("VPIDs %llu and %llu", vpid[0], vpid[1]);
	if (caps.features & MHV_FEAT_VPID) {
		EXPECT_NE(0, vpid[0]);
		EXPECT_NE(0, vpid[1]);
		EXPECT_NE(vpid[0], vpid[1]);
	}

	for (i = 1; i <= STEPS; i++) {
		for (j = 0; j < 2; j++) {
			ASSERT_UCALL(vcpu[j], UCALL_SYNC, &uc);
			ASSERT_EQ(scale[j] * i * (i + 1) / 2, uc.args[0])
				TH_LOG("VM %llu step %llu", j, i);
		}
	}
	for (j = 0; j < 2; j++) {
		ASSERT_UCALL(vcpu[j], UCALL_DONE, &uc);
		EXPECT_EQ(scale[j] * STEPS * (STEPS + 1) / 2,
			  *(u64 *)addr_gva2hva(vm[j], &acc));
	}
	vm_free(vm[0]);
	vm_free(vm[1]);
}

TEST(vpid_is_per_live_vm)
{
	struct mhv_vcpu *vcpu[3];
	struct mhv_vmx_caps caps;
	struct mhv_vm *vm[3];
	struct ucall uc;
	u64 vpid[3];
	int j;

	mhv_get_vmx_caps(&caps);
	if (!(caps.features & MHV_FEAT_VPID))
		SKIP(return, "no VPID");
	for (j = 0; j < 3; j++) {
		vm[j] = vm_create_with_one_vcpu(&vcpu[j], guest_accumulate);
		ASSERT_UCALL(vcpu[j], UCALL_SYNC, &uc);
		vpid[j] = uc.args[0];
	}
	EXPECT_NE(vpid[0], vpid[1]);
	EXPECT_NE(vpid[0], vpid[2]);
	EXPECT_NE(vpid[1], vpid[2]);
	for (j = 0; j < 3; j++)
		vm_free(vm[j]);
}

TEST_HARNESS_MAIN
