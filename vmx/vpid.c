// SPDX-License-Identifier: GPL-2.0
/* VPIDs: a bitmap allocator, VPID 0 being the host's. */
#include <linux/bitmap.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include "vmx/caps.h"
#include "vmx/vmx_ops.h"
#include "vmx/vmxon.h"
#include "vmx/vpid.h"

#define MHV_NR_VPIDS	BIT(16)

static DECLARE_BITMAP(vpid_used, MHV_NR_VPIDS);
static DEFINE_SPINLOCK(vpid_lock);

u16 mhv_vpid_alloc(void)
{
	unsigned long vpid;

	if (!mhv_has(MHV_FEAT_VPID))
		return 0;
	spin_lock(&vpid_lock);
	vpid = find_next_zero_bit(vpid_used, MHV_NR_VPIDS, 1);
	if (vpid < MHV_NR_VPIDS)
		__set_bit(vpid, vpid_used);
	else
		vpid = 0;
	spin_unlock(&vpid_lock);
	return vpid;
}

struct flush_args {
	u16 vpid;
	u64 eptp;
	bool failed;
};

static void flush_local(void *data)
{
	struct flush_args *args = data;

	if (!mhv_vmx_cpu_is_on())
		return;
	/* The next VM may get the same EPT root page or VPID: nothing stale may hit. */
	if (mhv_invept(VMX_EPT_EXTENT_CONTEXT, args->eptp) ||
	    (args->vpid && mhv_invvpid(VMX_VPID_EXTENT_SINGLE_CONTEXT, args->vpid)))
		WRITE_ONCE(args->failed, true);
}

void mhv_vm_flush_and_release(u16 vpid, u64 eptp)
{
	struct flush_args args = { .vpid = vpid, .eptp = eptp };

	on_each_cpu(flush_local, &args, 1);
	/* Translations tagged with it may live on: the VPID is never handed out again. */
	if (!vpid || args.failed)
		return;
	spin_lock(&vpid_lock);
	__clear_bit(vpid, vpid_used);
	spin_unlock(&vpid_lock);
}
