// SPDX-License-Identifier: GPL-2.0
/*
 * VMX capability probing: every feature decision mhv makes comes from the
 * one struct filled here at module load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/cpumask.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/vmx.h>
#include <asm/special_insns.h>
#include <asm/processor-flags.h>

#include "vmx/caps.h"
#include "vmx/cr.h"

struct mhv_vmx_caps mhv_caps __read_mostly;

static bool enable_vpid = true;
module_param(enable_vpid, bool, 0444);
MODULE_PARM_DESC(enable_vpid, "Tag guest TLB entries with a VPID per VM");
static bool enable_large_pages = true;
module_param(enable_large_pages, bool, 0444);
MODULE_PARM_DESC(enable_large_pages, "Map guest memory with 2M/1G EPT pages where possible");
static bool enable_preemption_timer = true;
module_param(enable_preemption_timer, bool, 0444);
MODULE_PARM_DESC(enable_preemption_timer, "Bound guest time slices with the VMX preemption timer");

/* IA32_VMX_BASIC and _MISC fields (SDM A.1, A.6): kernel headers move these between releases. */
#define MHV_BASIC_TRUE_CTLS	BIT_ULL(55)
#define MHV_BASIC_MEM_TYPE(b)	(((b) >> 50) & 0xf)
#define MHV_BASIC_32BIT_ADDR	BIT_ULL(48)
#define MHV_MEM_TYPE_WB		6
#define MHV_MISC_PREEMPTION_TIMER_RATE	0x1f

static bool ctl_allows(u64 ctl_msr, u32 bits)
{
	return mhv_ctl_allowed(ctl_msr, bits) == bits;
}

void mhv_vmx_caps_decode(const struct mhv_vmx_msrs *m,
			 const struct mhv_vmx_switches *sw,
			 struct mhv_vmx_caps *caps)
{
	u32 hw = 0, use;
	bool has_proc2;
	u64 ept = m->ept_vpid_cap;

	memset(caps, 0, sizeof(*caps));
	caps->feature_control = m->feature_control;
	caps->basic = m->basic;
	caps->pinbased_ctls = m->pinbased_ctls;
	caps->procbased_ctls = m->procbased_ctls;
	caps->procbased_ctls2 = m->procbased_ctls2;
	caps->exit_ctls = m->exit_ctls;
	caps->entry_ctls = m->entry_ctls;
	caps->misc = m->misc;
	caps->ept_vpid_cap = m->ept_vpid_cap;
	caps->cr0_fixed0 = m->cr0_fixed0;
	caps->cr0_fixed1 = m->cr0_fixed1;
	caps->cr4_fixed0 = m->cr4_fixed0;
	caps->cr4_fixed1 = m->cr4_fixed1;

	if (!m->cpuid_vmx) {
		caps->status = MHV_VMX_NO_CPU_SUPPORT;
		return;
	}
	if ((m->feature_control & FEAT_CTL_LOCKED) &&
	    !(m->feature_control & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		caps->status = MHV_VMX_DISABLED;
		return;
	}

	caps->vmcs_revision = m->basic & 0x7fffffff;
	caps->preemption_timer_shift = m->misc & MHV_MISC_PREEMPTION_TIMER_RATE;

	if (m->basic & MHV_BASIC_TRUE_CTLS)
		hw |= MHV_FEAT_TRUE_CTLS;
	/* mhv allocates VMCS regions anywhere in RAM and maps them write-back. */
	if (MHV_BASIC_MEM_TYPE(m->basic) == MHV_MEM_TYPE_WB &&
	    !(m->basic & MHV_BASIC_32BIT_ADDR))
		hw |= MHV_FEAT_VMCS_WB64;
	has_proc2 = ctl_allows(m->procbased_ctls, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS);
	if (ctl_allows(m->procbased_ctls, CPU_BASED_USE_MSR_BITMAPS))
		hw |= MHV_FEAT_MSR_BITMAP;
	if (ctl_allows(m->procbased_ctls, CPU_BASED_USE_IO_BITMAPS))
		hw |= MHV_FEAT_IO_BITMAP;
	if (ctl_allows(m->exit_ctls, VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER) &&
	    ctl_allows(m->entry_ctls, VM_ENTRY_LOAD_IA32_EFER))
		hw |= MHV_FEAT_EFER_CTLS;
	if (ctl_allows(m->exit_ctls, VM_EXIT_ACK_INTR_ON_EXIT))
		hw |= MHV_FEAT_ACK_INTR_ON_EXIT;
	if (ctl_allows(m->pinbased_ctls, PIN_BASED_VMX_PREEMPTION_TIMER) &&
	    ctl_allows(m->exit_ctls, VM_EXIT_SAVE_VMX_PREEMPTION_TIMER))
		hw |= MHV_FEAT_PREEMPTION_TIMER;

	if (has_proc2 && ctl_allows(m->procbased_ctls2, SECONDARY_EXEC_ENABLE_EPT)) {
		hw |= MHV_FEAT_EPT;
		if ((ept & VMX_EPT_PAGE_WALK_4_BIT) && (ept & VMX_EPTP_WB_BIT))
			hw |= MHV_FEAT_EPT_WB_4LEVEL;
		if ((ept & VMX_EPT_INVEPT_BIT) && (ept & VMX_EPT_EXTENT_CONTEXT_BIT))
			hw |= MHV_FEAT_INVEPT_CONTEXT;
		if (ept & VMX_EPT_2MB_PAGE_BIT)
			hw |= MHV_FEAT_EPT_2M;
		if (ept & VMX_EPT_1GB_PAGE_BIT)
			hw |= MHV_FEAT_EPT_1G;
		if (ept & VMX_EPT_AD_BIT)
			hw |= MHV_FEAT_EPT_AD;
		if (ctl_allows(m->procbased_ctls2, SECONDARY_EXEC_ENABLE_PML))
			hw |= MHV_FEAT_PML;
		if (ctl_allows(m->procbased_ctls2, SECONDARY_EXEC_UNRESTRICTED_GUEST))
			hw |= MHV_FEAT_UNRESTRICTED_GUEST;
	}
	/* VPID is usable only with single-context INVVPID to flush one VM. */
	if (has_proc2 && ctl_allows(m->procbased_ctls2, SECONDARY_EXEC_ENABLE_VPID) &&
	    ((ept >> 32) & VMX_VPID_INVVPID_BIT) &&
	    ((ept >> 32) & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT))
		hw |= MHV_FEAT_VPID;
	/* PML logs dirty GPAs only when EPT sets dirty bits. */
	if (!(hw & MHV_FEAT_EPT_AD))
		hw &= ~MHV_FEAT_PML;

	/*
	 * Reported as the CPU's, never as in use: the dirty log write-protects
	 * and EPT entries are built with A/D bits off.
	 */
	use = hw & ~(MHV_FEAT_EPT_AD | MHV_FEAT_PML);
	if (!sw->vpid)
		use &= ~MHV_FEAT_VPID;
	if (!sw->large_pages)
		use &= ~(MHV_FEAT_EPT_2M | MHV_FEAT_EPT_1G);
	if (!sw->preemption_timer)
		use &= ~MHV_FEAT_PREEMPTION_TIMER;

	caps->hw_features = hw;
	caps->features = use;
	caps->missing = MHV_FEAT_REQUIRED & ~hw;
	caps->status = caps->missing ? MHV_VMX_MISSING_FEATURE : MHV_VMX_READY;
}

static void read_vmx_msrs(struct mhv_vmx_msrs *m)
{
	bool true_ctls;

	memset(m, 0, sizeof(*m));
	m->cpuid_vmx = boot_cpu_has(X86_FEATURE_VMX) || (cpuid_ecx(1) & BIT(5));
	if (!m->cpuid_vmx)
		return;
	/* A hypervisor may advertise VMX yet fault on its MSRs: read them all safely. */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &m->feature_control) ||
	    rdmsrl_safe(MSR_IA32_VMX_BASIC, &m->basic)) {
		m->cpuid_vmx = false;
		return;
	}
	true_ctls = m->basic & MHV_BASIC_TRUE_CTLS;
	rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS,
		    &m->pinbased_ctls);
	rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS,
		    &m->procbased_ctls);
	rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS,
		    &m->exit_ctls);
	rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS,
		    &m->entry_ctls);
	rdmsrl_safe(MSR_IA32_VMX_MISC, &m->misc);
	rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED0, &m->cr0_fixed0);
	rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED1, &m->cr0_fixed1);
	rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED0, &m->cr4_fixed0);
	rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED1, &m->cr4_fixed1);
	if (m->procbased_ctls & ((u64)CPU_BASED_ACTIVATE_SECONDARY_CONTROLS << 32)) {
		rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &m->procbased_ctls2);
		rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &m->ept_vpid_cap);
	}
}

static const char *const feature_names[] = {
	"true-ctls", "ept", "unrestricted-guest", "msr-bitmap", "io-bitmap",
	"ept-wb-4level", "invept-context", "efer-ctls", "vpid", "ept-2m",
	"ept-1g", "ept-ad", "pml", "preemption-timer", "ack-intr-on-exit",
	"vmcs-wb64",
};

const char *mhv_vmx_status_name(u32 status)
{
	switch (status) {
	case MHV_VMX_READY:		return "ready";
	case MHV_VMX_NO_CPU_SUPPORT:	return "no VMX in this CPU";
	case MHV_VMX_DISABLED:		return "VMX disabled by firmware (IA32_FEATURE_CONTROL)";
	case MHV_VMX_MISSING_FEATURE:	return "VMX lacks features mhv needs";
	case MHV_VMX_BUSY:		return "VMX in use by another hypervisor (CR4.VMXE set)";
	}
	return "unknown";
}

/* CR4.VMXE on this CPU means someone else (kvm_intel) owns VMX right now. */
u32 mhv_vmx_caps_status_now(void)
{
	if (mhv_caps.status == MHV_VMX_READY && (__read_cr4() & X86_CR4_VMXE))
		return MHV_VMX_BUSY;
	return mhv_caps.status;
}

static void print_features(const char *what, u32 mask)
{
	char buf[256];
	int len = 0, i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (mask & BIT(i))
			len += scnprintf(buf + len, sizeof(buf) - len, " %s", feature_names[i]);
	pr_info("%s:%s\n", what, len ? buf : " none");
}

void mhv_vmx_caps_probe(void)
{
	struct mhv_vmx_msrs msrs;
	const struct mhv_vmx_switches sw = {
		.vpid = enable_vpid,
		.large_pages = enable_large_pages,
		.preemption_timer = enable_preemption_timer,
	};

	read_vmx_msrs(&msrs);
	mhv_vmx_caps_decode(&msrs, &sw, &mhv_caps);
	mhv_caps.nr_cpus = num_online_cpus();
	mhv_cr4_probe();

	pr_info("VMX status: %s\n", mhv_vmx_status_name(mhv_caps.status));
	if (mhv_caps.status == MHV_VMX_NO_CPU_SUPPORT || mhv_caps.status == MHV_VMX_DISABLED)
		return;
	print_features("VMX features in use", mhv_caps.features);
	if (mhv_caps.missing)
		print_features("VMX features missing", mhv_caps.missing);
}
