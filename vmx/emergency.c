// SPDX-License-Identifier: GPL-2.0
/*
 * The crash/emergency-restart hook. The kernel keeps a single callback that
 * it calls on every CPU before a crash kernel or an emergency restart (VMX
 * blocks INIT). kvm_intel takes it for as long as it is loaded, and its
 * callback leaves VMX on any CPU with CR4.VMXE set, which covers mhv too; so
 * mhv holds the callback only while kvm_intel is absent, and hands it over
 * when kvm_intel arrives. The only use of this KVM-oriented export is here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <asm/reboot.h>

#include "vmx/emergency.h"

static DEFINE_MUTEX(emergency_lock);
static bool wanted;		/* mhv is in VMX operation somewhere */
static bool registered;		/* the kernel's callback is ours */
static bool kvm_intel_present;

static bool kvm_intel_loaded(void)
{
	struct kobject *kobj;

	/* Every module's kobject sits in the kernel's module kset. */
	kobj = kset_find_obj(THIS_MODULE->mkobj.kobj.kset, "kvm_intel");
	if (!kobj)
		return false;
	kobject_put(kobj);
	return true;
}

static void update_locked(void)
{
	bool want = wanted && !kvm_intel_present;

	if (want && !registered)
		cpu_emergency_register_virt_callback(mhv_vmx_emergency_off);
	else if (!want && registered)
		cpu_emergency_unregister_virt_callback(mhv_vmx_emergency_off);
	registered = want;
}

void mhv_emergency_register(void)
{
	mutex_lock(&emergency_lock);
	wanted = true;
	update_locked();
	mutex_unlock(&emergency_lock);
}

void mhv_emergency_unregister(void)
{
	mutex_lock(&emergency_lock);
	wanted = false;
	update_locked();
	mutex_unlock(&emergency_lock);
}

static int module_event(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "kvm_intel"))
		return NOTIFY_DONE;
	mutex_lock(&emergency_lock);
	/* COMING runs before kvm_intel's init registers; GOING after its exit unregistered. */
	if (state == MODULE_STATE_COMING)
		kvm_intel_present = true;
	else if (state == MODULE_STATE_GOING)
		kvm_intel_present = false;
	update_locked();
	mutex_unlock(&emergency_lock);
	return NOTIFY_OK;
}

static struct notifier_block module_nb = {
	.notifier_call = module_event,
};

int mhv_emergency_module_init(void)
{
	int ret = register_module_notifier(&module_nb);

	if (ret)
		return ret;
	mutex_lock(&emergency_lock);
	kvm_intel_present = kvm_intel_loaded();
	mutex_unlock(&emergency_lock);
	return 0;
}

void mhv_emergency_module_exit(void)
{
	unregister_module_notifier(&module_nb);
}
