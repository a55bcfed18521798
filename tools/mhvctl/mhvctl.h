/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHVCTL_H
#define MHVCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1U << (n))
#define BIT_ULL(n)	(1ULL << (n))

/* Exit statuses of mhvctl (mhvctl.8 lists them). */
#define MHVCTL_EXIT_HALT	0	/* the guest halted */
#define MHVCTL_EXIT_ERROR	1	/* mhvctl could not do what was asked */
#define MHVCTL_EXIT_USAGE	2	/* bad command line */
#define MHVCTL_EXIT_SHUTDOWN	4	/* the guest triple-faulted */
#define MHVCTL_EXIT_VMFAIL	6	/* VM entry failed or mhv could not handle an exit */
#define MHVCTL_EXIT_RESET	8	/* the guest reset itself (0xcf9, keyboard controller) */
#define MHVCTL_EXIT_TIMEOUT	124	/* --timeout expired, as timeout(1) */
#define MHVCTL_EXIT_INTERRUPTED	130	/* SIGINT or SIGTERM */

struct mhvctl_command {
	const char *name;
	const char *help;
	int (*run)(int argc, char **argv);
};

/* util.c */
int mhvctl_open_dev(void);
int parse_size(const char *s, u64 *out);
const char *vmx_exit_name(unsigned int reason);
bool wants_help(int argc, char **argv);

/* the commands */
int mhvctl_info(int argc, char **argv);
int mhvctl_run(int argc, char **argv);
int mhvctl_pmem(int argc, char **argv);

#endif
