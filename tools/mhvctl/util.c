// SPDX-License-Identifier: GPL-2.0
/* Helpers every mhvctl command uses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mhvctl.h"

int mhvctl_open_dev(void)
{
	int fd = open("/dev/mhv", O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT && access("/sys/module/mhv", F_OK))
		fprintf(stderr,
			"mhvctl: /dev/mhv does not exist: load the module (insmod mhv.ko)\n");
	else if (errno == ENOENT)
		fprintf(stderr,
			"mhvctl: mhv is loaded but /dev/mhv is missing: is devtmpfs mounted on /dev?\n");
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr,
			"mhvctl: cannot open /dev/mhv: %s (run as root)\n",
			strerror(errno));
	else
		fprintf(stderr, "mhvctl: cannot open /dev/mhv: %s\n", strerror(errno));
	return -1;
}

/* "64M", "2G", "4096", "1k": binary units, the result must fit. */
int parse_size(const char *s, u64 *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	}
	if (shift)
		end++;
	if (*end == 'i' && shift)
		end++;
	if ((*end == 'B' || *end == 'b') && shift)
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* SDM Appendix C: VMX basic exit reasons, as short names for stats and traces. */
static const char *const exit_names[] = {
	[0] = "exception-nmi", [1] = "external-interrupt", [2] = "triple-fault",
	[3] = "init", [4] = "sipi", [5] = "io-smi", [6] = "other-smi",
	[7] = "interrupt-window", [8] = "nmi-window", [9] = "task-switch",
	[10] = "cpuid", [11] = "getsec", [12] = "hlt", [13] = "invd",
	[14] = "invlpg", [15] = "rdpmc", [16] = "rdtsc", [17] = "rsm",
	[18] = "vmcall", [19] = "vmclear", [20] = "vmlaunch", [21] = "vmptrld",
	[22] = "vmptrst", [23] = "vmread", [24] = "vmresume", [25] = "vmwrite",
	[26] = "vmxoff", [27] = "vmxon", [28] = "cr-access", [29] = "dr-access",
	[30] = "io", [31] = "rdmsr", [32] = "wrmsr", [33] = "invalid-guest-state",
	[34] = "msr-loading", [36] = "mwait", [37] = "monitor-trap-flag",
	[39] = "monitor", [40] = "pause", [41] = "machine-check",
	[43] = "tpr-below-threshold", [44] = "apic-access", [45] = "virtualized-eoi",
	[46] = "gdtr-idtr", [47] = "ldtr-tr", [48] = "ept-violation",
	[49] = "ept-misconfig", [50] = "invept", [51] = "rdtscp",
	[52] = "preemption-timer", [53] = "invvpid", [54] = "wbinvd",
	[55] = "xsetbv", [56] = "apic-write", [57] = "rdrand", [58] = "invpcid",
	[59] = "vmfunc", [60] = "encls", [61] = "rdseed", [62] = "pml-full",
	[63] = "xsaves", [64] = "xrstors",
};

const char *vmx_exit_name(unsigned int reason)
{
	if (reason < ARRAY_SIZE(exit_names) && exit_names[reason])
		return exit_names[reason];
	return NULL;
}
