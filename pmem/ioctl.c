// SPDX-License-Identifier: GPL-2.0
/* /dev/mhv: format a namespace, create, remove and list its named regions. */
#define pr_fmt(fmt) KBUILD_MODNAME ": pmem: " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pmem/copy_list.h"
#include "pmem/ns.h"
#include "pmem/pmem.h"
#include "pmem/vm.h"

static const char *errname_or(int err)
{
	switch (err) {
	case -EINVAL: return "invalid argument";
	case -EBADF: return "fd not open for writing";
	case -ENODATA: return "no region table: MHV_PMEM_FORMAT it first";
	case -EEXIST: return "name exists";
	case -ENOENT: return "no such region";
	case -ERANGE: return "region past the end of the namespace";
	case -EBUSY: return "overlaps a region, or in use";
	case -ENOSPC: return "no room";
	case -ENODEV: return "namespace gone";
	case -EIO: return "media error";
	}
	return "failed";
}

/* One line per failed call; the namespace's own problems were said in ns.c. */
static long pmem_ret(const char *op, const char *name, long ret)
{
	if (ret && ret != -EFAULT && ret != -E2BIG && ret != -EOPNOTSUPP)
		pr_info_ratelimited("%s%s%s: %s (%ld)\n", op, name ? " " : "",
				    name ? name : "", errname_or(ret), ret);
	return ret;
}

static int get_writable_ns(int fd, struct mhv_pmem_ns **ns)
{
	bool writable;
	int ret = mhv_pmem_ns_get(fd, ns, &writable);

	if (ret)
		return ret;
	if (!writable) {
		mhv_pmem_ns_put(*ns);
		return -EBADF;
	}
	return 0;
}

long mhv_pmem_format(const struct mhv_pmem_format __user *uarg)
{
	struct mhv_pmem_format a;
	struct mhv_pmem_ns *ns;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.flags || memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return pmem_ret("format", NULL, -EINVAL);
	ret = get_writable_ns(a.fd, &ns);
	if (ret)
		return pmem_ret("format", NULL, ret);
	mutex_lock(&mhv_pmem_lock);
	/* Renaming bytes a guest is using would hand them to someone else. */
	if (!list_empty(&ns->atts))
		ret = -EBUSY;
	else if (ns->dead)
		ret = -ENODEV;
	else
		ret = mhv_pmem_table_format(&ns->media, ns->size, &ns->table);
	mutex_unlock(&mhv_pmem_lock);
	mhv_pmem_ns_put(ns);
	return pmem_ret("format", NULL, ret);
}

static int check_region_arg(const struct mhv_pmem_region *a, bool create)
{
	if (memchr_inv(a->reserved, 0, sizeof(a->reserved)) ||
	    !mhv_pmem_name_valid(a->name))
		return -EINVAL;
	if (create)
		return a->flags & ~MHV_PMEM_SHARED ? -EINVAL : 0;
	return a->flags || a->size || a->offset ? -EINVAL : 0;
}

long mhv_pmem_create(struct mhv_pmem_region __user *uarg)
{
	struct mhv_pmem_region a;
	struct mhv_pmem_ns *ns;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	ret = check_region_arg(&a, true);
	if (ret)
		return pmem_ret("create", NULL, ret);
	ret = get_writable_ns(a.fd, &ns);
	if (ret)
		return pmem_ret("create", a.name, ret);
	mutex_lock(&mhv_pmem_lock);
	ret = mhv_pmem_ns_load(ns);
	if (!ret)
		ret = mhv_pmem_table_add(&ns->table, a.name, a.size, a.flags, &a.offset);
	if (!ret)
		ret = mhv_pmem_table_commit(&ns->media, &ns->table);
	mutex_unlock(&mhv_pmem_lock);
	mhv_pmem_ns_put(ns);
	if (ret)
		return pmem_ret("create", a.name, ret);
	return copy_to_user(&uarg->offset, &a.offset, sizeof(a.offset)) ? -EFAULT : 0;
}

long mhv_pmem_remove(const struct mhv_pmem_region __user *uarg)
{
	struct mhv_pmem_region a;
	struct mhv_pmem_ns *ns;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	ret = check_region_arg(&a, false);
	if (ret)
		return pmem_ret("remove", NULL, ret);
	ret = get_writable_ns(a.fd, &ns);
	if (ret)
		return pmem_ret("remove", a.name, ret);
	mutex_lock(&mhv_pmem_lock);
	ret = mhv_pmem_ns_load(ns);
	if (!ret && mhv_pmem_name_attached(ns, a.name))
		ret = -EBUSY;
	if (!ret)
		ret = mhv_pmem_table_del(&ns->table, a.name);
	if (!ret)
		ret = mhv_pmem_table_commit(&ns->media, &ns->table);
	mutex_unlock(&mhv_pmem_lock);
	mhv_pmem_ns_put(ns);
	return pmem_ret("remove", a.name, ret);
}

long mhv_pmem_list(struct mhv_pmem_list __user *uarg)
{
	struct mhv_pmem_region *out = NULL;
	struct mhv_pmem_list a;
	struct mhv_pmem_ns *ns;
	unsigned int i, n = 0;
	bool writable;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (memchr_inv(a.reserved, 0, sizeof(a.reserved)))
		return pmem_ret("list", NULL, -EINVAL);
	ret = mhv_pmem_ns_get(a.fd, &ns, &writable);
	if (ret)
		return pmem_ret("list", NULL, ret);
	out = kcalloc(MHV_PMEM_MAX_REGIONS, sizeof(*out), GFP_KERNEL);
	if (!out) {
		mhv_pmem_ns_put(ns);
		return -ENOMEM;
	}
	mutex_lock(&mhv_pmem_lock);
	ret = mhv_pmem_ns_load(ns);
	if (!ret) {
		n = ns->table.count;
		for (i = 0; i < n; i++) {
			const struct mhv_pmem_entry *e = &ns->table.entries[i];

			out[i].fd = a.fd;
			out[i].flags = e->flags;
			memcpy(out[i].name, e->name, sizeof(out[i].name));
			out[i].size = e->size;
			out[i].offset = e->offset;
		}
		a.namespace_size = ns->size;
		a.free_bytes = mhv_pmem_table_free_bytes(&ns->table);
	}
	mutex_unlock(&mhv_pmem_lock);
	mhv_pmem_ns_put(ns);
	if (ret)
		goto out;
	ret = mhv_pmem_copy_list(a.entries, &a.count, out, n, sizeof(*out));
	if (copy_to_user(uarg, &a, sizeof(a)))
		ret = -EFAULT;
out:
	kfree(out);
	return pmem_ret("list", NULL, ret);
}
