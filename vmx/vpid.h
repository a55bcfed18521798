/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_VPID_H
#define MHV_VMX_VPID_H

#include <linux/types.h>

/* One VPID per VM; 0 (the host's) when VPID is off or all are taken. */
u16 mhv_vpid_alloc(void);
/* Flushes what the VM left tagged with @vpid and @eptp on every CPU, then frees @vpid. */
void mhv_vm_flush_and_release(u16 vpid, u64 eptp);

#endif
