// SPDX-License-Identifier: GPL-2.0
/* The in-namespace region table: format, checksum, two-copy update, allocator. */
#include <linux/align.h>
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pmem/table.h"

struct mhv_pmem_disk_entry {
	char name[MHV_PMEM_NAME_LEN];
	__le64 offset;
	__le64 size;
	__le32 flags;
	__le32 pad;
	__le64 reserved;
};

struct mhv_pmem_disk_header {
	__le64 magic;
	__le32 version;
	__le32 count;
	__le64 generation;
	__le64 checksum;	/* FNV-1a of the copy with this field 0 */
	__le64 ns_size;		/* at format time, for the record */
	__le64 reserved[3];
	struct mhv_pmem_disk_entry entries[];
};

static_assert(sizeof(struct mhv_pmem_disk_entry) == 64);
static_assert(sizeof(struct mhv_pmem_disk_header) == 64);
static_assert(sizeof(struct mhv_pmem_disk_header) +
	      MHV_PMEM_MAX_REGIONS * sizeof(struct mhv_pmem_disk_entry) <=
	      MHV_PMEM_COPY_SIZE);

/* FNV-1a, 64 bit: catches a torn copy; no CRC library needed. */
static u64 copy_checksum(const void *buf)
{
	const struct mhv_pmem_disk_header *h = buf;
	const u8 *p = buf;
	u64 hash = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < MHV_PMEM_COPY_SIZE; i++) {
		u8 c = p[i];

		if (i >= offsetof(typeof(*h), checksum) &&
		    i < offsetof(typeof(*h), checksum) + sizeof(h->checksum))
			c = 0;
		hash = (hash ^ c) * 0x100000001b3ULL;
	}
	return hash;
}

bool mhv_pmem_name_valid(const char *name)
{
	size_t len = strnlen(name, MHV_PMEM_NAME_LEN);
	size_t i;

	if (!len || len == MHV_PMEM_NAME_LEN)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	/* Bytes after the NUL are compared by memcmp(): they must be 0 too. */
	return !memchr_inv(name + len, 0, MHV_PMEM_NAME_LEN - len);
}

void mhv_pmem_table_encode(const struct mhv_pmem_table *t, void *buf)
{
	struct mhv_pmem_disk_header *h = buf;
	unsigned int i;

	memset(buf, 0, MHV_PMEM_COPY_SIZE);
	h->magic = cpu_to_le64(MHV_PMEM_MAGIC);
	h->version = cpu_to_le32(MHV_PMEM_VERSION);
	h->count = cpu_to_le32(t->count);
	h->generation = cpu_to_le64(t->generation);
	h->ns_size = cpu_to_le64(t->ns_size);
	for (i = 0; i < t->count; i++) {
		struct mhv_pmem_disk_entry *d = &h->entries[i];
		const struct mhv_pmem_entry *e = &t->entries[i];

		memcpy(d->name, e->name, sizeof(d->name));
		d->offset = cpu_to_le64(e->offset);
		d->size = cpu_to_le64(e->size);
		d->flags = cpu_to_le32(e->flags);
	}
	h->checksum = cpu_to_le64(copy_checksum(buf));
}

/* An entry as the allocator would have made it, apart from overlaps. */
static bool entry_valid(const struct mhv_pmem_entry *e, u64 ns_size)
{
	return mhv_pmem_name_valid(e->name) && !(e->flags & ~MHV_PMEM_SHARED) &&
	       e->size && IS_ALIGNED(e->size | e->offset, MHV_PMEM_ALIGN) &&
	       e->offset >= MHV_PMEM_DATA_START && e->offset <= ns_size &&
	       e->size <= ns_size - e->offset;
}

static bool entries_conflict(const struct mhv_pmem_entry *a, const struct mhv_pmem_entry *b)
{
	if (!memcmp(a->name, b->name, MHV_PMEM_NAME_LEN))
		return true;
	return mhv_pmem_ranges_overlap(a->offset, a->size, b->offset, b->size) &&
	       !(a->flags & b->flags & MHV_PMEM_SHARED);
}

int mhv_pmem_table_decode(const void *buf, u64 ns_size, struct mhv_pmem_table *t)
{
	const struct mhv_pmem_disk_header *h = buf;
	unsigned int i, j, count;

	if (le64_to_cpu(h->magic) != MHV_PMEM_MAGIC ||
	    le32_to_cpu(h->version) != MHV_PMEM_VERSION ||
	    le64_to_cpu(h->checksum) != copy_checksum(buf))
		return -EINVAL;
	count = le32_to_cpu(h->count);
	if (count > MHV_PMEM_MAX_REGIONS)
		return -EINVAL;
	t->ns_size = ns_size;
	t->generation = le64_to_cpu(h->generation);
	t->count = count;
	for (i = 0; i < count; i++) {
		const struct mhv_pmem_disk_entry *d = &h->entries[i];
		struct mhv_pmem_entry *e = &t->entries[i];

		memcpy(e->name, d->name, sizeof(e->name));
		e->offset = le64_to_cpu(d->offset);
		e->size = le64_to_cpu(d->size);
		e->flags = le32_to_cpu(d->flags);
		if (!entry_valid(e, ns_size))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (entries_conflict(e, &t->entries[j]))
				return -EINVAL;
	}
	return 0;
}

int mhv_pmem_table_load(const struct mhv_pmem_media *m, u64 ns_size,
			struct mhv_pmem_table *t)
{
	struct mhv_pmem_table *other;
	unsigned int i;
	bool found = false;
	void *buf;
	int ret;

	if (ns_size < MHV_PMEM_DATA_START)
		return -ENODATA;
	buf = kmalloc(MHV_PMEM_COPY_SIZE, GFP_KERNEL);
	other = kmalloc(sizeof(*other), GFP_KERNEL);
	if (!buf || !other) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < 2; i++) {
		ret = m->read(m->ctx, i * MHV_PMEM_COPY_SIZE, buf, MHV_PMEM_COPY_SIZE);
		if (ret)
			goto out;
		if (mhv_pmem_table_decode(buf, ns_size, other))
			continue;
		if (!found || other->generation > t->generation) {
			*t = *other;
			t->active = i;
			found = true;
		}
	}
	ret = found ? 0 : -ENODATA;
out:
	kfree(other);
	kfree(buf);
	return ret;
}

static int write_copy(const struct mhv_pmem_media *m, const struct mhv_pmem_table *t,
		      unsigned int copy)
{
	void *buf = kmalloc(MHV_PMEM_COPY_SIZE, GFP_KERNEL);
	int ret;

	if (!buf)
		return -ENOMEM;
	mhv_pmem_table_encode(t, buf);
	ret = m->write(m->ctx, copy * MHV_PMEM_COPY_SIZE, buf, MHV_PMEM_COPY_SIZE);
	kfree(buf);
	return ret;
}

int mhv_pmem_table_format(const struct mhv_pmem_media *m, u64 ns_size,
			  struct mhv_pmem_table *t)
{
	static const u8 zero[sizeof(struct mhv_pmem_disk_header)];
	int ret;

	if (ns_size < MHV_PMEM_DATA_START + MHV_PMEM_ALIGN)
		return -ENOSPC;
	/* Kill copy 1 first: an old table there must not outrank the new one. */
	ret = m->write(m->ctx, MHV_PMEM_COPY_SIZE, zero, sizeof(zero));
	if (ret)
		return ret;
	memset(t, 0, sizeof(*t));
	t->ns_size = ns_size;
	t->generation = 1;
	t->active = 0;
	return write_copy(m, t, 0);
}

int mhv_pmem_table_commit(const struct mhv_pmem_media *m, struct mhv_pmem_table *t)
{
	unsigned int next = !t->active;
	int ret;

	t->generation++;
	ret = write_copy(m, t, next);
	if (ret) {
		t->generation--;
		return ret;
	}
	t->active = next;
	return 0;
}

struct mhv_pmem_entry *mhv_pmem_table_find(struct mhv_pmem_table *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < t->count; i++)
		if (!strncmp(t->entries[i].name, name, MHV_PMEM_NAME_LEN))
			return &t->entries[i];
	return NULL;
}

/* The first entry @e conflicts with by placement, or NULL. */
static struct mhv_pmem_entry *first_overlap(struct mhv_pmem_table *t,
					    const struct mhv_pmem_entry *e)
{
	unsigned int i;

	for (i = 0; i < t->count; i++)
		if (mhv_pmem_ranges_overlap(e->offset, e->size, t->entries[i].offset,
					    t->entries[i].size))
			return &t->entries[i];
	return NULL;
}

int mhv_pmem_table_add(struct mhv_pmem_table *t, const char *name, u64 size,
		       u32 flags, u64 *offset)
{
	struct mhv_pmem_entry e = { }, *o;
	unsigned int i;

	if (!mhv_pmem_name_valid(name) || (flags & ~MHV_PMEM_SHARED) || !size ||
	    !IS_ALIGNED(size | *offset, MHV_PMEM_ALIGN) ||
	    (*offset && *offset < MHV_PMEM_DATA_START))
		return -EINVAL;
	if (mhv_pmem_table_find(t, name))
		return -EEXIST;
	memcpy(e.name, name, MHV_PMEM_NAME_LEN);
	e.size = size;
	e.flags = flags;
	if (*offset) {
		if (*offset > t->ns_size || size > t->ns_size - *offset)
			return -ERANGE;
		e.offset = *offset;
		for (i = 0; i < t->count; i++)
			if (entries_conflict(&e, &t->entries[i]))
				return -EBUSY;
	} else {
		/* First fit: hop past each region in the way until none is. */
		e.offset = MHV_PMEM_DATA_START;
		while ((o = first_overlap(t, &e)) != NULL)
			e.offset = ALIGN(o->offset + o->size, MHV_PMEM_ALIGN);
		if (e.offset > t->ns_size || size > t->ns_size - e.offset)
			return -ENOSPC;
	}
	if (t->count == MHV_PMEM_MAX_REGIONS)
		return -ENOSPC;
	t->entries[t->count++] = e;
	*offset = e.offset;
	return 0;
}

int mhv_pmem_table_del(struct mhv_pmem_table *t, const char *name)
{
	struct mhv_pmem_entry *e = mhv_pmem_table_find(t, name);

	if (!e)
		return -ENOENT;
	*e = t->entries[--t->count];
	memset(&t->entries[t->count], 0, sizeof(*e));
	return 0;
}

u64 mhv_pmem_table_free_bytes(const struct mhv_pmem_table *t)
{
	u64 pos = MHV_PMEM_DATA_START, used = 0, next, end;
	unsigned int i;
	bool changed;

	if (t->ns_size <= MHV_PMEM_DATA_START)
		return 0;
	/* Sweep the union of regions (shared ones may overlap) in offset order. */
	for (;;) {
		next = U64_MAX;
		for (i = 0; i < t->count; i++) {
			const struct mhv_pmem_entry *e = &t->entries[i];

			if (e->offset + e->size > pos && max(e->offset, pos) < next)
				next = max(e->offset, pos);
		}
		if (next == U64_MAX)
			break;
		/* Extend the covered run from @next as far as regions chain. */
		end = next;
		do {
			changed = false;
			for (i = 0; i < t->count; i++) {
				const struct mhv_pmem_entry *e = &t->entries[i];

				if (e->offset <= end && e->offset + e->size > end) {
					end = e->offset + e->size;
					changed = true;
				}
			}
		} while (changed);
		used += end - next;
		pos = end;
	}
	return t->ns_size - MHV_PMEM_DATA_START - used;
}
