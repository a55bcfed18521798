// SPDX-License-Identifier: GPL-2.0
/*
 * Host reboot, part 1 (QEMU, an NVDIMM backed by a host file; part 2 is
 * pmem_after_reboot_test in the next boot): the region table is written
 * through several updates, so that the table that must survive sits in the
 * second of its two copies, and the host writes a pattern into a region.
 * No VMX is needed: this is the table and the namespace, not a guest.
 */
#include "kselftest_harness.h"
#include "pmem_util.h"

TEST(named_region_and_bytes_written)
{
	__u64 off = REBOOT_OFFSET;
	struct mhv_pmem_region r;
	int dev_fd = mhv_open_dev(), ns_fd = pmem_open(O_RDWR);

	ASSERT_EQ(0, pmem_format(dev_fd, ns_fd));
	/* Placed, not first-fit: part 2 proves the offset came from the media. */
	ASSERT_EQ(0, pmem_create(dev_fd, ns_fd, REBOOT_NAME, REBOOT_SIZE, 0, &off));
	ASSERT_EQ(REBOOT_OFFSET, off);
	ASSERT_EQ(0, pmem_create(dev_fd, ns_fd, "gone-before-reboot", SZ_2M, 0, NULL));
	ASSERT_EQ(0, pmem_remove(dev_fd, ns_fd, "gone-before-reboot"));
	ASSERT_EQ(0, host_write_pattern(off, REBOOT_SIZE, PMEM_SEED));
	ASSERT_EQ(0, pmem_lookup(dev_fd, ns_fd, REBOOT_NAME, &r, NULL));
	close(ns_fd);
	close(dev_fd);
}

TEST_HARNESS_MAIN
