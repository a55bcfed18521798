/* SPDX-License-Identifier: GPL-2.0 */
/* Inside pmem/: the common tail of its list ioctls (PMEM_LIST, GET_PMEM_MAP). */
#ifndef MHV_PMEM_COPY_LIST_H
#define MHV_PMEM_COPY_LIST_H

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>

/*
 * Copy @n entries of @size bytes from @items to the user array @entries if
 * *@count (its room) holds them, else -E2BIG; either way *@count becomes @n,
 * so that the caller learns how much room is needed, as KVM's list ioctls do.
 */
static inline long mhv_pmem_copy_list(u64 entries, u32 *count, const void *items, u32 n,
				      size_t size)
{
	long ret = 0;

	if (*count < n)
		ret = -E2BIG;
	else if (n && copy_to_user(u64_to_user_ptr(entries), items, n * size))
		ret = -EFAULT;
	*count = n;
	return ret;
}

#endif
