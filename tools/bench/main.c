// SPDX-License-Identifier: GPL-2.0
/*
 * mhv-bench: mhv against Linux KVM, the same guest code on each.
 *
 *   mhv-bench [--smoke] [--reps N] [--iters N] [--pmem DEV] [--dax DEV] mhv|kvm
 *
 * Prints one line per case, "@@BENCH|backend|case|lower/higher|unit|median|
 * min|max|n|label|note", which tools/bench/report.awk turns into a table,
 * JSON and SVG; every sanity check also prints as a TAP line. --smoke runs
 * a few iterations of everything, for make check.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static const struct bench_backend *backend;
static unsigned int checks, failed;

u64 bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_result(const char *name, const char *unit, bool higher_better,
		  double *samples, unsigned int n, const char *label, const char *note)
{
	double median;

	qsort(samples, n, sizeof(*samples), cmp_double);
	median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
	printf("@@BENCH|%s|%s|%s|%s|%.3f|%.3f|%.3f|%u|%s|%s\n", backend->name, name,
	       higher_better ? "higher" : "lower", unit, median, samples[0], samples[n - 1],
	       n, label, note);
	fflush(stdout);
}

void bench_na(const char *name, const char *unit, bool higher_better, const char *label,
	      const char *why)
{
	printf("@@BENCH|%s|%s|%s|%s|n/a|n/a|n/a|0|%s|%s\n", backend->name, name,
	       higher_better ? "higher" : "lower", unit, label, why);
	fflush(stdout);
}

void bench_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (!ok)
		failed++;
	printf("%sok %u - ", ok ? "" : "not ", checks);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void bench_note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void bad_args(void)
{
	fprintf(stderr,
		"usage: mhv-bench [--smoke] [--reps N] [--iters N] [--pmem DEV|none]\n"
		"                 [--dax DEV|none] mhv|kvm\n");
	exit(2);
}

static unsigned int number(const char *s, unsigned int max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || !v || v > max)
		bad_args();
	return v;
}

int main(int argc, char **argv)
{
	struct bench_opts o = {
		.reps = 7, .exit_iters = 2000, .touch_pages = 512, .touch_2m = 4,
		.create_reps = 7, .bw_bytes = 4ULL << 20,
		.pmem_dev = "/dev/pmem0", .dax_dev = "/dev/dax0.0",
	};
	int i, ret;

	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--smoke")) {
			o.smoke = true;
			o.reps = 1;
			o.exit_iters = 20;
			o.touch_pages = 16;
			o.touch_2m = 1;
			o.create_reps = 1;
			o.bw_bytes = SZ_2M;
		} else if (!strcmp(argv[i], "--reps") && i + 1 < argc - 1) {
			o.reps = number(argv[++i], 63);
			o.create_reps = o.reps;
		} else if (!strcmp(argv[i], "--iters") && i + 1 < argc - 1) {
			o.exit_iters = number(argv[++i], 1000000);
		} else if (!strcmp(argv[i], "--pmem") && i + 1 < argc - 1) {
			i++;
			o.pmem_dev = strcmp(argv[i], "none") ? argv[i] : NULL;
		} else if (!strcmp(argv[i], "--dax") && i + 1 < argc - 1) {
			i++;
			o.dax_dev = strcmp(argv[i], "none") ? argv[i] : NULL;
		} else {
			bad_args();
		}
	}
	if (i != argc - 1)
		bad_args();
	if (!strcmp(argv[i], "mhv"))
		backend = &bench_mhv;
	else if (!strcmp(argv[i], "kvm"))
		backend = &bench_kvm;
	else
		bad_args();
	if (access(backend->dev, R_OK | W_OK)) {
		fprintf(stderr, "mhv-bench: %s: %s\n", backend->dev, strerror(errno));
		return 1;
	}
	printf("TAP version 13\n");
	bench_note("%s: %u repetitions after a warm-up, %u exits per loop", backend->name,
		   o.reps, o.exit_iters);
	ret = bench_run_cases(backend, &o);
	if (ret)
		bench_check(false, "%s cases ran # %s", backend->name, strerror(-ret));
	printf("1..%u\n", checks);
	return failed ? 1 : 0;
}
