// SPDX-License-Identifier: GPL-2.0
/*
 * The two reset lines a PC guest pulls: the reset control register at 0xcf9
 * (a write with RST_CPU) and the keyboard controller's pulse-reset command
 * (0xfe to port 0x64). Either ends the run: mhvctl boots a guest once.
 * Reads of 0x64 float high, so Linux's i8042 driver finds no controller.
 */
#include "vm.h"

#define RESET_CONTROL_PORT	0xcf9
#define RESET_CONTROL_RST_CPU	0x04
#define KBC_COMMAND_PORT	0x64
#define KBC_PULSE_RESET		0xfe

static void reset_out(struct vm *vm, struct io_device *dev, u16 port, u8 size, u32 val)
{
	if (port == RESET_CONTROL_PORT && (val & RESET_CONTROL_RST_CPU))
		vm_stop(vm, MHVCTL_EXIT_RESET, "reset", "guest reset itself (port 0xcf9)");
	else if (port == KBC_COMMAND_PORT && (val & 0xff) == KBC_PULSE_RESET)
		vm_stop(vm, MHVCTL_EXIT_RESET, "reset",
			"guest reset itself (keyboard controller)");
}

static struct io_device reset_control = {
	.name = "reset-control",
	.base = RESET_CONTROL_PORT,
	.len = 1,
	.out = reset_out,
};

static struct io_device kbc_reset = {
	.name = "kbc-reset",
	.base = KBC_COMMAND_PORT,
	.len = 1,
	.out = reset_out,
};

int reset_init(struct vm *vm)
{
	return iobus_register(vm, &reset_control) ?: iobus_register(vm, &kbc_reset);
}
