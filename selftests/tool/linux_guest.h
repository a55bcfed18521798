/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux guest of selftests/tool/linux_*_test: the lean test kernel and
 * its initramfs (tools/guests/linux/), booted by mhvctl. Its init reports
 * what it saw on "@@GUEST key value" lines. MHV_LINUX_KERNEL and
 * MHV_LINUX_INITRD name another guest.
 */
#ifndef LINUX_GUEST_H
#define LINUX_GUEST_H

#include "mhvctl_util.h"

#define LINUX_MEM	"128M"
#define LINUX_TIMEOUT	"900"
#define LINUX_CMDLINE	"console=ttyS0 earlyprintk=serial,ttyS0"

static inline const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v ? v : fallback;
}

static inline const char *linux_kernel(void)
{
	return env_or("MHV_LINUX_KERNEL", "/mhv/linux/bzImage");
}

static inline const char *linux_initrd(void)
{
	return env_or("MHV_LINUX_INITRD", "/mhv/linux/initramfs.cpio");
}

/* The value of the first "@@GUEST @key value" line in @out, or NULL. */
static inline const char *guest_value(const char *out, const char *key, char *buf, size_t len)
{
	char needle[64];
	const char *p, *end;

	snprintf(needle, sizeof(needle), "@@GUEST %s ", key);
	p = strstr(out, needle);
	if (!p)
		return NULL;
	p += strlen(needle);
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	snprintf(buf, len, "%.*s", (int)(end - p), p);
	/* The guest's console ends lines with \r\n. */
	buf[strcspn(buf, "\r")] = 0;
	return buf;
}

#endif
