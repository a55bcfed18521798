// SPDX-License-Identifier: GPL-2.0
/* mhvctl info: what mhv sees of this CPU. */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mhvctl.h"
#include "uapi/mhv.h"

static const char *const feature_names[] = {
	"true-ctls", "ept", "unrestricted-guest", "msr-bitmap", "io-bitmap",
	"ept-wb-4level", "invept-context", "efer-ctls", "vpid", "ept-2m",
	"ept-1g", "ept-ad", "pml", "preemption-timer", "ack-intr-on-exit",
	"vmcs-wb64",
};

static const char *status_text(unsigned int status)
{
	switch (status) {
	case MHV_VMX_READY:		return "ready";
	case MHV_VMX_NO_CPU_SUPPORT:	return "no VMX in this CPU";
	case MHV_VMX_DISABLED:		return "VMX disabled by firmware";
	case MHV_VMX_MISSING_FEATURE:	return "VMX lacks features mhv needs";
	case MHV_VMX_BUSY:		return "VT-x held by another hypervisor (unload kvm_intel)";
	}
	return "unknown";
}

static void print_features(const char *label, unsigned int mask)
{
	size_t i;

	printf("%-18s", label);
	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (mask & (1u << i))
			printf(" %s", feature_names[i]);
	printf("%s\n", mask ? "" : " none");
}

/* The capabilities an operator asks about first. */
static const struct {
	unsigned int bit;
	const char *name;
} key_features[] = {
	{ MHV_FEAT_EPT, "ept" },
	{ MHV_FEAT_UNRESTRICTED_GUEST, "unrestricted-guest" },
	{ MHV_FEAT_VPID, "vpid" },
	{ MHV_FEAT_EPT_2M, "ept-2m-pages" },
	{ MHV_FEAT_EPT_1G, "ept-1g-pages" },
	{ MHV_FEAT_EPT_AD, "ept-accessed-dirty" },
	{ MHV_FEAT_PML, "pml" },
	{ MHV_FEAT_PREEMPTION_TIMER, "preemption-timer" },
};

static void print_key_features(const struct mhv_vmx_caps *caps)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(key_features); i++) {
		unsigned int bit = key_features[i].bit;
		const char *state;

		if (caps->features & bit)
			state = "yes";
		else if (caps->hw_features & bit)
			state = "off (module parameter)";
		else
			state = "no (not offered by the CPU)";
		printf("  %-20s %s\n", key_features[i].name, state);
	}
}

/* /sys/module/mhv/parameters: what the module was loaded with. */
static void print_params(void)
{
	const char *dir = "/sys/module/mhv/parameters";
	struct dirent *de;
	DIR *d = opendir(dir);

	printf("module parameters\n");
	if (!d) {
		printf("  (none readable in %s)\n", dir);
		return;
	}
	while ((de = readdir(d))) {
		char path[512], val[128] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(val, sizeof(val), f))
			val[strcspn(val, "\n")] = 0;
		fclose(f);
		printf("  %-24s %s\n", de->d_name, val);
	}
	closedir(d);
}

int mhvctl_info(int argc, char **argv)
{
	struct mhv_vmx_caps caps;
	int fd, version;

	if (wants_help(argc, argv)) {
		printf("usage: mhvctl info\n\n"
		       "Shows the API version, whether VT-x is free for mhv, the VMX capabilities\n"
		       "mhv sees and uses, and the module parameters it was loaded with.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr,
			"mhvctl info: unexpected argument '%s' (see mhvctl info --help)\n",
			argv[1]);
		return MHVCTL_EXIT_USAGE;
	}
	fd = mhvctl_open_dev();
	if (fd < 0)
		return MHVCTL_EXIT_ERROR;
	version = ioctl(fd, MHV_GET_API_VERSION, 0);
	if (ioctl(fd, MHV_GET_VMX_CAPS, &caps)) {
		fprintf(stderr, "mhvctl: MHV_GET_VMX_CAPS: %s\n", strerror(errno));
		close(fd);
		return MHVCTL_EXIT_ERROR;
	}
	close(fd);
	printf("api version        %d%s\n", version,
	       version == MHV_API_VERSION ? "" : " (mhvctl was built for another version)");
	printf("vmx status         %s\n", status_text(caps.status));
	printf("vt-x               %s\n", caps.status == MHV_VMX_BUSY ?
	       "held by another hypervisor: unload it (rmmod kvm_intel) to run mhv guests" :
	       caps.status == MHV_VMX_READY ? "free" : "not usable");
	printf("online cpus        %u\n", caps.nr_cpus);
	if (caps.status != MHV_VMX_NO_CPU_SUPPORT && caps.status != MHV_VMX_DISABLED) {
		printf("vmcs revision      %#x\n", caps.vmcs_revision);
		printf("capabilities\n");
		print_key_features(&caps);
		print_features("cpu features", caps.hw_features);
		print_features("features in use", caps.features);
		if (caps.missing)
			print_features("missing", caps.missing);
		if (caps.features & MHV_FEAT_PREEMPTION_TIMER)
			printf("preemption timer   1 tick per %u TSC cycles\n",
			       1u << caps.preemption_timer_shift);
	}
	print_params();
	return 0;
}
