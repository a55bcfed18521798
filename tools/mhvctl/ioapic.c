// SPDX-License-Identifier: GPL-2.0
/*
 * An IOAPIC (version 0x20, 24 pins) at 0xfec00000 for the devices mhvctl
 * emulates: a pin's redirection entry turns an assertion into an MSI that
 * the guest's in-kernel local APICs take (MHV_SIGNAL_MSI), as a real
 * IOAPIC's message to the APIC bus. mhvctl's devices are ISA ones, whose
 * interrupts are edge-triggered: a pin delivers when its line rises and is
 * unmasked. A level-triggered entry delivers on assertion and again on EOI
 * (the EOI register) while the line stays high, with Remote IRR between.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vm.h"

#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOEOI		0x40
#define REG_ID		0x00
#define REG_VERSION	0x01
#define REG_ARB		0x02
#define REG_REDIR	0x10

#define RTE_VECTOR		0xffULL
#define RTE_DELIVERY_MODE	(7ULL << 8)
#define RTE_DEST_LOGICAL	BIT_ULL(11)
#define RTE_REMOTE_IRR		BIT_ULL(14)
#define RTE_LEVEL		BIT_ULL(15)
#define RTE_MASKED		BIT_ULL(16)
#define RTE_RO_BITS		(BIT_ULL(12) | RTE_REMOTE_IRR)
#define RTE_DEST_SHIFT		56

#define MSI_ADDR_BASE		0xfee00000U
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_LOGICAL	BIT(2)
#define MSI_DATA_LEVEL		BIT(15)
#define MSI_DATA_ASSERT		BIT(14)

struct ioapic {
	u8 id;
	u32 regsel;
	u64 rte[IOAPIC_PINS];
	bool line[IOAPIC_PINS];
};

static struct ioapic ioapic = {
	/* Masked at reset, as the specification says. */
	.rte = { [0 ... IOAPIC_PINS - 1] = RTE_MASKED },
};

static void deliver(struct vm *vm, struct ioapic *io, unsigned int pin)
{
	u64 rte = io->rte[pin];
	struct mhv_msi msi = {
		.address = MSI_ADDR_BASE | ((rte >> RTE_DEST_SHIFT) << MSI_ADDR_DEST_SHIFT) |
			   (rte & RTE_DEST_LOGICAL ? MSI_ADDR_LOGICAL : 0),
		.data = (rte & (RTE_VECTOR | RTE_DELIVERY_MODE)) |
			(rte & RTE_LEVEL ? MSI_DATA_LEVEL | MSI_DATA_ASSERT : 0),
	};

	if (rte & RTE_LEVEL)
		io->rte[pin] |= RTE_REMOTE_IRR;
	vm->irqs_delivered++;
	/* ENXIO: no APIC in the destination takes it, as a real bus drops it. */
	if (vm_signal_msi(vm, &msi) && errno != ENXIO && vm->trace)
		fprintf(stderr, "mhvctl: trace: IOAPIC pin %u: MHV_SIGNAL_MSI: %s\n", pin,
			strerror(errno));
}

static void evaluate(struct vm *vm, struct ioapic *io, unsigned int pin, bool rising)
{
	u64 rte = io->rte[pin];

	if (!io->line[pin] || (rte & RTE_MASKED))
		return;
	if (rte & RTE_LEVEL ? !(rte & RTE_REMOTE_IRR) : rising)
		deliver(vm, io, pin);
}

void ioapic_set_irq(struct vm *vm, unsigned int pin, bool level)
{
	struct ioapic *io = &ioapic;
	bool rising = level && !io->line[pin];

	if (pin >= IOAPIC_PINS)
		return;
	io->line[pin] = level;
	evaluate(vm, io, pin, rising);
}

static u32 read_reg(struct ioapic *io)
{
	unsigned int r = io->regsel;

	switch (r) {
	case REG_ID:
	case REG_ARB:
		return (u32)io->id << 24;
	case REG_VERSION:
		return ((IOAPIC_PINS - 1) << 16) | IOAPIC_VERSION;
	}
	if (r >= REG_REDIR && r < REG_REDIR + 2 * IOAPIC_PINS)
		return io->rte[(r - REG_REDIR) / 2] >> (r & 1 ? 32 : 0);
	return 0;
}

static void write_reg(struct vm *vm, struct ioapic *io, u32 val)
{
	unsigned int r = io->regsel, pin;
	u64 rte, keep;

	if (r == REG_ID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	if (r < REG_REDIR || r >= REG_REDIR + 2 * IOAPIC_PINS)
		return;
	pin = (r - REG_REDIR) / 2;
	rte = io->rte[pin];
	keep = rte & RTE_RO_BITS;
	if (r & 1)
		rte = (rte & 0xffffffffULL) | ((u64)val << 32);
	else
		rte = (rte & ~0xffffffffULL) | val;
	io->rte[pin] = (rte & ~RTE_RO_BITS) | keep;
	/* An unmasked level pin that is high delivers; a masked edge was lost, as in hardware. */
	evaluate(vm, io, pin, false);
}

static void eoi(struct vm *vm, struct ioapic *io, u8 vector)
{
	unsigned int pin;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		if ((io->rte[pin] & RTE_VECTOR) != vector || !(io->rte[pin] & RTE_REMOTE_IRR))
			continue;
		io->rte[pin] &= ~RTE_REMOTE_IRR;
		evaluate(vm, io, pin, false);
	}
}

static u64 ioapic_read(struct vm *vm, struct mmio_device *dev, u64 off, u8 len)
{
	struct ioapic *io = dev->priv;

	if (off == IOREGSEL)
		return io->regsel;
	if (off == IOWIN)
		return read_reg(io);
	return 0;
}

static void ioapic_write(struct vm *vm, struct mmio_device *dev, u64 off, u8 len, u64 val)
{
	struct ioapic *io = dev->priv;

	if (off == IOREGSEL)
		io->regsel = val & 0xff;
	else if (off == IOWIN)
		write_reg(vm, io, val);
	else if (off == IOEOI)
		eoi(vm, io, val & 0xff);
}

static struct mmio_device ioapic_dev = {
	.name = "ioapic",
	.base = IOAPIC_BASE,
	.len = 0x1000,
	.read = ioapic_read,
	.write = ioapic_write,
	.priv = &ioapic,
};

int ioapic_init(struct vm *vm, u8 id)
{
	ioapic.id = id;
	return mmio_register(vm, &ioapic_dev);
}
