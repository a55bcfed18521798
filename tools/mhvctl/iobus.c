// SPDX-License-Identifier: GPL-2.0
/* Port I/O and MMIO exits: dispatched by the table of claimed port ranges. */
#include <stdio.h>

#include "vm.h"

int iobus_register(struct vm *vm, struct io_device *dev)
{
	unsigned int i;

	for (i = 0; i < vm->nr_io; i++) {
		struct io_device *o = vm->io[i];

		if (dev->base < o->base + o->len && o->base < dev->base + dev->len) {
			fprintf(stderr, "mhvctl: %s and %s both claim port %#x\n",
				dev->name, o->name, dev->base);
			return -1;
		}
	}
	if (vm->nr_io == MAX_IO_DEVICES)
		return -1;
	vm->io[vm->nr_io++] = dev;
	return 0;
}

static struct io_device *find_device(struct vm *vm, u16 port)
{
	unsigned int i;

	for (i = 0; i < vm->nr_io; i++)
		if (port >= vm->io[i]->base && port - vm->io[i]->base < vm->io[i]->len)
			return vm->io[i];
	return NULL;
}

void iobus_io(struct vm *vm, struct mhv_run *run)
{
	u16 port = run->io.port;
	u8 size = run->io.size;
	struct io_device *dev = find_device(vm, port);
	u32 mask = size >= 4 ? 0xffffffffU : (1U << (size * 8)) - 1;

	vm->io_exits++;
	vm->port_exits[port]++;
	if (run->io.direction == MHV_EXIT_IO_OUT) {
		u32 val = run->io.data & mask;

		if (vm->trace)
			fprintf(stderr, "mhvctl: trace: out port %#x size %u data %#x%s%s\n", port,
				size, val, dev ? " " : " (unclaimed)", dev ? dev->name : "");
		/* Writes to ports nobody claims go nowhere, as on a PC. */
		if (dev && dev->out)
			dev->out(vm, dev, port, size, val);
	} else {
		/* Reads of ports nobody claims float high, as on a PC. */
		u32 val = dev && dev->in ? dev->in(vm, dev, port, size) : 0xffffffffU;

		run->io.data = val & mask;
		if (vm->trace)
			fprintf(stderr, "mhvctl: trace: in port %#x size %u -> %#llx%s%s\n", port,
				size, run->io.data,
				dev ? " " : " (unclaimed)", dev ? dev->name : "");
	}
}

int mmio_register(struct vm *vm, struct mmio_device *dev)
{
	if (vm->nr_mmio == MAX_MMIO_DEVICES)
		return -1;
	vm->mmio[vm->nr_mmio++] = dev;
	return 0;
}

/* MMIO outside every device reads all ones and drops writes, as on a PC's bus. */
void iobus_mmio(struct vm *vm, struct mhv_run *run)
{
	u64 addr = run->mmio.phys_addr, mask;
	u8 len = run->mmio.len;
	struct mmio_device *dev = NULL;
	unsigned int i;

	vm->mmio_exits++;
	mask = len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
	for (i = 0; i < vm->nr_mmio && !dev; i++)
		if (addr >= vm->mmio[i]->base && addr - vm->mmio[i]->base < vm->mmio[i]->len)
			dev = vm->mmio[i];
	if (run->mmio.is_write) {
		if (dev)
			dev->write(vm, dev, addr - dev->base, len, run->mmio.data & mask);
	} else {
		run->mmio.data = dev ? dev->read(vm, dev, addr - dev->base, len) & mask : mask;
	}
	if (vm->trace)
		fprintf(stderr, "mhvctl: trace: mmio %s %#llx len %u data %#llx %s\n",
			run->mmio.is_write ? "write" : "read", addr, len,
			run->mmio.data & mask, dev ? dev->name : "(unclaimed)");
}
