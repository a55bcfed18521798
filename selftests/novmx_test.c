// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/mhv on a CPU without VT-x (QEMU TCG): the module still loads and
 * says clearly that there is no VMX, and refuses nothing else.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uapi/mhv.h"

TEST(reports_no_vmx)
{
	struct mhv_vmx_caps caps;
	int fd = open("/dev/mhv", O_RDWR | O_CLOEXEC);

	ASSERT_GE(fd, 0) TH_LOG("open /dev/mhv: %m");
	EXPECT_EQ(MHV_API_VERSION, ioctl(fd, MHV_GET_API_VERSION, 0));
	ASSERT_EQ(0, ioctl(fd, MHV_GET_VMX_CAPS, &caps));
	EXPECT_EQ(MHV_VMX_NO_CPU_SUPPORT, caps.status);
	EXPECT_EQ(0, caps.features);
	close(fd);
}

TEST_HARNESS_MAIN
