// SPDX-License-Identifier: GPL-2.0
/* KUnit: capability decoding from raw VMX MSR values. */
#include <kunit/test.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include "vmx/caps.h"

static const struct mhv_vmx_switches all_on = {
	.vpid = true, .large_pages = true, .preemption_timer = true,
};

/* A CPU with everything mhv can use, as the Bochs Haswell model reports it. */
static void full_cpu(struct mhv_vmx_msrs *m)
{
	memset(m, 0, sizeof(*m));
	m->cpuid_vmx = true;
	m->feature_control = FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
	m->basic = BIT_ULL(55) | (6ULL << 50) | (0x1000ULL << 32) | 0x12;
	m->pinbased_ctls = (u64)(PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING |
				 PIN_BASED_VMX_PREEMPTION_TIMER) << 32;
	m->procbased_ctls = (u64)(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS |
				  CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_USE_IO_BITMAPS |
				  CPU_BASED_HLT_EXITING) << 32;
	m->procbased_ctls2 = (u64)(SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID |
				   SECONDARY_EXEC_UNRESTRICTED_GUEST |
				   SECONDARY_EXEC_ENABLE_PML) << 32;
	m->exit_ctls = (u64)(VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
			     VM_EXIT_LOAD_IA32_EFER | VM_EXIT_ACK_INTR_ON_EXIT |
			     VM_EXIT_SAVE_VMX_PREEMPTION_TIMER) << 32;
	m->entry_ctls = (u64)(VM_ENTRY_IA32E_MODE | VM_ENTRY_LOAD_IA32_EFER) << 32;
	m->misc = 5;
	m->ept_vpid_cap = VMX_EPT_PAGE_WALK_4_BIT | VMX_EPTP_WB_BIT | VMX_EPT_2MB_PAGE_BIT |
			  VMX_EPT_1GB_PAGE_BIT | VMX_EPT_INVEPT_BIT | VMX_EPT_AD_BIT |
			  VMX_EPT_EXTENT_CONTEXT_BIT |
			  ((u64)(VMX_VPID_INVVPID_BIT | VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT) << 32);
}

static void caps_full_cpu_is_ready(struct kunit *test)
{
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_EQ(test, caps.status, (u32)MHV_VMX_READY);
	KUNIT_EXPECT_EQ(test, caps.missing, 0u);
	KUNIT_EXPECT_EQ(test, caps.vmcs_revision, 0x12u);
	KUNIT_EXPECT_EQ(test, caps.preemption_timer_shift, 5u);
	KUNIT_EXPECT_EQ(test, caps.features & MHV_FEAT_REQUIRED, (u32)MHV_FEAT_REQUIRED);
	KUNIT_EXPECT_TRUE(test, caps.features & MHV_FEAT_VPID);
	KUNIT_EXPECT_TRUE(test, caps.features & MHV_FEAT_EPT_2M);
	KUNIT_EXPECT_TRUE(test, caps.features & MHV_FEAT_EPT_1G);
	KUNIT_EXPECT_TRUE(test, caps.features & MHV_FEAT_PREEMPTION_TIMER);
	/* The CPU has them; nothing in mhv uses them, so they are not "in use". */
	KUNIT_EXPECT_TRUE(test, caps.hw_features & MHV_FEAT_EPT_AD);
	KUNIT_EXPECT_TRUE(test, caps.hw_features & MHV_FEAT_PML);
	KUNIT_EXPECT_EQ(test, caps.features,
			caps.hw_features & ~(u32)(MHV_FEAT_EPT_AD | MHV_FEAT_PML));
}

static void caps_no_cpuid_vmx(struct kunit *test)
{
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	m.cpuid_vmx = false;
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_EQ(test, caps.status, (u32)MHV_VMX_NO_CPU_SUPPORT);
	KUNIT_EXPECT_EQ(test, caps.features, 0u);
}

static void caps_firmware_disabled(struct kunit *test)
{
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	m.feature_control = FEAT_CTL_LOCKED;
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_EQ(test, caps.status, (u32)MHV_VMX_DISABLED);

	/* Unlocked: Linux's feature-control init or mhv may still enable it. */
	m.feature_control = 0;
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_EQ(test, caps.status, (u32)MHV_VMX_READY);
}

static void caps_missing_unrestricted_guest(struct kunit *test)
{
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	m.procbased_ctls2 &= ~((u64)SECONDARY_EXEC_UNRESTRICTED_GUEST << 32);
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_EQ(test, caps.status, (u32)MHV_VMX_MISSING_FEATURE);
	KUNIT_EXPECT_EQ(test, caps.missing, (u32)MHV_FEAT_UNRESTRICTED_GUEST);
}

static void caps_missing_ept_loses_ept_features(struct kunit *test)
{
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	m.procbased_ctls2 &= ~((u64)SECONDARY_EXEC_ENABLE_EPT << 32);
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_EQ(test, caps.status, (u32)MHV_VMX_MISSING_FEATURE);
	KUNIT_EXPECT_TRUE(test, caps.missing & MHV_FEAT_EPT);
	KUNIT_EXPECT_FALSE(test, caps.hw_features & (MHV_FEAT_EPT_2M | MHV_FEAT_PML));
}

static void caps_vmcs_must_be_write_back(struct kunit *test)
{
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	m.basic &= ~(0xfULL << 50);
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_EQ(test, caps.missing, (u32)MHV_FEAT_VMCS_WB64);
}

static void caps_vpid_needs_single_context_invvpid(struct kunit *test)
{
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	m.ept_vpid_cap &= ~((u64)VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT << 32);
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_EQ(test, caps.status, (u32)MHV_VMX_READY);
	KUNIT_EXPECT_FALSE(test, caps.hw_features & MHV_FEAT_VPID);
}

static void caps_pml_needs_ad_bits(struct kunit *test)
{
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	m.ept_vpid_cap &= ~VMX_EPT_AD_BIT;
	mhv_vmx_caps_decode(&m, &all_on, &caps);
	KUNIT_EXPECT_FALSE(test, caps.hw_features & MHV_FEAT_PML);
}

static void caps_switches_turn_features_off(struct kunit *test)
{
	const struct mhv_vmx_switches none = { };
	struct mhv_vmx_msrs m;
	struct mhv_vmx_caps caps;

	full_cpu(&m);
	mhv_vmx_caps_decode(&m, &none, &caps);
	KUNIT_EXPECT_EQ(test, caps.status, (u32)MHV_VMX_READY);
	KUNIT_EXPECT_EQ(test, caps.features, caps.hw_features &
			~(u32)(MHV_FEAT_VPID | MHV_FEAT_EPT_2M | MHV_FEAT_EPT_1G |
			       MHV_FEAT_EPT_AD | MHV_FEAT_PML | MHV_FEAT_PREEMPTION_TIMER));
}

static struct kunit_case mhv_caps_cases[] = {
	KUNIT_CASE(caps_full_cpu_is_ready),
	KUNIT_CASE(caps_no_cpuid_vmx),
	KUNIT_CASE(caps_firmware_disabled),
	KUNIT_CASE(caps_missing_unrestricted_guest),
	KUNIT_CASE(caps_missing_ept_loses_ept_features),
	KUNIT_CASE(caps_vmcs_must_be_write_back),
	KUNIT_CASE(caps_vpid_needs_single_context_invvpid),
	KUNIT_CASE(caps_pml_needs_ad_bits),
	KUNIT_CASE(caps_switches_turn_features_off),
	{}
};

static struct kunit_suite mhv_caps_suite = {
	.name = "mhv_vmx_caps",
	.test_cases = mhv_caps_cases,
};

kunit_test_suite(mhv_caps_suite);
