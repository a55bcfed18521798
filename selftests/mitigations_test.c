// SPDX-License-Identifier: GPL-2.0
/*
 * mhv's speculative-execution mitigations follow the host kernel's choices:
 * what /sys/class/misc/mhv/mitigations reports must agree, line by line,
 * with what the kernel reports in /sys/devices/system/cpu/vulnerabilities.
 * make check runs this on a machine booted with mitigations=off and on one
 * booted with the kernel's defaults.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define VULN_DIR	"/sys/devices/system/cpu/vulnerabilities/"
#define REPORT		"/sys/class/misc/mhv/mitigations"

static char report[1024];

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

/* The state mhv reports for @name ("on", "off (...)", ...), or "" if it has no such line. */
static const char *mhv_state(const char *name, char *out, size_t len)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "%s: ", name);
	p = strstr(report, key);
	out[0] = '\0';
	if (p) {
		p += strlen(key);
		snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
	}
	return out;
}

static const char *vuln(const char *name, char *out, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), VULN_DIR "%s", name);
	read_file(path, out, len);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static bool has_cpu_flag(const char *flag)
{
	char cpuinfo[16384], word[64];

	read_file("/proc/cpuinfo", cpuinfo, sizeof(cpuinfo));
	snprintf(word, sizeof(word), " %s", flag);
	for (char *p = strstr(cpuinfo, word); p; p = strstr(p + 1, word))
		if (p[strlen(word)] == ' ' || p[strlen(word)] == '\n')
			return true;
	return false;
}

/* mitigations=off or BUG=off on the command line: the kernel's "off" for that bug. */
static bool host_turned_off(const char *bug)
{
	char cmdline[4096], off[64];

	read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	snprintf(off, sizeof(off), " %s=off", bug);
	memmove(cmdline + 1, cmdline, strlen(cmdline) + 1);
	cmdline[0] = ' ';
	return strstr(cmdline, " mitigations=off") || strstr(cmdline, off);
}

FIXTURE(mitigations) {
	char state[128];
	char host[512];
};

FIXTURE_SETUP(mitigations)
{
	read_file(REPORT, report, sizeof(report));
	ASSERT_NE('\0', report[0]) TH_LOG("no %s", REPORT);
	TH_LOG("mhv: %s", report);
}

FIXTURE_TEARDOWN(mitigations)
{
}

TEST_F(mitigations, l1d_flush_follows_l1tf)
{
	const char *l1tf = vuln("l1tf", self->host, sizeof(self->host));
	const char *mine = mhv_state("l1d_flush", self->state, sizeof(self->state));

	TH_LOG("l1tf: %s; mhv: %s", l1tf, mine);
	if (!strncmp(l1tf, "Not affected", 12)) {
		EXPECT_STREQ("off (not affected)", mine);
	} else if (host_turned_off("l1tf")) {
		/* The host turned its own L1TF mitigation off; PTE inversion may stay. */
		EXPECT_STREQ("off (host: l1tf mitigation off)", mine);
	} else if (!has_cpu_flag("flush_l1d")) {
		EXPECT_STREQ("vulnerable (no L1D flush command)", mine);
	} else {
		EXPECT_TRUE(!strcmp(mine, "on") || !strcmp(mine, "off (not needed on VM entry)"))
			TH_LOG("l1d_flush: %s", mine);
	}
}

TEST_F(mitigations, cpu_buffers_cleared_when_the_host_clears_them)
{
	static const char *const bugs[] = {
		"mds", "tsx_async_abort", "mmio_stale_data", "reg_file_data_sampling",
	};
	bool host_clears = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bugs); i++) {
		vuln(bugs[i], self->host, sizeof(self->host));
		TH_LOG("%s: %s", bugs[i], self->host);
		host_clears |= !!strstr(self->host, "Clear CPU buffers");
	}
	EXPECT_STREQ(host_clears ? "on" : "off",
		     mhv_state("cpu_buffers_clear", self->state, sizeof(self->state)));
}

TEST_F(mitigations, spectre_v2_choices_followed)
{
	const char *v2 = vuln("spectre_v2", self->host, sizeof(self->host));
	const char *rsb = "on";
	char state[128];

	TH_LOG("spectre_v2: %s", v2);
	if (!strncmp(v2, "Vulnerable", 10) || !strncmp(v2, "Not affected", 12))
		rsb = "off";
	else if (strstr(v2, "PBRSB-eIBRS: SW sequence"))
		rsb = "lite";
	else if (strstr(v2, "Enhanced"))
		rsb = "off";
	EXPECT_STREQ(rsb, mhv_state("rsb_fill", state, sizeof(state)));
	EXPECT_STREQ(!strncmp(v2, "Mitigation: IBRS", 16) ? "on" : "off",
		     mhv_state("ibrs_after_exit", state, sizeof(state)));
	EXPECT_STREQ(strstr(v2, "KVM: SW loop") ? "on" : "off",
		     mhv_state("bhb_clear", state, sizeof(state)));
	EXPECT_STREQ(strstr(v2, "IBPB: conditional") || strstr(v2, "IBPB: always-on") ?
		     "on" : "off", mhv_state("ibpb_on_vmcs_switch", state, sizeof(state)));
	EXPECT_STREQ("on", mhv_state("gprs_cleared", state, sizeof(state)));
}

TEST_HARNESS_MAIN
