/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The region table a namespace carries at its start, and the allocator of
 * named 2 MiB-aligned regions behind it. Pure code over a "media" (the
 * namespace, or a buffer in KUnit): nothing here knows about DAX or VMs.
 *
 * On media: two copies of the table, TABLE_COPY_SIZE bytes each, at offsets
 * 0 and TABLE_COPY_SIZE. Each copy has a generation and a checksum; the
 * valid copy with the higher generation is the table. An update writes the
 * other copy with generation + 1 and persists it: a crash leaves either the
 * old table (the new copy fails its checksum) or the new one, never a mix.
 * Regions start at MHV_PMEM_DATA_START, after the copies' reserved area.
 */
#ifndef MHV_PMEM_TABLE_H
#define MHV_PMEM_TABLE_H

#include <linux/types.h>
#include <linux/sizes.h>

#include "uapi/mhv.h"

#define MHV_PMEM_MAGIC		0x314d454d50564d48ULL	/* "HMVPMEM1" */
#define MHV_PMEM_VERSION	1
#define MHV_PMEM_COPY_SIZE	SZ_8K
#define MHV_PMEM_MAX_REGIONS	126
#define MHV_PMEM_ALIGN		SZ_2M
#define MHV_PMEM_DATA_START	SZ_2M

/* One region, in CPU byte order (the media holds little-endian). */
struct mhv_pmem_entry {
	char name[MHV_PMEM_NAME_LEN];
	u64 offset;
	u64 size;
	u32 flags;		/* MHV_PMEM_SHARED */
};

struct mhv_pmem_table {
	u64 ns_size;		/* bytes usable for regions end here */
	u64 generation;		/* of the copy that holds this table */
	unsigned int active;	/* 0 or 1: that copy */
	unsigned int count;
	struct mhv_pmem_entry entries[MHV_PMEM_MAX_REGIONS];
};

/* Where the table lives: a namespace, or memory in a test. */
struct mhv_pmem_media {
	/* Read @len bytes at @off. */
	int (*read)(void *ctx, u64 off, void *buf, size_t len);
	/* Write @len bytes at @off and make them persistent before returning. */
	int (*write)(void *ctx, u64 off, const void *buf, size_t len);
	void *ctx;
};

/* A name as MHV_PMEM_*: NUL-terminated, 1-31 of [A-Za-z0-9._-]. */
bool mhv_pmem_name_valid(const char *name);

/* Encode @t as one on-media copy (MHV_PMEM_COPY_SIZE bytes) in @buf. */
void mhv_pmem_table_encode(const struct mhv_pmem_table *t, void *buf);
/* Decode and validate one copy: 0, or -EINVAL if it is not a valid table. */
int mhv_pmem_table_decode(const void *buf, u64 ns_size, struct mhv_pmem_table *t);

/*
 * Load the table: 0; -ENODATA if neither copy is valid (never formatted,
 * or both damaged); -ENOMEM; or the media's error.
 */
int mhv_pmem_table_load(const struct mhv_pmem_media *m, u64 ns_size,
			struct mhv_pmem_table *t);
/* Write @t as an empty table: the old one is gone. */
int mhv_pmem_table_format(const struct mhv_pmem_media *m, u64 ns_size,
			  struct mhv_pmem_table *t);
/* Persist @t into the inactive copy; on error @t is what the media holds. */
int mhv_pmem_table_commit(const struct mhv_pmem_media *m, struct mhv_pmem_table *t);

struct mhv_pmem_entry *mhv_pmem_table_find(struct mhv_pmem_table *t, const char *name);
/*
 * Add a region (in memory only: commit it). *offset 0 picks the first free
 * place, else the region goes there. 0; -EINVAL (name, flags, size or offset
 * not 2 MiB aligned, offset inside the table area), -EEXIST (name taken),
 * -ERANGE (past the end), -EBUSY (overlaps a region and not both shared),
 * -ENOSPC (no room, or the table is full).
 */
int mhv_pmem_table_add(struct mhv_pmem_table *t, const char *name, u64 size,
		       u32 flags, u64 *offset);
/* Remove by name (in memory only): 0 or -ENOENT. */
int mhv_pmem_table_del(struct mhv_pmem_table *t, const char *name);
/* Bytes in no region. */
u64 mhv_pmem_table_free_bytes(const struct mhv_pmem_table *t);

static inline bool mhv_pmem_ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

#endif
