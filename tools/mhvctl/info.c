// SPDX-License-Identifier: GPL-2.0
/* mhvctl info: what mhv sees of this CPU. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

int mhvctl_open_dev(void)
{
	int fd = open("/dev/mhv", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "mhvctl: cannot open /dev/mhv: %s%s\n", strerror(errno),
			errno == ENOENT ? " (load the module: insmod mhv.ko)" :
			errno == EACCES ? " (run as root)" : "");
	return fd;
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

int mhvctl_info(int argc, char **argv)
{
	struct mhv_vmx_caps caps;
	int fd, version;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			printf("usage: mhvctl info\n\n"
			       "Shows the API version, the VMX status and the features mhv uses.\n");
			return 0;
		}
		fprintf(stderr, "mhvctl info: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	fd = mhvctl_open_dev();
	if (fd < 0)
		return 1;
	version = ioctl(fd, MHV_GET_API_VERSION, 0);
	if (ioctl(fd, MHV_GET_VMX_CAPS, &caps)) {
		fprintf(stderr, "mhvctl: MHV_GET_VMX_CAPS: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	printf("api version        %d\n", version);
	printf("vmx status         %s\n", status_text(caps.status));
	printf("online cpus        %u\n", caps.nr_cpus);
	if (caps.status == MHV_VMX_NO_CPU_SUPPORT || caps.status == MHV_VMX_DISABLED)
		return 0;
	printf("vmcs revision      %#x\n", caps.vmcs_revision);
	print_features("cpu features", caps.hw_features);
	print_features("features in use", caps.features);
	if (caps.missing)
		print_features("missing", caps.missing);
	if (caps.features & MHV_FEAT_PREEMPTION_TIMER)
		printf("preemption timer   1 tick per %u TSC cycles\n",
		       1u << caps.preemption_timer_shift);
	return 0;
}
