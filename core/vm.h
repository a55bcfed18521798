/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_CORE_VM_H
#define MHV_CORE_VM_H

#include <linux/kref.h>
#include <linux/mutex.h>

#include "mmu/mmu.h"
#include "uapi/mhv.h"

#define MHV_MAX_VCPUS	64

struct mhv_pmem_vm;
struct mhv_vcpu;

struct mhv_vm {
	struct kref ref;		/* the VM fd and each vCPU fd */
	struct mutex lock;		/* vcpus[] */
	struct mm_struct *mm;		/* the creator's: all VM and vCPU ioctls come from it */
	struct mhv_mmu mmu;
	u64 eptp;
	u16 vpid;
	struct mhv_vm_config config;
	struct mhv_vcpu *vcpus[MHV_MAX_VCPUS];
	struct mhv_pmem_vm *pmem;	/* pmem/: its attached regions */
};

/* MHV_CREATE_VM: returns the new VM's fd or a negative errno. */
int mhv_vm_create_fd(const struct mhv_vm_config __user *uconfig);
void mhv_vm_get(struct mhv_vm *vm);
void mhv_vm_put(struct mhv_vm *vm);

#endif
