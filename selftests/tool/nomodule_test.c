// SPDX-License-Identifier: GPL-2.0
/* mhvctl with mhv unloaded: it says to load the module, and fails. */
#include "kselftest_harness.h"
#include "mhvctl_util.h"

static struct mhvctl_result r;

TEST(no_dev_mhv)
{
	ASSERT_NE(0, access("/dev/mhv", F_OK)) TH_LOG("run this with mhv unloaded");
}

TEST(info_says_load_the_module)
{
	ASSERT_EQ(1, mhvctl(&r, "info")) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.err, "load the module (insmod mhv.ko)", &r);
}

TEST(run_says_load_the_module)
{
	ASSERT_EQ(1, mhvctl(&r, "run", guest("hello-mb.elf"))) TH_LOG_RESULT(&r);
	ASSERT_HAS(r.err, "load the module (insmod mhv.ko)", &r);
	ASSERT_EQ(NULL, strstr(r.out, "hello"));
}

TEST(json_run_without_module_still_fails)
{
	ASSERT_EQ(1, mhvctl(&r, "run", "--json", guest("hello-mb.elf"))) TH_LOG_RESULT(&r);
	ASSERT_TRUE(json_valid(r.out)) TH_LOG("not JSON: %s", r.out);
	ASSERT_HAS(r.out, "\"result\": \"error\"", &r);
}

TEST_HARNESS_MAIN
