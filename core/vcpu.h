/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_CORE_VCPU_H
#define MHV_CORE_VCPU_H

#include <linux/mutex.h>

#include "core/vm.h"
#include "vmx/vcpu.h"

struct mhv_vcpu {
	struct mhv_vm *vm;
	unsigned int id;
	struct mutex mutex;		/* one ioctl at a time */
	struct mhv_run *run;		/* the page user space maps */
	struct mhv_vmx_vcpu vmx;
};

/* MHV_CREATE_VCPU: returns the new vCPU's fd or a negative errno. */
int mhv_vcpu_create_fd(struct mhv_vm *vm, unsigned long id);

#endif
