// SPDX-License-Identifier: GPL-2.0
/* KUnit: the region table and its allocator on an in-memory "namespace". */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "pmem/table.h"

/* Only the table area is backed: regions are never touched by the table. */
struct fake_media {
	u8 buf[2 * MHV_PMEM_COPY_SIZE];
	long crash_after;	/* >= 0: a write stops after this many bytes */
	unsigned int writes;
};

static int fake_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct fake_media *f = ctx;

	if (off + len > sizeof(f->buf))
		return -EIO;
	memcpy(buf, f->buf + off, len);
	return 0;
}

static int fake_write(void *ctx, u64 off, const void *buf, size_t len)
{
	struct fake_media *f = ctx;

	if (off + len > sizeof(f->buf))
		return -EIO;
	f->writes++;
	if (f->crash_after >= 0 && len > f->crash_after) {
		/* Power fails mid-write: a prefix reached the media. */
		memcpy(f->buf + off, buf, f->crash_after);
		return -EIO;
	}
	memcpy(f->buf + off, buf, len);
	return 0;
}

struct ctx {
	struct fake_media *f;
	struct mhv_pmem_media m;
	struct mhv_pmem_table *t;
	struct mhv_pmem_table *t2;
};

#define NS_SIZE		(64ULL * SZ_1M)

static struct ctx *setup(struct kunit *test)
{
	struct ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->f = kunit_kzalloc(test, sizeof(*c->f), GFP_KERNEL);
	c->t = kunit_kzalloc(test, sizeof(*c->t), GFP_KERNEL);
	c->t2 = kunit_kzalloc(test, sizeof(*c->t2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->f);
	KUNIT_ASSERT_NOT_NULL(test, c->t);
	KUNIT_ASSERT_NOT_NULL(test, c->t2);
	c->f->crash_after = -1;
	c->m.read = fake_read;
	c->m.write = fake_write;
	c->m.ctx = c->f;
	return c;
}

static void name(char *buf, const char *s)
{
	memset(buf, 0, MHV_PMEM_NAME_LEN);
	strscpy(buf, s, MHV_PMEM_NAME_LEN);
}

/* Add @s with @size at @off (0: allocate); returns the errno, *where the offset. */
static int add(struct ctx *c, const char *s, u64 size, u32 flags, u64 off, u64 *where)
{
	char n[MHV_PMEM_NAME_LEN];
	int ret;

	name(n, s);
	ret = mhv_pmem_table_add(c->t, n, size, flags, &off);
	if (where)
		*where = off;
	return ret;
}

static void unformatted_is_enodata(struct kunit *test)
{
	struct ctx *c = setup(test);

	KUNIT_EXPECT_EQ(test, -ENODATA, mhv_pmem_table_load(&c->m, NS_SIZE, c->t));
	/* A namespace too small for the table and one region cannot be formatted. */
	KUNIT_EXPECT_EQ(test, -ENOSPC, mhv_pmem_table_format(&c->m, SZ_2M, c->t));
}

static void format_then_load_is_empty(struct kunit *test)
{
	struct ctx *c = setup(test);

	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, NS_SIZE, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, 0, c->t2->count);
	KUNIT_EXPECT_EQ(test, NS_SIZE - MHV_PMEM_DATA_START, mhv_pmem_table_free_bytes(c->t2));
}

static void names_survive_reload(struct kunit *test)
{
	struct ctx *c = setup(test);
	struct mhv_pmem_entry *e;
	char n[MHV_PMEM_NAME_LEN];
	u64 a, b;

	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, NS_SIZE, c->t));
	KUNIT_ASSERT_EQ(test, 0, add(c, "guest-a", 4 * SZ_2M, 0, 0, &a));
	KUNIT_ASSERT_EQ(test, 0, add(c, "guest.b_1", SZ_2M, MHV_PMEM_SHARED, 0, &b));
	KUNIT_EXPECT_EQ(test, MHV_PMEM_DATA_START, a);
	KUNIT_EXPECT_EQ(test, MHV_PMEM_DATA_START + 4 * SZ_2M, b);
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));

	/* "Module reload": a fresh table from the media only. */
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_ASSERT_EQ(test, 2, c->t2->count);
	name(n, "guest-a");
	e = mhv_pmem_table_find(c->t2, n);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, a, e->offset);
	KUNIT_EXPECT_EQ(test, 4ULL * SZ_2M, e->size);
	KUNIT_EXPECT_EQ(test, 0, e->flags);
	name(n, "guest.b_1");
	e = mhv_pmem_table_find(c->t2, n);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_EXPECT_EQ(test, b, e->offset);
	KUNIT_EXPECT_EQ(test, (u32)MHV_PMEM_SHARED, e->flags);

	/* Removed, the space is found again by the next one. */
	name(n, "guest-a");
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_del(c->t2, n));
	KUNIT_EXPECT_EQ(test, -ENOENT, mhv_pmem_table_del(c->t2, n));
	*c->t = *c->t2;
	KUNIT_EXPECT_EQ(test, 0, add(c, "again", SZ_2M, 0, 0, &a));
	KUNIT_EXPECT_EQ(test, MHV_PMEM_DATA_START, a);
}

static void rejects_bad_arguments(struct kunit *test)
{
	struct ctx *c = setup(test);
	char n[MHV_PMEM_NAME_LEN];
	u64 off = 0;

	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, NS_SIZE, c->t));
	KUNIT_EXPECT_EQ(test, -EINVAL, add(c, "r", SZ_1M, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, add(c, "r", SZ_2M + SZ_4K, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, add(c, "r", 0, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, add(c, "r", SZ_2M, 0, 3 * SZ_1M, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, add(c, "r", SZ_2M, MHV_PMEM_READONLY, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, add(c, "", SZ_2M, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, add(c, "a b", SZ_2M, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, add(c, "a/b", SZ_2M, 0, 0, NULL));
	/* No NUL in 32 bytes, and garbage after the NUL. */
	memset(n, 'a', sizeof(n));
	KUNIT_EXPECT_EQ(test, -EINVAL, mhv_pmem_table_add(c->t, n, SZ_2M, 0, &off));
	name(n, "ok");
	n[10] = 'x';
	KUNIT_EXPECT_EQ(test, -EINVAL, mhv_pmem_table_add(c->t, n, SZ_2M, 0, &off));
	/* Past the end, and straddling it. */
	KUNIT_EXPECT_EQ(test, -ERANGE, add(c, "r", SZ_2M, 0, NS_SIZE, NULL));
	KUNIT_EXPECT_EQ(test, -ERANGE, add(c, "r", 2 * SZ_2M, 0, NS_SIZE - SZ_2M, NULL));
	KUNIT_EXPECT_EQ(test, -ENOSPC, add(c, "r", NS_SIZE, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, 0, c->t->count);
	KUNIT_EXPECT_EQ(test, 0, add(c, "r", SZ_2M, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EEXIST, add(c, "r", SZ_2M, 0, 0, NULL));
}

static void overlaps_need_both_shared(struct kunit *test)
{
	struct ctx *c = setup(test);
	u64 at = 8 * SZ_2M, off;

	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, NS_SIZE, c->t));
	KUNIT_ASSERT_EQ(test, 0, add(c, "excl", 2 * SZ_2M, 0, at, &off));
	KUNIT_EXPECT_EQ(test, at, off);
	KUNIT_EXPECT_EQ(test, -EBUSY, add(c, "x", SZ_2M, 0, at + SZ_2M, NULL));
	KUNIT_EXPECT_EQ(test, -EBUSY, add(c, "x", SZ_2M, MHV_PMEM_SHARED, at, NULL));
	KUNIT_ASSERT_EQ(test, 0, add(c, "sh1", 2 * SZ_2M, MHV_PMEM_SHARED, 2 * at, NULL));
	KUNIT_EXPECT_EQ(test, -EBUSY, add(c, "x", SZ_2M, 0, 2 * at, NULL));
	KUNIT_EXPECT_EQ(test, 0, add(c, "sh2", 2 * SZ_2M, MHV_PMEM_SHARED, 2 * at + SZ_2M, NULL));
	/* The union counts once: 2 + 3 regions' worth of 2 MiB in use. */
	KUNIT_EXPECT_EQ(test, NS_SIZE - MHV_PMEM_DATA_START - 5 * SZ_2M,
			mhv_pmem_table_free_bytes(c->t));
	/* The first fit hops over regions, shared or not. */
	KUNIT_EXPECT_EQ(test, 0, add(c, "fit", 7 * SZ_2M, 0, 0, &off));
	KUNIT_EXPECT_EQ(test, MHV_PMEM_DATA_START, off);
	KUNIT_EXPECT_EQ(test, 0, add(c, "fit2", 2 * SZ_2M, 0, 0, &off));
	KUNIT_EXPECT_EQ(test, at + 2 * SZ_2M, off);
	/* Overlapping exclusive entries on the media are a corrupt table. */
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, c->t->count, c->t2->count);
	c->t->entries[0].offset = c->t->entries[1].offset;
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, c->t->generation - 1, c->t2->generation);
}

static void exhaustion(struct kunit *test)
{
	struct ctx *c = setup(test);
	u64 n = (NS_SIZE - MHV_PMEM_DATA_START) / SZ_2M, i;
	char s[16];

	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, NS_SIZE, c->t));
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "r%llu", i);
		KUNIT_ASSERT_EQ(test, 0, add(c, s, SZ_2M, 0, 0, NULL));
	}
	KUNIT_EXPECT_EQ(test, 0, mhv_pmem_table_free_bytes(c->t));
	KUNIT_EXPECT_EQ(test, -ENOSPC, add(c, "more", SZ_2M, 0, 0, NULL));

	/* A large namespace runs out of table entries instead. */
	c = setup(test);
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, SZ_1G, c->t));
	for (i = 0; i < MHV_PMEM_MAX_REGIONS; i++) {
		snprintf(s, sizeof(s), "r%llu", i);
		KUNIT_ASSERT_EQ(test, 0, add(c, s, SZ_2M, 0, 0, NULL));
	}
	KUNIT_EXPECT_EQ(test, -ENOSPC, add(c, "more", SZ_2M, 0, 0, NULL));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, SZ_1G, c->t2));
	KUNIT_EXPECT_EQ(test, MHV_PMEM_MAX_REGIONS, c->t2->count);
}

static void torn_update_keeps_old_table(struct kunit *test)
{
	struct ctx *c = setup(test);
	char n[MHV_PMEM_NAME_LEN];
	u64 gen;

	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, NS_SIZE, c->t));
	KUNIT_ASSERT_EQ(test, 0, add(c, "old", SZ_2M, 0, 0, NULL));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));
	gen = c->t->generation;
	KUNIT_EXPECT_EQ(test, 1, c->t->active);

	/* Crash at every interesting point of the next update's write. */
	c->f->crash_after = 100;
	KUNIT_ASSERT_EQ(test, 0, add(c, "new", SZ_2M, 0, 0, NULL));
	KUNIT_EXPECT_EQ(test, -EIO, mhv_pmem_table_commit(&c->m, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, gen, c->t2->generation);
	KUNIT_EXPECT_EQ(test, 1, c->t2->count);
	name(n, "new");
	KUNIT_EXPECT_NULL(test, mhv_pmem_table_find(c->t2, n));
	name(n, "old");
	KUNIT_EXPECT_NOT_NULL(test, mhv_pmem_table_find(c->t2, n));

	/* Header and first entry complete, the second one half written. */
	c->f->crash_after = 64 + 64 + 36;
	KUNIT_EXPECT_EQ(test, -EIO, mhv_pmem_table_commit(&c->m, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, gen, c->t2->generation);

	/* The complete write wins, in the other copy. */
	c->f->crash_after = -1;
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, gen + 1, c->t2->generation);
	KUNIT_EXPECT_EQ(test, 0, c->t2->active);
	KUNIT_EXPECT_EQ(test, 2, c->t2->count);
}

static void checksum_catches_damage(struct kunit *test)
{
	struct ctx *c = setup(test);

	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, NS_SIZE, c->t));
	KUNIT_ASSERT_EQ(test, 0, add(c, "a", SZ_2M, 0, 0, NULL));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));	/* copy 1, gen 2 */
	KUNIT_ASSERT_EQ(test, 0, add(c, "b", SZ_2M, 0, 0, NULL));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));	/* copy 0, gen 3 */

	/* One flipped bit in an entry of the newest copy: the older copy is used. */
	c->f->buf[64 + 40] ^= 1;
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, 2, c->t2->generation);
	KUNIT_EXPECT_EQ(test, 1, c->t2->count);
	/* Damage beyond the entries counts too: the whole copy is summed. */
	c->f->buf[64 + 40] ^= 1;
	c->f->buf[MHV_PMEM_COPY_SIZE - 1] ^= 0x80;
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, 2, c->t2->generation);
	/* Both damaged: nothing to trust. */
	c->f->buf[MHV_PMEM_COPY_SIZE + 20] ^= 4;
	KUNIT_EXPECT_EQ(test, -ENODATA, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));

	/* Format kills the old copies even where its own write does not reach. */
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_format(&c->m, NS_SIZE, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE, c->t2));
	KUNIT_EXPECT_EQ(test, 0, c->t2->count);
	/* A table whose region lies past a shrunk namespace is not valid there. */
	KUNIT_ASSERT_EQ(test, 0, add(c, "tail", SZ_2M, 0, NS_SIZE - SZ_2M, NULL));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_commit(&c->m, c->t));
	KUNIT_ASSERT_EQ(test, 0, mhv_pmem_table_load(&c->m, NS_SIZE - SZ_2M, c->t2));
	KUNIT_EXPECT_EQ(test, 0, c->t2->count);
}

static struct kunit_case pmem_table_cases[] = {
	KUNIT_CASE(unformatted_is_enodata),
	KUNIT_CASE(format_then_load_is_empty),
	KUNIT_CASE(names_survive_reload),
	KUNIT_CASE(rejects_bad_arguments),
	KUNIT_CASE(overlaps_need_both_shared),
	KUNIT_CASE(exhaustion),
	KUNIT_CASE(torn_update_keeps_old_table),
	KUNIT_CASE(checksum_catches_damage),
	{}
};

static struct kunit_suite pmem_table_suite = {
	.name = "mhv-pmem-table",
	.test_cases = pmem_table_cases,
};

kunit_test_suite(pmem_table_suite);
