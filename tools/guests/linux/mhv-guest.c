// SPDX-License-Identifier: GPL-2.0
/*
 * What a Linux guest's test script cannot do with busybox alone:
 *   mhv-guest signature   the hypervisor's CPUID leaf 0x40000000
 *   mhv-guest sleep-tsc N TSC cycles that pass over a sleep of N seconds
 *   mhv-guest exit V      ends the VM through mhvctl's debug-exit port (0xf4)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cpuid.h>
#include <sys/io.h>
#include <x86intrin.h>

#define DEBUG_EXIT_PORT	0xf4

static int print_signature(void)
{
	unsigned int eax, ebx, ecx, edx;
	char sig[13];

	__cpuid(0x40000000, eax, ebx, ecx, edx);
	memcpy(sig, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	sig[12] = 0;
	printf("signature %s max-leaf %#x\n", sig, eax);
	return 0;
}

static int sleep_tsc(const char *secs)
{
	struct timespec ts = { .tv_sec = strtol(secs, NULL, 10) };
	unsigned long long t0 = __rdtsc(), t1;

	nanosleep(&ts, NULL);
	t1 = __rdtsc();
	printf("sleep-tsc %ld %llu\n", (long)ts.tv_sec, t1 - t0);
	return 0;
}

static int debug_exit(const char *val)
{
	if (ioperm(DEBUG_EXIT_PORT, 1, 1)) {
		perror("mhv-guest: ioperm");
		return 1;
	}
	fflush(NULL);
	outb(strtol(val, NULL, 0), DEBUG_EXIT_PORT);
	fprintf(stderr, "mhv-guest: still running after the debug-exit write\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "signature"))
		return print_signature();
	if (argc == 3 && !strcmp(argv[1], "sleep-tsc"))
		return sleep_tsc(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "exit"))
		return debug_exit(argv[2]);
	fprintf(stderr, "usage: mhv-guest signature | sleep-tsc SECONDS | exit VALUE\n");
	return 2;
}
