/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_GUEST_WALK_H
#define MHV_VMX_GUEST_WALK_H

#include <linux/types.h>

/* The guest state that selects and roots its paging mode. */
struct mhv_guest_paging {
	u64 cr0, cr3, cr4, efer;
	/*
	 * PAE paging reads its four PDPTEs from memory only when CR3 is
	 * loaded; with EPT a VM exit saves the CPU's copies in the VMCS
	 * (GUEST_PDPTR0..3). Set pdptes_valid to use those instead of
	 * re-reading guest memory, which the guest may have changed since.
	 */
	bool pdptes_valid;
	u64 pdptes[4];
};

/* Read len bytes of guest-physical memory at gpa; 0 or -errno. */
typedef int (*mhv_read_phys_t)(void *ctx, u64 gpa, void *buf, size_t len);

/*
 * Translate a guest linear address through the guest's own page tables.
 * Only presence is checked: this serves the hypervisor's own reads, not
 * the guest's permissions. Returns 0, -EFAULT for a not-present (or
 * reserved-PS) entry, -EINVAL for a non-canonical address, or what
 * read_phys returned.
 */
int mhv_guest_walk(const struct mhv_guest_paging *pg, u64 gva,
		   mhv_read_phys_t read_phys, void *ctx, u64 *gpa);

/* Read len bytes at a guest linear address, translating each 4 KiB page on its own. */
int mhv_guest_read_virt(const struct mhv_guest_paging *pg, u64 gva, void *buf,
			size_t len, mhv_read_phys_t read_phys, void *ctx);

#endif /* MHV_VMX_GUEST_WALK_H */
