// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550 UART at 0x3f8 (COM1): THR/RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR
 * and the divisor latch. Output goes to the console stream at once (the
 * transmitter is never busy), input comes from stdin without blocking. In a
 * VM with local APICs its interrupt line is IRQ 4 of the IOAPIC: high while
 * an enabled condition holds (received data, or THR empty since the last
 * IIR read or THR write, as a 16550 latches it); polling drivers ignore it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "vm.h"

#define UART_BASE	0x3f8
#define RX_RECHECK_US	1000

enum { RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define LCR_DLAB	0x80
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define IIR_NO_INT	0x01
#define IIR_THRE	0x02
#define IIR_RX_DATA	0x04
#define IER_RX_DATA	0x01
#define IER_THRE	0x02
#define MSR_CTS_DSR_DCD	0xb0
#define MCR_LOOP	0x10

struct uart {
	u8 ier, lcr, mcr, scr, dll, dlm, fcr;
	int rx;		/* the byte waiting in RBR, -1: none */
	bool rx_eof;
	bool thre_pending;	/* the THR-empty interrupt, until IIR reports it */
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

/* The highest-priority pending interrupt, as IIR reports it. */
static u8 pending(struct vm *vm, struct uart *u)
{
	if ((u->ier & IER_RX_DATA) && rx_ready(vm, u))
		return IIR_RX_DATA;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return IIR_THRE;
	return IIR_NO_INT;
}

static void update_irq(struct vm *vm, struct uart *u)
{
	if (vm->lapic)
		ioapic_set_irq(vm, UART_IRQ, pending(vm, u) != IIR_NO_INT);
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
		update_irq(vm, u);
		return v;
	case IER:
		return u->lcr & LCR_DLAB ? u->dlm : u->ier;
	case IIR_FCR:
		v = pending(vm, u);
		/* Reading IIR while it reports THR empty acknowledges that interrupt. */
		if (v == IIR_THRE)
			u->thre_pending = false;
		update_irq(vm, u);
		/* FIFOs enabled shows in bits 6-7, as a 16550A does. */
		return v | (u->fcr & 1 ? 0xc0 : 0);
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
		} else {
			if (!(u->mcr & MCR_LOOP)) {
				fputc(val & 0xff, vm->console);
				fflush(vm->console);
				vm->console_bytes++;
			}
			/* Written out at once: THR is empty again, a new edge. */
			u->thre_pending = false;
			update_irq(vm, u);
			u->thre_pending = true;
			update_irq(vm, u);
		}
		break;
	case IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
		} else {
			/* Enabling it with THR empty raises it, as on a 16550. */
			if ((val & IER_THRE) && !(u->ier & IER_THRE))
				u->thre_pending = true;
			u->ier = val & 0x0f;
			update_irq(vm, u);
		}
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

/*
 * A guest with interrupts sleeps in HLT inside mhv while it waits for input,
 * so no exit would notice it: this thread raises the receive interrupt when
 * a byte arrives and RBR is free. It lives as long as mhvctl.
 */
static void *rx_thread(void *arg)
{
	struct vm *vm = arg;
	struct uart *u = &com1;

	for (;;) {
		struct pollfd p = { .fd = vm->console_in, .events = POLLIN };
		bool waiting, eof;

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return NULL;
		pthread_mutex_lock(&vm->lock);
		rx_ready(vm, u);
		update_irq(vm, u);
		waiting = u->rx >= 0;
		eof = u->rx_eof;
		pthread_mutex_unlock(&vm->lock);
		if (eof)
			return NULL;
		/* The byte waits in RBR until the guest reads it; look again later. */
		if (waiting)
			usleep(RX_RECHECK_US);
	}
}

int uart_init(struct vm *vm)
{
	pthread_t t;

	if (iobus_register(vm, &uart))
		return -1;
	if (vm->lapic && vm->console_in >= 0 &&
	    pthread_create(&t, NULL, rx_thread, vm) == 0)
		pthread_detach(t);
	return 0;
}
