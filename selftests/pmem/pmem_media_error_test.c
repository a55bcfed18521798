// SPDX-License-Identifier: GPL-2.0
/*
 * A media error on an fsdax namespace (memory_failure() on one of its pages,
 * injected through /sys/devices/system/memory/hard_offline_page) stops the
 * VM whose region holds the page, and only it: a VM on another region of
 * the same namespace runs on, and the namespace stays usable.
 * MHV_PMEM_NS names the namespace (namespace0.0).
 *
 * Device-dax has no holder to notify in the kernel, so there is no devdax
 * twin of this test: its errors reach mappers as SIGBUS only.
 */
#include <dirent.h>
#include <stdio.h>

#include "kselftest_harness.h"
#include "pmem_util.h"

/*
 * Host-physical address of byte 0 of /dev/pmemN: the enabled pfn device of
 * @ns reports it as its resource (namespace start + padding + metadata).
 */
static __u64 fsdax_data_start(const char *ns)
{
	char path[512], buf[64];
	struct dirent *d;
	__u64 start = 0;
	DIR *dir = opendir("/sys/bus/nd/devices");

	if (!dir)
		return 0;
	while (!start && (d = readdir(dir))) {
		if (strncmp(d->d_name, "pfn", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/namespace", d->d_name);
		if (sysfs_read(path, buf, sizeof(buf)) || strcmp(buf, ns))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/nd/devices/%s/resource", d->d_name);
		if (!sysfs_read(path, buf, sizeof(buf)))
			start = strtoull(buf, NULL, 0);
	}
	closedir(dir);
	return start;
}

static int poison(__u64 phys)
{
	char addr[32];

	snprintf(addr, sizeof(addr), "%#llx", (unsigned long long)phys);
	return sysfs_write("/sys/devices/system/memory/hard_offline_page", addr);
}

TEST(media_error_stops_only_the_vm_on_that_page)
{
	const char *ns = getenv("MHV_PMEM_NS") ? : "namespace0.0";
	struct mhv_vcpu *hit_vcpu, *spared_vcpu, *later_vcpu;
	struct mhv_vm *hit, *spared, *later;
	struct mhv_pmem_region r;
	struct mhv_vm_stats st;
	struct ucall uc;
	__u64 data, hit_off = 0, count;
	int dev_fd = mhv_open_dev(), ns_fd = pmem_open(O_RDWR);

	data = fsdax_data_start(ns);
	ASSERT_NE(0, data) TH_LOG("no enabled pfn device of %s: not fsdax?", ns);
	ASSERT_EQ(0, pmem_format(dev_fd, ns_fd));
	ASSERT_EQ(0, pmem_create(dev_fd, ns_fd, "hit", SZ_2M, 0, &hit_off));
	ASSERT_EQ(0, pmem_create(dev_fd, ns_fd, "spared", SZ_2M, 0, NULL));
	ASSERT_EQ(0, pmem_create(dev_fd, ns_fd, "later", SZ_2M, 0, NULL));

	hit = vm_create_with_one_vcpu(&hit_vcpu, guest_counter);
	spared = vm_create_with_one_vcpu(&spared_vcpu, guest_counter);
	ASSERT_EQ(0, pmem_attach(hit, ns_fd, "hit", PMEM_GPA, 0, NULL));
	ASSERT_EQ(0, pmem_attach(spared, ns_fd, "spared", PMEM_GPA, 0, NULL));
	vcpu_args_set(hit_vcpu, 1, PMEM_GPA);
	vcpu_args_set(spared_vcpu, 1, PMEM_GPA);
	ASSERT_UCALL(hit_vcpu, UCALL_SYNC, &uc);
	ASSERT_UCALL(spared_vcpu, UCALL_SYNC, &uc);
	count = uc.args[0];

	/* A page in the middle of "hit", not the one the guest counts in. */
	ASSERT_EQ(0, poison(data + hit_off + 64 * 4096));

	EXPECT_EQ(0, __vcpu_run(hit_vcpu));
	ASSERT_EXIT(hit_vcpu, MHV_EXIT_PMEM_LOST);
	EXPECT_EQ(0, __vcpu_run(hit_vcpu));
	EXPECT_EXIT(hit_vcpu, MHV_EXIT_PMEM_LOST);
	vm_stats(hit, &st);
	EXPECT_EQ(0, st.pmem_pages_mapped);
	/* A stopped VM stays stopped: it gets no pmem again. */
	EXPECT_EQ(-EIO, pmem_attach(hit, ns_fd, "later", PMEM_GPA + SZ_1G, 0, NULL));

	/* The other region's VM counts on, with its memory mapped. */
	ASSERT_UCALL(spared_vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(count + 1, uc.args[0]);
	vm_stats(spared, &st);
	EXPECT_EQ(SZ_2M / 4096, st.pmem_pages_mapped);

	/* The namespace is not dead: a new VM attaches another region of it. */
	later = vm_create_with_one_vcpu(&later_vcpu, guest_counter);
	ASSERT_EQ(0, pmem_attach(later, ns_fd, "later", PMEM_GPA, 0, NULL));
	vcpu_args_set(later_vcpu, 1, PMEM_GPA);
	ASSERT_UCALL(later_vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, pmem_lookup(dev_fd, ns_fd, "hit", &r, NULL));

	vm_free(later);
	vm_free(spared);
	vm_free(hit);
	close(ns_fd);
	close(dev_fd);
}

TEST_HARNESS_MAIN
