// SPDX-License-Identifier: GPL-2.0
/*
 * VMX root: VMXON on every online CPU when the first VM is created, VMXOFF
 * when the last one goes, so that mhv and kvm_intel can take turns. CPU
 * hotplug, reboot and crash leave no CPU in VMX operation with live VMCSs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <asm/nospec-branch.h>
#include <asm/tlbflush.h>

#include "vmx/caps.h"
#include "vmx/emergency.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmxon.h"

static DEFINE_MUTEX(vmx_users_lock);
static unsigned int vmx_users;
static enum cpuhp_state vmx_cpuhp_state;
/* Set once the machine is going down: no new VMXON after that. */
static bool vmx_shutting_down;

static DEFINE_PER_CPU(struct page *, vmxon_page);
static DEFINE_PER_CPU(bool, vmx_on);
/* VMCSs active on each CPU; touched only on that CPU with interrupts off. */
static DEFINE_PER_CPU(struct list_head, loaded_vmcss);
static DEFINE_PER_CPU(struct mhv_loaded_vmcs *, current_vmcs);

bool mhv_vmx_cpu_is_on(void)
{
	return this_cpu_read(vmx_on);
}

void mhv_vmx_insn_failed(const char *insn, unsigned long arg)
{
	pr_err_ratelimited("%s %#lx failed on CPU %d\n", insn, arg, raw_smp_processor_id());
}

struct page *mhv_alloc_vmcs_page(void)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (page)
		*(u32 *)page_address(page) = mhv_caps.vmcs_revision;
	return page;
}

/* Interrupts off, on the CPU the VMCS is active on. */
static void vmcs_clear_local(struct mhv_loaded_vmcs *lv)
{
	mhv_vmclear(page_to_phys(lv->page));
	if (this_cpu_read(current_vmcs) == lv)
		this_cpu_write(current_vmcs, NULL);
	list_del(&lv->cpu_link);
	/* The clear must be visible before another CPU may load it. */
	smp_wmb();
	lv->launched = false;
	WRITE_ONCE(lv->cpu, -1);
}

static void vmcs_clear_ipi(void *arg)
{
	struct mhv_loaded_vmcs *lv = arg;

	if (lv->cpu == raw_smp_processor_id())
		vmcs_clear_local(lv);
}

void mhv_loaded_vmcs_clear(struct mhv_loaded_vmcs *lv)
{
	int cpu = READ_ONCE(lv->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmcs_clear_ipi, lv, 1);
}

/* Interrupts off; @lv is clear or already active on this CPU. */
int mhv_loaded_vmcs_load(struct mhv_loaded_vmcs *lv)
{
	int cpu = smp_processor_id();
	bool added = false;
	int ret;

	if (lv->cpu != cpu) {
		/* Pairs with the barrier after the VMCLEAR on the old CPU. */
		smp_rmb();
		list_add(&lv->cpu_link, this_cpu_ptr(&loaded_vmcss));
		lv->cpu = cpu;
		added = true;
	}
	if (this_cpu_read(current_vmcs) == lv)
		return 0;
	ret = mhv_vmptrld(page_to_phys(lv->page));
	if (ret) {
		/* Not active here after all: the caller frees it, nothing may VMCLEAR it. */
		if (added) {
			list_del(&lv->cpu_link);
			lv->cpu = -1;
		}
		return ret;
	}
	/*
	 * Another vCPU's VMCS was current: it may belong to another VM, whose
	 * branch predictions must not steer this one (KVM does the same).
	 */
	if (this_cpu_read(current_vmcs))
		indirect_branch_prediction_barrier();
	this_cpu_write(current_vmcs, lv);
	return 0;
}

static void vmclear_all_local(void)
{
	struct mhv_loaded_vmcs *lv, *tmp;

	list_for_each_entry_safe(lv, tmp, this_cpu_ptr(&loaded_vmcss), cpu_link)
		vmcs_clear_local(lv);
}

static void cpu_vmxoff(void)
{
	if (!this_cpu_read(vmx_on))
		return;
	vmclear_all_local();
	mhv_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	this_cpu_write(vmx_on, false);
}

static int cpu_vmxon(void)
{
	u64 pa = page_to_phys(this_cpu_read(vmxon_page));
	u64 feat;

	if (this_cpu_read(vmx_on))
		return 0;
	if (__read_cr4() & X86_CR4_VMXE) {
		pr_err_ratelimited("CPU %d: VT-x is held by another hypervisor (CR4.VMXE set): unload kvm_intel\n",
				   smp_processor_id());
		return -EBUSY;
	}
	rdmsrl(MSR_IA32_FEAT_CTL, feat);
	if (!(feat & FEAT_CTL_LOCKED)) {
		/* Firmware left it open: enable VMX and lock, as Linux itself would. */
		feat |= FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
		wrmsrl(MSR_IA32_FEAT_CTL, feat);
	} else if (!(feat & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		return -EOPNOTSUPP;
	}
	cr4_set_bits(X86_CR4_VMXE);
	if (mhv_vmxon(pa)) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_err_ratelimited("CPU %d: VMXON failed\n", smp_processor_id());
		return -EIO;
	}
	/* Nothing tagged with our VPIDs or EPTs may survive from before. */
	mhv_invept(VMX_EPT_EXTENT_GLOBAL, 0);
	this_cpu_write(vmx_on, true);
	return 0;
}

static int vmx_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	int ret;

	local_irq_save(flags);
	ret = vmx_shutting_down ? -EBUSY : cpu_vmxon();
	local_irq_restore(flags);
	return ret;
}

static int vmx_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	cpu_vmxoff();
	local_irq_restore(flags);
	return 0;
}

static void free_vmxon_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(vmxon_page, cpu))
			__free_page(per_cpu(vmxon_page, cpu));
		per_cpu(vmxon_page, cpu) = NULL;
	}
}

int mhv_vmx_get(void)
{
	int cpu, ret = 0;

	mutex_lock(&vmx_users_lock);
	if (vmx_users++)
		goto out;
	if (mhv_caps.status != MHV_VMX_READY) {
		ret = -EOPNOTSUPP;
		goto fail;
	}
	for_each_possible_cpu(cpu) {
		per_cpu(vmxon_page, cpu) = mhv_alloc_vmcs_page();
		if (!per_cpu(vmxon_page, cpu)) {
			ret = -ENOMEM;
			goto fail_pages;
		}
	}
	/* Runs vmx_cpu_online on every online CPU, undoing them all on failure. */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "mhv/vmx:online",
				vmx_cpu_online, vmx_cpu_offline);
	if (ret < 0)
		goto fail_pages;
	vmx_cpuhp_state = ret;
	ret = 0;
	mhv_emergency_register();
	goto out;

fail_pages:
	free_vmxon_pages();
fail:
	vmx_users--;
out:
	mutex_unlock(&vmx_users_lock);
	return ret;
}

void mhv_vmx_put(void)
{
	mutex_lock(&vmx_users_lock);
	if (!--vmx_users) {
		mhv_emergency_unregister();
		cpuhp_remove_state(vmx_cpuhp_state);
		free_vmxon_pages();
	}
	mutex_unlock(&vmx_users_lock);
}

static void vmxoff_ipi(void *unused)
{
	cpu_vmxoff();
}

/* Crash or emergency restart: any CPU, any context, VMX may be half set up. */
void mhv_vmx_emergency_off(void)
{
	if (__this_cpu_read(vmx_on))
		cpu_vmxoff();
}

static int vmx_reboot(struct notifier_block *nb, unsigned long code, void *unused)
{
	/* VMX blocks INIT: leave VMX operation on every CPU before a restart or kexec. */
	WRITE_ONCE(vmx_shutting_down, true);
	on_each_cpu(vmxoff_ipi, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block vmx_reboot_nb = {
	.notifier_call = vmx_reboot,
};

int mhv_vmx_module_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu(loaded_vmcss, cpu));
	return register_reboot_notifier(&vmx_reboot_nb);
}

void mhv_vmx_module_exit(void)
{
	unregister_reboot_notifier(&vmx_reboot_nb);
}
