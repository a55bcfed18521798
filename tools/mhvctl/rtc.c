// SPDX-License-Identifier: GPL-2.0
/*
 * The MC146818 CMOS clock at ports 0x70/0x71, as Linux reads it at boot
 * (mach_get_cmos_time) and its rtc-cmos driver drives it: the host's UTC time
 * in BCD or binary as register B asks, 24-hour mode, never an update in
 * progress, and the rest of the 128 bytes as plain CMOS RAM. Setting the
 * clock is kept in that RAM only: the host's time is not the guest's to change.
 */
#include <string.h>
#include <time.h>

#include "vm.h"

#define RTC_INDEX_PORT	0x70
#define RTC_INDEX_MASK	0x7f	/* bit 7 is the NMI mask */

enum {
	RTC_SECONDS = 0, RTC_MINUTES = 2, RTC_HOURS = 4, RTC_WEEKDAY = 6,
	RTC_DAY = 7, RTC_MONTH = 8, RTC_YEAR = 9,
	RTC_REG_A = 10, RTC_REG_B = 11, RTC_REG_C = 12, RTC_REG_D = 13,
	RTC_CENTURY = 0x32,
};

#define REG_A_DIVIDER_32K	0x26	/* 32.768 kHz time base, 1024 Hz rate */
#define REG_B_24H		0x02
#define REG_B_BINARY		0x04
#define REG_D_VALID_RAM		0x80

struct rtc {
	u8 index;
	u8 cmos[128];
};

static struct rtc rtc = {
	.cmos = { [RTC_REG_A] = REG_A_DIVIDER_32K, [RTC_REG_B] = REG_B_24H,
		  [RTC_REG_D] = REG_D_VALID_RAM },
};

static u8 rtc_encode(const struct rtc *r, unsigned int v)
{
	return r->cmos[RTC_REG_B] & REG_B_BINARY ? v : ((v / 10) << 4) | (v % 10);
}

static u8 rtc_read(struct rtc *r, u8 reg)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case RTC_SECONDS: return rtc_encode(r, tm.tm_sec);
	case RTC_MINUTES: return rtc_encode(r, tm.tm_min);
	case RTC_HOURS: return rtc_encode(r, tm.tm_hour);
	case RTC_WEEKDAY: return rtc_encode(r, tm.tm_wday + 1);
	case RTC_DAY: return rtc_encode(r, tm.tm_mday);
	case RTC_MONTH: return rtc_encode(r, tm.tm_mon + 1);
	case RTC_YEAR: return rtc_encode(r, tm.tm_year % 100);
	case RTC_CENTURY: return rtc_encode(r, 19 + tm.tm_year / 100);
	case RTC_REG_C: return 0;	/* no alarm, periodic or update interrupt */
	}
	return r->cmos[reg];
}

static u32 rtc_in(struct vm *vm, struct io_device *dev, u16 port, u8 size)
{
	struct rtc *r = dev->priv;

	return port == RTC_INDEX_PORT ? 0xff : rtc_read(r, r->index);
}

static void rtc_out(struct vm *vm, struct io_device *dev, u16 port, u8 size, u32 val)
{
	struct rtc *r = dev->priv;

	if (port == RTC_INDEX_PORT)
		r->index = val & RTC_INDEX_MASK;
	else if (r->index == RTC_REG_B)
		r->cmos[RTC_REG_B] = val & (REG_B_24H | REG_B_BINARY);
	else if (r->index != RTC_REG_A && r->index != RTC_REG_C && r->index != RTC_REG_D)
		r->cmos[r->index] = val;
}

static struct io_device rtc_dev = {
	.name = "rtc",
	.base = RTC_INDEX_PORT,
	.len = 2,
	.in = rtc_in,
	.out = rtc_out,
	.priv = &rtc,
};

int rtc_init(struct vm *vm)
{
	return iobus_register(vm, &rtc_dev);
}
