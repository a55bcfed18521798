/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_CAPS_H
#define MHV_VMX_CAPS_H

#include <linux/types.h>
#include <asm/vmx.h>

#include "uapi/mhv.h"

/* The capability MSRs as read from one CPU: the input of mhv_vmx_caps_decode(). */
struct mhv_vmx_msrs {
	bool cpuid_vmx;
	u64 feature_control;
	u64 basic;
	u64 pinbased_ctls;
	u64 procbased_ctls;
	u64 procbased_ctls2;
	u64 exit_ctls;
	u64 entry_ctls;
	u64 misc;
	u64 ept_vpid_cap;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
};

/* Feature switches: read-only module parameters, applied at probe time. */
struct mhv_vmx_switches {
	bool vpid;
	bool large_pages;
	bool preemption_timer;
};

/* Of @bits, those a VMX control MSR lets be 1 (its high half). */
static inline u32 mhv_ctl_allowed(u64 ctl_msr, u32 bits)
{
	return bits & (u32)(ctl_msr >> 32);
}

/* Probed once at module load; read-only afterwards. */
extern struct mhv_vmx_caps mhv_caps;

void mhv_vmx_caps_probe(void);
void mhv_vmx_caps_decode(const struct mhv_vmx_msrs *msrs,
			 const struct mhv_vmx_switches *switches,
			 struct mhv_vmx_caps *caps);
u32 mhv_vmx_caps_status_now(void);
const char *mhv_vmx_status_name(u32 status);

static inline bool mhv_has(u32 feature)
{
	return (mhv_caps.features & feature) == feature;
}

/* Virtual NMIs: NMI blocking is the guest's, and NMI-window exits exist. */
static inline bool mhv_vmx_virtual_nmis(void)
{
	return mhv_ctl_allowed(mhv_caps.pinbased_ctls, PIN_BASED_VIRTUAL_NMIS);
}

#endif
