// SPDX-License-Identifier: GPL-2.0
/* mhvctl: drive the mhv micro-hypervisor from the command line. */
#include <stdio.h>
#include <string.h>

#include "mhvctl.h"

static const struct mhvctl_command commands[] = {
	{ "info", "show the API version, VT-x status and the VMX capabilities", mhvctl_info },
	{ "run", "boot a guest image (Multiboot, 64-bit ELF or flat binary)", mhvctl_run },
	{ "pmem", "list, format, create and remove pmem regions of a namespace", mhvctl_pmem },
};

static void print_help(FILE *out)
{
	size_t i;

	fprintf(out, "usage: mhvctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'mhvctl COMMAND --help' for a command's options; man mhvctl for more.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		print_help(stderr);
		return MHVCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_help(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mhvctl: unknown command '%s'\n", argv[1]);
	print_help(stderr);
	return 2;
}
