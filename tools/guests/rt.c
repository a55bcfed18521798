// SPDX-License-Identifier: GPL-2.0
/* The guests' runtime: console, formatting, boot info, debug exit. */
#include "guest.h"

#define UART		0x3f8
#define DEBUG_EXIT	0xf4

u32 io_ops;

void port_out(u16 port, u8 val)
{
	io_ops++;
	/* "memory": what the guest stored is in memory before the host looks. */
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

u8 port_in(u16 port)
{
	u8 v;

	io_ops++;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* mhvctl's UART is always ready to send: no LSR poll, one exit per character. */
void putc_uart(char c)
{
	port_out(UART, c);
}

void puts_uart(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

struct out {
	char *buf;
	size_t len, pos;
};

static void emit(struct out *o, char c)
{
	if (o->buf) {
		if (o->pos + 1 < o->len)
			o->buf[o->pos] = c;
	} else {
		putc_uart(c);
	}
	o->pos++;
}

/* u64 in hex, u32 in decimal: no 64-bit division, which 16- and 32-bit code lacks. */
static void format(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		char digits[24], pad = ' ';
		unsigned int width = 0, n = 0, lng = 0;
		u64 v;

		if (*fmt != '%') {
			emit(o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l')
			lng++, fmt++;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (*s)
				emit(o, *s++);
			continue;
		}
		case 'c':
			emit(o, va_arg(ap, int));
			continue;
		case 'u':
		case 'd': {
			u32 u = va_arg(ap, u32);

			do {
				digits[n++] = '0' + u % 10;
				u /= 10;
			} while (u);
			break;
		}
		case 'x':
			v = lng >= 2 ? va_arg(ap, u64) : va_arg(ap, u32);
			do {
				digits[n++] = "0123456789abcdef"[v & 15];
				v >>= 4;
			} while (v);
			break;
		default:
			emit(o, '%');
			emit(o, *fmt);
			continue;
		}
		while (width > n && width--)
			emit(o, pad);
		while (n)
			emit(o, digits[--n]);
	}
	if (o->buf && o->len)
		o->buf[o->pos < o->len ? o->pos : o->len - 1] = 0;
}

void gprintf(const char *fmt, ...)
{
	struct out o = { 0 };
	va_list ap;

	va_start(ap, fmt);
	format(&o, fmt, ap);
	va_end(ap);
}

int gsnprintf(char *buf, size_t len, const char *fmt, ...)
{
	struct out o = { buf, len, 0 };
	va_list ap;

	va_start(ap, fmt);
	format(&o, fmt, ap);
	va_end(ap);
	return o.pos;
}

void print_cpu_mode(void)
{
	unsigned long cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	if (!(cr0 & 1))
		gprintf("cpu mode: 16-bit real mode (cr0 %x)\n", (u32)cr0);
	else if (!(cr0 & 0x80000000UL))
		gprintf("cpu mode: 32-bit protected mode, paging off (cr0 %x)\n", (u32)cr0);
	else if (sizeof(long) == 8)
		gprintf("cpu mode: 64-bit long mode, paging on (cr0 %x)\n", (u32)cr0);
	else
		gprintf("cpu mode: 32-bit protected mode, paging on (cr0 %x)\n", (u32)cr0);
}

const char *e820_type_name(u32 type)
{
	switch (type) {
	case E820_RAM: return "ram";
	case 2: return "reserved";
	case 3: return "acpi";
	case 4: return "nvs";
	case E820_PMEM: return "pmem";
	}
	return "other";
}

void print_e820(const struct boot *boot)
{
	unsigned int i;

	gprintf("e820: %u entries\n", boot->nr_e820);
	for (i = 0; i < boot->nr_e820; i++) {
		const struct e820_entry *e = &boot->e820[i];

		gprintf("e820: [%016llx-%016llx] %s\n", (unsigned long long)e->addr,
			(unsigned long long)(e->addr + e->size - 1), e820_type_name(e->type));
	}
}

static const char *find_word(const char *s, const char *word, size_t n)
{
	while (s && *s) {
		while (*s == ' ')
			s++;
		if (!memcmp(s, word, n) && (s[n] == ' ' || s[n] == '=' || !s[n]))
			return s;
		while (*s && *s != ' ')
			s++;
	}
	return NULL;
}

int cmdline_has(const char *cmdline, const char *word)
{
	const char *w = find_word(cmdline, word, strlen(word));

	return w && w[strlen(word)] != '=';
}

const char *cmdline_value(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t n = strlen(key), i = 0;
	const char *w = find_word(cmdline, key, n);

	if (!w || w[n] != '=' || !len)
		return NULL;
	for (w += n + 1; *w && *w != ' ' && i + 1 < len; w++)
		buf[i++] = *w;
	buf[i] = 0;
	return buf;
}

u32 parse_u32(const char *s)
{
	u32 v = 0;

	if (s[0] == '0' && s[1] == 'x') {
		for (s += 2; *s; s++)
			v = v * 16 + (*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
		return v;
	}
	while (*s >= '0' && *s <= '9')
		v = v * 10 + *s++ - '0';
	return v;
}

u32 mem_read32(const void *p)
{
	u32 v;

	asm volatile("movl %1, %0" : "=r"(v) : "m"(*(const u32 *)p) : "memory");
	return v;
}

void mem_write32(void *p, u32 v)
{
	asm volatile("movl %1, %0" : "=m"(*(u32 *)p) : "r"(v) : "memory");
}

void debug_exit(u8 val)
{
	port_out(DEBUG_EXIT, val);
	halt();
}

void halt(void)
{
	for (;;)
		asm volatile("cli; hlt");
}
