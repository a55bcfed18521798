/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHVCTL_H
#define MHVCTL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct mhvctl_command {
	const char *name;
	const char *help;
	int (*run)(int argc, char **argv);
};

int mhvctl_open_dev(void);
int mhvctl_info(int argc, char **argv);

#endif
