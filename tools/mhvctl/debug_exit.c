// SPDX-License-Identifier: GPL-2.0
/*
 * The debug-exit port, as QEMU's isa-debug-exit at 0xf4: writing V ends the
 * run and mhvctl exits with status (V << 1) | 1.
 */
#include "vm.h"

#define DEBUG_EXIT_PORT	0xf4

static void debug_exit_out(struct vm *vm, struct io_device *dev, u16 port, u8 size,
			   u32 val)
{
	vm_stop(vm, (int)(((val << 1) | 1) & 0xff), "debug-exit",
		"guest wrote %#x to the debug-exit port", val);
}

static struct io_device debug_exit = {
	.name = "debug-exit",
	.base = DEBUG_EXIT_PORT,
	.len = 4,
	.out = debug_exit_out,
};

int debug_exit_init(struct vm *vm)
{
	return iobus_register(vm, &debug_exit);
}
