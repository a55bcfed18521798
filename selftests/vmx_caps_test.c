// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/mhv on a CPU with VT-x: the module reads the CPU's VMX capabilities
 * and finds everything it needs (run in the emulated VT-x machine).
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "uapi/mhv.h"

FIXTURE(mhv) {
	int fd;
	struct mhv_vmx_caps caps;
};

FIXTURE_SETUP(mhv)
{
	self->fd = open("/dev/mhv", O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->fd, 0) TH_LOG("open /dev/mhv: %m (is mhv.ko loaded?)");
	ASSERT_EQ(0, ioctl(self->fd, MHV_GET_VMX_CAPS, &self->caps));
}

FIXTURE_TEARDOWN(mhv)
{
	close(self->fd);
}

TEST_F(mhv, api_version)
{
	EXPECT_EQ(MHV_API_VERSION, ioctl(self->fd, MHV_GET_API_VERSION, 0));
}

TEST_F(mhv, device_node_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 0777);
}

TEST_F(mhv, vmx_ready)
{
	TH_LOG("status=%u hw_features=%#x features=%#x missing=%#x revision=%#x cpus=%u",
	       self->caps.status, self->caps.hw_features, self->caps.features,
	       self->caps.missing, self->caps.vmcs_revision, self->caps.nr_cpus);
	EXPECT_EQ(MHV_VMX_READY, self->caps.status);
	EXPECT_EQ(0, self->caps.missing);
	EXPECT_NE(0, self->caps.vmcs_revision);
	EXPECT_GE(self->caps.nr_cpus, 1);
}

TEST_F(mhv, ept_vpid_unrestricted_guest)
{
	TH_LOG("ept=%d vpid=%d ug=%d ept_2m=%d ept_1g=%d ept_ad=%d pml=%d preemption_timer=%d",
	       !!(self->caps.features & MHV_FEAT_EPT),
	       !!(self->caps.features & MHV_FEAT_VPID),
	       !!(self->caps.features & MHV_FEAT_UNRESTRICTED_GUEST),
	       !!(self->caps.features & MHV_FEAT_EPT_2M),
	       !!(self->caps.features & MHV_FEAT_EPT_1G),
	       !!(self->caps.features & MHV_FEAT_EPT_AD),
	       !!(self->caps.features & MHV_FEAT_PML),
	       !!(self->caps.features & MHV_FEAT_PREEMPTION_TIMER));
	EXPECT_TRUE(self->caps.features & MHV_FEAT_EPT);
	EXPECT_TRUE(self->caps.features & MHV_FEAT_VPID);
	EXPECT_TRUE(self->caps.features & MHV_FEAT_UNRESTRICTED_GUEST);
	EXPECT_TRUE(self->caps.features & MHV_FEAT_EPT_2M);
	/* The raw MSRs back the decoded bits: secondary controls allow EPT (bit 1). */
	EXPECT_TRUE((self->caps.procbased_ctls2 >> 32) & (1u << 1));
	EXPECT_TRUE(self->caps.ept_vpid_cap & (1u << 6));
}

TEST_F(mhv, unknown_ioctl_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(MHVIO, 0x7f), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(mhv, caps_bad_pointer_is_efault)
{
	EXPECT_EQ(-1, ioctl(self->fd, MHV_GET_VMX_CAPS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(mhv, api_version_takes_no_argument)
{
	EXPECT_EQ(-1, ioctl(self->fd, MHV_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
