/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistent memory for guests: named regions of NVDIMM namespaces, a pool
 * apart from RAM, mapped into a VM's EPT as what they are. What core/ and
 * vmx/ call; everything else stays in pmem/.
 */
#ifndef MHV_PMEM_PMEM_H
#define MHV_PMEM_PMEM_H

#include <linux/types.h>

#include "uapi/mhv.h"

struct mhv_vm;
struct mhv_vcpu;

/* /dev/mhv: MHV_PMEM_FORMAT, _CREATE, _REMOVE, _LIST. */
long mhv_pmem_format(const struct mhv_pmem_format __user *uarg);
long mhv_pmem_create(struct mhv_pmem_region __user *uarg);
long mhv_pmem_remove(const struct mhv_pmem_region __user *uarg);
long mhv_pmem_list(struct mhv_pmem_list __user *uarg);

/* VM fd: MHV_ATTACH_PMEM, MHV_DETACH_PMEM, MHV_GET_PMEM_MAP. */
long mhv_pmem_attach(struct mhv_vm *vm, struct mhv_pmem_attach __user *uarg);
long mhv_pmem_detach(struct mhv_vm *vm, const struct mhv_pmem_detach __user *uarg);
long mhv_pmem_get_map(struct mhv_vm *vm, struct mhv_pmem_map __user *uarg);

/*
 * MHV_GET_VM_STATS, after the mmu filled @ustats: move the pmem pages out
 * of pages_mapped / pages_2m (the mmu counts every leaf) into
 * pmem_pages_mapped. 0 or -EFAULT.
 */
long mhv_pmem_vm_stats(struct mhv_vm *vm, struct mhv_vm_stats __user *ustats);

/*
 * The VM is going away: no vCPU runs and no CPU caches its EPT any more.
 * Unmaps its regions, writes back their caches and drops the namespaces.
 */
void mhv_pmem_vm_destroy(struct mhv_vm *vm);

/*
 * Run loop, also with interrupts off: true if the VM lost its pmem; it
 * must not enter the guest again.
 */
bool mhv_pmem_vcpu_lost(struct mhv_vcpu *vcpu);

#endif
