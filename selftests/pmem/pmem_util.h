/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the pmem selftests: the namespace comes from the environment
 * (MHV_PMEM_DEV=/dev/pmem0 or /dev/dax0.0), the ioctls return -errno, and
 * guests write and check a pattern at PMEM_GPA.
 */
#ifndef MHV_SELFTEST_PMEM_UTIL_H
#define MHV_SELFTEST_PMEM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mhv_util.h"

#define SZ_2M		(2ULL << 20)
#define SZ_1G		BIT_ULL(30)
#define PMEM_GPA	BIT_ULL(30)	/* inside the guests' 4 GiB identity map */
#define PMEM_SEED	0x5eed0000c0ffee00ULL

/* The region pmem_before_reboot_test leaves for pmem_after_reboot_test. */
#define REBOOT_NAME	"across-reboot"
#define REBOOT_OFFSET	(4 * SZ_2M)
#define REBOOT_SIZE	(2 * SZ_2M)

static inline const char *pmem_dev(void)
{
	const char *dev = getenv("MHV_PMEM_DEV");

	return dev ? dev : "/dev/pmem0";
}

static inline bool pmem_is_devdax(void)
{
	return !!strstr(pmem_dev(), "/dax");
}

static inline int pmem_open(int flags)
{
	int fd = open(pmem_dev(), flags | O_CLOEXEC);

	if (fd < 0)
		die("open %s", pmem_dev());
	return fd;
}

static inline int pmem_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static inline int pmem_format(int dev_fd, int ns_fd)
{
	struct mhv_pmem_format f = { .fd = ns_fd };

	return pmem_ioctl(dev_fd, MHV_PMEM_FORMAT, &f);
}

/* *offset: in, 0 or where to put it; out, where it is. */
static inline int pmem_create(int dev_fd, int ns_fd, const char *name, __u64 size,
			      __u32 flags, __u64 *offset)
{
	struct mhv_pmem_region r = { .fd = ns_fd, .flags = flags, .size = size };
	int ret;

	strncpy(r.name, name, sizeof(r.name) - 1);
	r.offset = offset ? *offset : 0;
	ret = pmem_ioctl(dev_fd, MHV_PMEM_CREATE, &r);
	if (!ret && offset)
		*offset = r.offset;
	return ret;
}

static inline int pmem_remove(int dev_fd, int ns_fd, const char *name)
{
	struct mhv_pmem_region r = { .fd = ns_fd };

	strncpy(r.name, name, sizeof(r.name) - 1);
	return pmem_ioctl(dev_fd, MHV_PMEM_REMOVE, &r);
}

/* The table's entry for @name: 0, -ENOENT, or the ioctl's error. */
static inline int pmem_lookup(int dev_fd, int ns_fd, const char *name,
			      struct mhv_pmem_region *out, struct mhv_pmem_list *list)
{
	static struct mhv_pmem_region e[128];
	struct mhv_pmem_list l = { .fd = ns_fd, .count = 128, .entries = (unsigned long)e };
	unsigned int i;
	int ret = pmem_ioctl(dev_fd, MHV_PMEM_LIST, &l);

	if (list)
		*list = l;
	if (ret)
		return ret;
	for (i = 0; i < l.count; i++) {
		if (!strcmp(e[i].name, name)) {
			*out = e[i];
			return 0;
		}
	}
	return -ENOENT;
}

static inline int pmem_attach(struct mhv_vm *vm, int ns_fd, const char *name, __u64 gpa,
			      __u32 flags, __u64 *size)
{
	struct mhv_pmem_attach a = { .fd = ns_fd, .flags = flags, .guest_phys_addr = gpa };
	int ret;

	strncpy(a.name, name, sizeof(a.name) - 1);
	ret = pmem_ioctl(vm->fd, MHV_ATTACH_PMEM, &a);
	if (!ret && size)
		*size = a.size;
	return ret;
}

static inline void vm_stats(struct mhv_vm *vm, struct mhv_vm_stats *st)
{
	if (ioctl(vm->fd, MHV_GET_VM_STATS, st))
		die("MHV_GET_VM_STATS");
}

static inline bool ranges_meet(__u64 a, __u64 alen, __u64 b, __u64 blen)
{
	return a < b + blen && b < a + alen;
}

static inline __u64 pattern(__u64 i, __u64 seed)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ seed;
}

/* Guest memory accesses the compiler must not merge or drop. */
#define guest_load(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define guest_store(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* Guests: write, or check, @bytes of pattern at @gpa. */
static inline void guest_write_pattern(__u64 gpa, __u64 bytes, __u64 seed)
{
	__u64 *p = (__u64 *)gpa;
	__u64 i;

	for (i = 0; i < bytes / 8; i++)
		guest_store(&p[i], pattern(i, seed));
	GUEST_DONE();
}

static inline void guest_check_pattern(__u64 gpa, __u64 bytes, __u64 seed)
{
	__u64 *p = (__u64 *)gpa;
	__u64 i;

	for (i = 0; i < bytes / 8; i++)
		GUEST_ASSERT_EQ(guest_load(&p[i]), pattern(i, seed));
	GUEST_DONE();
}

/* Guest: count up at @gpa, reporting each count. */
static inline void guest_counter(__u64 gpa)
{
	__u64 *p = (__u64 *)gpa;

	for (;;) {
		guest_store(p, guest_load(p) + 1);
		GUEST_SYNC(guest_load(p));
	}
}

/* fsdax only: the host writes the pattern over [off, off + len) of the namespace. */
static inline int host_write_pattern(__u64 off, __u64 len, __u64 seed)
{
	int fd = pmem_open(O_WRONLY | O_DIRECT);
	__u64 *buf, i;
	int bad;

	if (posix_memalign((void **)&buf, 4096, len))
		die("posix_memalign");
	for (i = 0; i < len / 8; i++)
		buf[i] = pattern(i, seed);
	bad = pwrite(fd, buf, len, off) != (ssize_t)len || fsync(fd);
	free(buf);
	close(fd);
	return bad;
}

/* The host's own view of [off, off + len) of the namespace: 0 if it holds the pattern. */
static inline int host_check_pattern(__u64 off, __u64 len, __u64 seed)
{
	int fd = pmem_open(O_RDONLY | (pmem_is_devdax() ? 0 : O_DIRECT));
	__u64 *buf, i;
	int bad = 0;

	if (pmem_is_devdax()) {
		buf = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
		if (buf == MAP_FAILED)
			die("mmap %s at %llu", pmem_dev(), (unsigned long long)off);
	} else {
		/* O_DIRECT: the bytes on the namespace, not a page cache copy. */
		if (posix_memalign((void **)&buf, 4096, len))
			die("posix_memalign");
		if (pread(fd, buf, len, off) != (ssize_t)len)
			die("pread %s at %llu", pmem_dev(), (unsigned long long)off);
	}
	for (i = 0; i < len / 8 && !bad; i++)
		bad = buf[i] != pattern(i, seed);
	if (pmem_is_devdax())
		munmap(buf, len);
	else
		free(buf);
	close(fd);
	return bad;
}

#endif
