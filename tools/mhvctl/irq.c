// SPDX-License-Identifier: GPL-2.0
/* Interrupts from mhvctl's devices into the guest's local APICs in mhv. */
#include <sys/ioctl.h>

#include "vm.h"

int vm_signal_msi(struct vm *vm, const struct mhv_msi *msi)
{
	return ioctl(vm->fd, MHV_SIGNAL_MSI, msi);
}
