// SPDX-License-Identifier: GPL-2.0
/*
 * A Linux kernel nobody here wrote, booted by mhvctl on mhv's platform
 * (local APICs in the kernel, mhvctl's IOAPIC, UART, MP table and clock):
 * it reaches the init of its initramfs (tools/guests/linux/init), which
 * reports what the guest saw on "@@GUEST key value" lines and ends the VM
 * through the debug-exit port. One boot, checked by each test below.
 * MHV_LINUX_VCPUS sets its vCPUs (default 1).
 */
#include <fcntl.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "linux_guest.h"
#include "uapi/mhv.h"

static struct mhvctl_result boot;
static unsigned int vcpus = 1;

/* Before the harness forks its tests: each one reads the same boot. */
__attribute__((constructor)) static void boot_linux(void)
{
	char vcpus_arg[16];

	vcpus = strtoul(env_or("MHV_LINUX_VCPUS", "1"), NULL, 10);
	snprintf(vcpus_arg, sizeof(vcpus_arg), "%u", vcpus);
	mhvctl(&boot, "run", "--mem", LINUX_MEM, "--vcpus", vcpus_arg, "--timeout", LINUX_TIMEOUT,
	       "--initrd", linux_initrd(), "--cmdline", LINUX_CMDLINE, linux_kernel());
}

/* Sum over CPUs of one /proc/interrupts row the guest printed under @key. */
static long long irq_count(const char *key, const char *row)
{
	char needle[64];
	const char *p = boot.out;
	long long sum = -1;

	snprintf(needle, sizeof(needle), "@@GUEST %s ", key);
	while ((p = strstr(p, needle))) {
		const char *line = p + strlen(needle), *nl = strchr(line, '\n');
		char buf[512], *tok, *save;
		int col = 0;

		p = line;
		snprintf(buf, sizeof(buf), "%.*s", nl ? (int)(nl - line) : (int)strlen(line),
			 line);
		if (!strstr(buf, row))
			continue;
		sum = 0;
		/* "  4:  12  3  IO-APIC  4-edge  ttyS0": the counts follow the label. */
		for (tok = strtok_r(buf, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save))
			if (col++ && (unsigned int)col <= vcpus + 1)
				sum += strtoll(tok, NULL, 10);
		break;
	}
	return sum;
}

static unsigned long long host_tsc_khz(void)
{
	struct mhv_vmx_caps caps;
	int fd = open("/dev/mhv", O_RDWR | O_CLOEXEC);

	memset(&caps, 0, sizeof(caps));
	if (fd >= 0) {
		ioctl(fd, MHV_GET_VMX_CAPS, &caps);
		close(fd);
	}
	return caps.tsc_khz;
}

TEST(linux_reaches_its_init_and_ends_the_vm)
{
	ASSERT_EQ(1, boot.status) TH_LOG_RESULT(&boot);
	ASSERT_HAS(boot.out, "@@GUEST begin", &boot);
	ASSERT_HAS(boot.out, "@@GUEST end", &boot);
}

TEST(kernel_version_line_matches_uname)
{
	char uname[128], line[160];

	ASSERT_NE(NULL, guest_value(boot.out, "uname", uname, sizeof(uname))) TH_LOG_RESULT(&boot);
	snprintf(line, sizeof(line), "Linux version %s ", uname);
	ASSERT_HAS(boot.out, line, &boot);
}

TEST(every_cpu_has_the_hypervisor_flag)
{
	char v[32];

	ASSERT_NE(NULL, guest_value(boot.out, "nproc", v, sizeof(v))) TH_LOG_RESULT(&boot);
	ASSERT_EQ(vcpus, strtoul(v, NULL, 10)) TH_LOG_RESULT(&boot);
	ASSERT_NE(NULL, guest_value(boot.out, "cpuinfo-hypervisor", v, sizeof(v)));
	ASSERT_EQ(vcpus, strtoul(v, NULL, 10)) TH_LOG_RESULT(&boot);
}

TEST(cpuid_shows_the_mhv_signature)
{
	char v[128];

	ASSERT_NE(NULL, guest_value(boot.out, "cpuid", v, sizeof(v))) TH_LOG_RESULT(&boot);
	ASSERT_EQ(0, strncmp(v, "signature mhvmhvmhvmhv ", 23)) TH_LOG("got '%s'", v);
}

TEST(tsc_frequency_is_the_hosts)
{
	unsigned long long khz = host_tsc_khz();
	char v[160], want[64];

	ASSERT_NE(0, khz);
	ASSERT_NE(NULL, guest_value(boot.out, "tsc", v, sizeof(v))) TH_LOG_RESULT(&boot);
	snprintf(want, sizeof(want), "Detected %llu.%03llu MHz", khz / 1000, khz % 1000);
	ASSERT_NE(NULL, strstr(v, want)) TH_LOG("want '%s', got '%s'", want, v);
}

TEST(serial_and_timer_interrupts_count)
{
	long long loc0 = irq_count("irq-before", "LOC:"), loc1 = irq_count("irq-after", "LOC:");
	long long tty0 = irq_count("irq-before", "ttyS0"), tty1 = irq_count("irq-after", "ttyS0");

	ASSERT_LT(0, loc0) TH_LOG_RESULT(&boot);
	ASSERT_LT(loc0, loc1) TH_LOG_RESULT(&boot);
	ASSERT_LT(0, tty0) TH_LOG_RESULT(&boot);
	ASSERT_LT(tty0, tty1) TH_LOG_RESULT(&boot);
}

TEST(sleep_1_lasts_one_second_of_tsc)
{
	unsigned long long khz = host_tsc_khz(), cycles = 0;
	char v[64];
	int fields;

	ASSERT_NE(NULL, guest_value(boot.out, "sleep", v, sizeof(v))) TH_LOG_RESULT(&boot);
	fields = sscanf(v, "sleep-tsc 1 %llu", &cycles);
	ASSERT_EQ(1, fields) TH_LOG("got '%s'", v);
	/* nanosleep may overshoot by a tick and scheduling, never undershoot. */
	ASSERT_LE(khz * 1000, cycles);
	ASSERT_GE(khz * 1100, cycles);
}

TEST(a_job_runs_on_every_cpu)
{
	unsigned int cpu;

	for (cpu = 0; cpu < vcpus; cpu++) {
		char key[32], v[32];

		snprintf(key, sizeof(key), "on-cpu-%u", cpu);
		ASSERT_NE(NULL, guest_value(key, v, sizeof(v))) TH_LOG_RESULT(&boot);
		ASSERT_EQ(cpu, strtoul(v, NULL, 10)) TH_LOG("%s: '%s'", key, v);
	}
}

TEST(guest_log_has_no_warning)
{
	static const char *const bad[] = {
		"WARNING:", "unchecked MSR access", "Call Trace", "BUG:", "soft lockup",
		"failed to come online", "Kernel panic",
	};
	char v[32];
	unsigned int i;

	ASSERT_NE(NULL, guest_value(boot.out, "dmesg-bad", v, sizeof(v))) TH_LOG_RESULT(&boot);
	ASSERT_STREQ("0", v) TH_LOG_RESULT(&boot);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ASSERT_EQ(NULL, strstr(boot.out, bad[i])) TH_LOG("'%s' in %s", bad[i],
								 describe(&boot));
}

TEST_HARNESS_MAIN
