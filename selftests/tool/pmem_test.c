// SPDX-License-Identifier: GPL-2.0
/*
 * mhvctl pmem and --pmem on a real namespace: the region table round-trips
 * through format, create, ls and rm, a guest's data in its region outlives
 * the guest, and a read-only attach reads it without changing it.
 * MHV_PMEM_DEV names the fsdax namespace to use (its table is destroyed):
 * suites/tool.sh sets it up.
 */
#include "kselftest_harness.h"
#include "mhvctl_util.h"

static struct mhvctl_result r;

static const char *pmem_dev(void)
{
	const char *d = getenv("MHV_PMEM_DEV");

	return d ? d : "/dev/pmem0";
}

TEST(format_leaves_an_empty_table)
{
	ASSERT_EQ(0, mhvctl(&r, "pmem", "format", pmem_dev())) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "empty region table written", &r);
	ASSERT_EQ(0, mhvctl(&r, "pmem", "ls", pmem_dev())) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "0 regions\n", &r);
}

TEST(create_ls_rm_round_trip)
{
	ASSERT_EQ(0, mhvctl(&r, "pmem", "format", pmem_dev())) TH_LOG_RESULT(&r);
	ASSERT_EQ(0, mhvctl(&r, "pmem", "create", pmem_dev(), "alpha", "--size", "4M"))
		TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "created alpha, 4 MiB", &r);
	ASSERT_EQ(0, mhvctl(&r, "pmem", "create", pmem_dev(), "beta", "--size=2M", "--shared"))
		TH_LOG_RESULT(&r);
	ASSERT_EQ(0, mhvctl(&r, "pmem", "ls", pmem_dev())) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "2 regions\n", &r);
	ASSERT_HAS(r.out, "alpha ", &r);
	ASSERT_HAS(r.out, "beta ", &r);
	ASSERT_HAS(r.out, "shared", &r);

	/* A second region of the same name is refused, and says why. */
	ASSERT_NE(0, mhvctl(&r, "pmem", "create", pmem_dev(), "alpha", "--size", "2M"));
	ASSERT_HAS(r.err, "exists", &r);

	ASSERT_EQ(0, mhvctl(&r, "pmem", "rm", pmem_dev(), "alpha")) TH_LOG_RESULT(&r);
	ASSERT_EQ(0, mhvctl(&r, "pmem", "ls", pmem_dev())) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "1 region\n", &r);
	ASSERT_EQ(NULL, strstr(r.out, "alpha"));
	ASSERT_NE(0, mhvctl(&r, "pmem", "rm", pmem_dev(), "alpha"));
	ASSERT_HAS(r.err, "no such region", &r);
	ASSERT_EQ(0, mhvctl(&r, "pmem", "rm", pmem_dev(), "beta")) TH_LOG_RESULT(&r);
}

TEST(bad_pmem_arguments)
{
	EXPECT_EQ(2, mhvctl(&r, "pmem", "create", pmem_dev(), "bad/name", "--size", "2M"));
	ASSERT_HAS(r.err, "bad pmem region name", &r);
	EXPECT_EQ(2, mhvctl(&r, "pmem", "create", pmem_dev(), "x", "--size", "3M"));
	ASSERT_HAS(r.err, "bad pmem size '3M'", &r);
	EXPECT_EQ(2, mhvctl(&r, "pmem", "frob", pmem_dev()));
	ASSERT_HAS(r.err, "unknown subcommand 'frob'", &r);
	EXPECT_EQ(2, mhvctl(&r, "run", "--pmem", "/dev/pmem0,colour=red", guest("demo.elf")));
	ASSERT_HAS(r.err, "unknown option 'colour=red'", &r);
}

TEST(missing_region_without_size_is_explained)
{
	ASSERT_EQ(0, mhvctl(&r, "pmem", "format", pmem_dev())) TH_LOG_RESULT(&r);
	ASSERT_EQ(1, mhvctl(&r, "run", "--pmem", pmem_dev(), guest("demo.elf")));
	ASSERT_HAS(r.err, "no such region", &r);
}

TEST(guest_sees_its_region_and_keeps_its_data)
{
	char arg[128];

	ASSERT_EQ(0, mhvctl(&r, "pmem", "format", pmem_dev())) TH_LOG_RESULT(&r);
	snprintf(arg, sizeof(arg), "%s,size=2M", pmem_dev());
	/* The region is created on first use, named after the image. */
	ASSERT_EQ(3, mhvctl(&r, "run", "--pmem", arg, guest("demo.elf"))) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "e820: [0000000040000000-00000000401fffff] pmem\n", &r);
	ASSERT_HAS(r.out, "pmem: fresh region, counter starts at 0\n", &r);
	ASSERT_HAS(r.out, "boot #1\n", &r);
	ASSERT_EQ(5, mhvctl(&r, "run", "--json", "--pmem", arg, guest("demo.elf")))
		TH_LOG_RESULT(&r);
	ASSERT_HAS(r.err, "boot #2\n", &r);
	ASSERT_TRUE(json_valid(r.out)) TH_LOG("not JSON: %s", r.out);
	ASSERT_HAS(r.out, "\"name\": \"demo\", \"gpa\": 1073741824, \"size\": 2097152", &r);
	ASSERT_EQ(0, mhvctl(&r, "pmem", "ls", pmem_dev())) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "demo ", &r);

	/* Another name is another region: a fresh counter. */
	snprintf(arg, sizeof(arg), "%s,name=other,size=2M", pmem_dev());
	ASSERT_EQ(3, mhvctl(&r, "run", "--pmem", arg, guest("demo.elf"))) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "boot #1\n", &r);
}

/* The demo leaves with (count << 1) | 1. */
static int demo_status(int boots)
{
	return boots << 1 | 1;
}

TEST(readonly_region_is_read_not_written)
{
	char rw[128], ro[128];
	int boots;

	ASSERT_EQ(0, mhvctl(&r, "pmem", "format", pmem_dev())) TH_LOG_RESULT(&r);
	snprintf(rw, sizeof(rw), "%s,name=ro-demo,size=2M", pmem_dev());
	snprintf(ro, sizeof(ro), "%s,name=ro-demo,ro", pmem_dev());
	/* Formatting keeps the bytes: the count may go on from an earlier region's. */
	boots = mhvctl(&r, "run", "--pmem", rw, guest("demo.elf")) >> 1;
	ASSERT_LT(0, boots) TH_LOG_RESULT(&r);
	/* The guest reads the count; its store goes nowhere (an MMIO write mhvctl drops). */
	ASSERT_EQ(demo_status(boots + 1), mhvctl(&r, "run", "--pmem", ro, guest("demo.elf")))
		TH_LOG_RESULT(&r);
	ASSERT_EQ(demo_status(boots + 1), mhvctl(&r, "run", "--pmem", ro, guest("demo.elf")))
		TH_LOG_RESULT(&r);
	ASSERT_EQ(demo_status(boots + 1), mhvctl(&r, "run", "--pmem", rw, guest("demo.elf")))
		TH_LOG_RESULT(&r);
}

TEST(demo_without_pmem_says_so)
{
	ASSERT_EQ(0xfd, mhvctl(&r, "run", guest("demo.elf"))) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.out, "no pmem region (E820 type 12)", &r);
}

TEST_HARNESS_MAIN
