// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the guest mhvctl's tests boot in every image format. It prints a
 * banner, its CPU mode and memory map, then does what its command line asks,
 * in this order:
 *   lines=N	print "line 1" .. "line N"
 *   outs=N	N writes to port 0x80
 *   uart	check the UART's registers, echo what arrives on its input
 *   mmio	read and write guest-physical 0xfe000000, where nothing is
 *   triple	triple-fault (an interrupt with an empty IDT)
 *   strio	a string port write (rep outsb), which mhv does not emulate
 *   busy	write to port 0x80 forever
 *   spin	loop forever without an exit
 *   report	print "io-ops N" last: the port I/O exits it caused, this line
 *		and the exit included
 *   exit=V	leave through the debug-exit port with V (else: halt)
 */
#include "guest.h"

#define UART		0x3f8
#define POST_PORT	0x80
#define NOWHERE		0xfe000000UL

static u32 spin_count;

static void check_uart(void)
{
	char got[64];
	unsigned int n = 0, divisor;
	u8 lsr = port_in(UART + 5);

	gprintf("uart: lsr %x%s\n", lsr, (lsr & 0x60) == 0x60 ? " thre+temt" : " busy?");
	port_out(UART + 7, 0x5a);
	gprintf("uart: scratch %x\n", port_in(UART + 7));
	port_out(UART + 3, 0x80);	/* DLAB: the divisor latch, not THR/IER */
	port_out(UART, 0x0c);
	port_out(UART + 1, 0x00);
	divisor = port_in(UART) | port_in(UART + 1) << 8;
	port_out(UART + 3, 0x03);	/* 8N1, THR again */
	gprintf("uart: divisor %x\n", divisor);
	while (n + 1 < sizeof(got) && (port_in(UART + 5) & 1)) {
		char c = port_in(UART);

		if (c == '\n')
			break;
		got[n++] = c;
	}
	got[n] = 0;
	gprintf("uart: got '%s'\n", got);
}

static void touch_nowhere(void)
{
#ifdef BOOT_FLAT
	gprintf("mmio: not reachable from real mode\n");
#else
	mem_write32((void *)NOWHERE, 0x12345678);
	gprintf("mmio: read %x\n", mem_read32((void *)NOWHERE));
#endif
}

static void triple_fault(void)
{
	/* An IDT of limit 0: 6 bytes in 16/32-bit mode, 10 in 64-bit, all zero. */
	u16 idtr[5] = { 0 };

	gprintf("triple: faulting now\n");
	asm volatile("lidt %0; int3" : : "m"(idtr));
	halt();
}

int guest_main(const struct boot *boot)
{
	const char *cmd = boot->cmdline ? boot->cmdline : "";
	char val[16], line[32];
	u32 i, n;
	int ret = -1;

	gprintf("hello: mhv test guest, %s image\n", boot->format);
	print_cpu_mode();
	print_e820(boot);
	gprintf("cmdline: '%s'\n", cmd);
	if (cmdline_value(cmd, "lines", val, sizeof(val)))
		for (i = 1, n = parse_u32(val); i <= n; i++)
			gprintf("line %u\n", i);
	if (cmdline_value(cmd, "outs", val, sizeof(val))) {
		for (i = 0, n = parse_u32(val); i < n; i++)
			port_out(POST_PORT, i);
		gprintf("outs: %u writes to port 0x80\n", n);
	}
	if (cmdline_has(cmd, "uart"))
		check_uart();
	if (cmdline_has(cmd, "mmio"))
		touch_nowhere();
	if (cmdline_has(cmd, "triple"))
		triple_fault();
	if (cmdline_has(cmd, "strio")) {
		const char *p = "ab";
		unsigned long n = 2;

		gprintf("strio: rep outsb\n");
		asm volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(POST_PORT) : "memory");
	}
	if (cmdline_has(cmd, "busy")) {
		gprintf("busy: forever\n");
		for (i = 0;; i++)
			port_out(POST_PORT, i);
	}
	if (cmdline_has(cmd, "spin")) {
		gprintf("spin: forever\n");
		/*
		 * A loop with a body: a bare jump-to-self with IF clear hung the
		 * whole emulated (Bochs) machine, host timers included.
		 */
		for (i = 0;; i++)
			mem_write32(&spin_count, i);
	}
	if (cmdline_value(cmd, "exit", val, sizeof(val)))
		ret = parse_u32(val) & 0xff;
	gprintf("%s\n", ret >= 0 ? "bye: debug exit" : "bye: halt");
	if (cmdline_has(cmd, "report")) {
		/* Fixed width, so the count can include the line that prints it. */
		n = gsnprintf(line, sizeof(line), "io-ops %08u\n", 0);
		gsnprintf(line, sizeof(line), "io-ops %08u\n", io_ops + n + (ret >= 0));
		puts_uart(line);
	}
	return ret;
}
