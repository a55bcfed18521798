// SPDX-License-Identifier: GPL-2.0
/* mhv's speculative-execution mitigations and their report; see mitigations.h. */
#include <linux/sysfs.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

#include "vmx/mitigations.h"

DEFINE_STATIC_KEY_FALSE(mhv_l1d_flush_on_entry);

static const char *l1d_flush_state;

/* As KVM's vmx_setup_l1d_flush() decides, but always flushing where a flush is needed. */
void mhv_mitigations_probe(void)
{
	u64 arch_cap = 0;

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl_safe(MSR_IA32_ARCH_CAPABILITIES, &arch_cap);
	if (!boot_cpu_has_bug(X86_BUG_L1TF)) {
		l1d_flush_state = "off (not affected)";
	} else if (arch_cap & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH) {
		l1d_flush_state = "off (not needed on VM entry)";
	} else if (l1tf_mitigation == L1TF_MITIGATION_OFF) {
		l1d_flush_state = "off (host: l1tf mitigation off)";
	} else if (!boot_cpu_has(X86_FEATURE_FLUSH_L1D)) {
		/* KVM falls back to a software flush here; mhv does not have one. */
		l1d_flush_state = "vulnerable (no L1D flush command)";
	} else {
		static_branch_enable(&mhv_l1d_flush_on_entry);
		l1d_flush_state = "on";
	}
}

static const char *on_off(bool on)
{
	return on ? "on" : "off";
}

static ssize_t mitigations_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	const char *rsb = cpu_feature_enabled(X86_FEATURE_RSB_VMEXIT) ? "on" :
			  cpu_feature_enabled(X86_FEATURE_RSB_VMEXIT_LITE) ? "lite" : "off";

	return sysfs_emit(buf,
			  "l1d_flush: %s\n"
			  "cpu_buffers_clear: %s\n"
			  "rsb_fill: %s\n"
			  "ibrs_after_exit: %s\n"
			  "bhb_clear: %s\n"
			  "ibpb_on_vmcs_switch: %s\n"
			  "gprs_cleared: on\n",
			  l1d_flush_state,
			  on_off(cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF)), rsb,
			  on_off(cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS)),
			  on_off(cpu_feature_enabled(X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT)),
			  on_off(cpu_feature_enabled(X86_FEATURE_USE_IBPB)));
}
static DEVICE_ATTR_RO(mitigations);

static struct attribute *mitigation_attrs[] = {
	&dev_attr_mitigations.attr,
	NULL
};

static const struct attribute_group mitigation_group = {
	.attrs = mitigation_attrs,
};

const struct attribute_group *mhv_mitigation_groups[] = {
	&mitigation_group,
	NULL
};
