// SPDX-License-Identifier: GPL-2.0
/*
 * Host reboot, part 2: a new boot of the machine, a fresh mhv, the same
 * NVDIMM. The table mhv wrote in part 1 is there with the same name at the
 * same place, the removed region stays removed, the bytes are intact, and
 * a new region does not land on the old one's bytes.
 */
#include "kselftest_harness.h"
#include "pmem_util.h"

TEST(named_region_survives_reboot)
{
	struct mhv_pmem_region r;
	struct mhv_pmem_list l;
	__u64 off = 0;
	int dev_fd = mhv_open_dev(), ns_fd = pmem_open(O_RDWR);

	ASSERT_EQ(0, pmem_lookup(dev_fd, ns_fd, REBOOT_NAME, &r, &l));
	EXPECT_EQ(REBOOT_OFFSET, r.offset);
	EXPECT_EQ(REBOOT_SIZE, r.size);
	EXPECT_EQ(1, l.count);
	EXPECT_EQ(0, host_check_pattern(r.offset, r.size, PMEM_SEED));

	ASSERT_EQ(0, pmem_create(dev_fd, ns_fd, "after-reboot", REBOOT_SIZE, 0, &off));
	EXPECT_EQ(0, ranges_meet(off, REBOOT_SIZE, r.offset, r.size));
	EXPECT_EQ(0, host_check_pattern(r.offset, r.size, PMEM_SEED));
	close(ns_fd);
	close(dev_fd);
}

TEST_HARNESS_MAIN
