// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550 UART at 0x3f8 (COM1), enough for polling drivers (Linux's early
 * printk, a boot loader): THR/RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR and the
 * divisor latch. Output goes to the console stream, input comes from stdin
 * without blocking. No interrupts: mhvctl has no interrupt controller.
 */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "vm.h"

#define UART_BASE	0x3f8

enum { RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define LCR_DLAB	0x80
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define IIR_NO_INT	0x01
#define MSR_CTS_DSR_DCD	0xb0
#define MCR_LOOP	0x10

struct uart {
	u8 ier, lcr, mcr, scr, dll, dlm, fcr;
	int rx;		/* the byte waiting in RBR, -1: none */
	bool rx_eof;
};

static struct uart com1 = { .dll = 1, .rx = -1 };

static bool rx_ready(struct vm *vm, struct uart *u)
{
	struct pollfd p = { .fd = vm->console_in, .events = POLLIN };
	unsigned char c;

	if (u->rx >= 0)
		return true;
	if (vm->console_in < 0 || u->rx_eof || poll(&p, 1, 0) != 1)
		return false;
	if (read(vm->console_in, &c, 1) != 1) {
		u->rx_eof = true;
		return false;
	}
	u->rx = c;
	return true;
}

static u32 uart_in(struct vm *vm, struct io_device *dev, u16 port, u8 size)
{
	struct uart *u = dev->priv;
	u8 v;

	switch (port - UART_BASE) {
	case RBR_THR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		v = rx_ready(vm, u) ? u->rx : 0;
		u->rx = -1;
		return v;
	case IER:
		return u->lcr & LCR_DLAB ? u->dlm : u->ier;
	case IIR_FCR:
		/* FIFOs enabled shows in bits 6-7, as a 16550A does. */
		return IIR_NO_INT | (u->fcr & 1 ? 0xc0 : 0);
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		/* The transmitter is never busy: output is written at once. */
		return LSR_THRE | LSR_TEMT | (rx_ready(vm, u) ? LSR_DR : 0);
	case MSR:
		/* In loopback the modem lines follow MCR, which probing drivers check. */
		if (u->mcr & MCR_LOOP)
			return ((u->mcr & 0x0c) << 4) | ((u->mcr & 0x01) << 5) |
			       ((u->mcr & 0x02) << 3);
		return MSR_CTS_DSR_DCD;
	default:
		return u->scr;
	}
}

static void uart_out(struct vm *vm, struct io_device *dev, u16 port, u8 size,
		     u32 val)
{
	struct uart *u = dev->priv;

	switch (port - UART_BASE) {
	case RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = val;
		} else if (!(u->mcr & MCR_LOOP)) {
			fputc(val & 0xff, vm->console);
			fflush(vm->console);
			vm->console_bytes++;
		}
		break;
	case IER:
		if (u->lcr & LCR_DLAB)
			u->dlm = val;
		else
			u->ier = val & 0x0f;
		break;
	case IIR_FCR:
		u->fcr = val;
		break;
	case LCR:
		u->lcr = val;
		break;
	case MCR:
		u->mcr = val & 0x1f;
		break;
	case SCR:
		u->scr = val;
		break;
	}
}

static struct io_device uart = {
	.name = "uart",
	.base = UART_BASE,
	.len = 8,
	.in = uart_in,
	.out = uart_out,
	.priv = &com1,
};

int uart_init(struct vm *vm)
{
	return iobus_register(vm, &uart);
}
