// SPDX-License-Identifier: GPL-2.0
/* mhvctl: drive the mhv micro-hypervisor from the command line. */
#include <stdio.h>
#include <string.h>

#include "mhvctl.h"

static const struct mhvctl_command commands[] = {
	{ "info", "show the API version and the CPU's VMX capabilities", mhvctl_info },
};

static void print_help(FILE *out)
{
	size_t i;

	fprintf(out, "usage: mhvctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'mhvctl COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		print_help(stderr);
		return 2;
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
