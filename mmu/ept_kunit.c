// SPDX-License-Identifier: GPL-2.0
/* KUnit: the per-VM page pool and the EPT table code (no VMX needed). */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>

#include "mmu/ept.h"
#include "mmu/pool.h"

#define RWX	MHV_EPT_RWX
#define RX	(MHV_EPT_R | MHV_EPT_X)
#define SZ4K	MHV_EPT_SIZE_4K
#define SZ2M	MHV_EPT_SIZE_2M
/* Host addresses are only stored, never touched: any aligned value does. */
#define HPA	0x80000000ULL

struct ept_fixture {
	struct mhv_pool pool;
	struct mhv_ept ept;
	bool live;
};

static struct ept_fixture *fixture(struct kunit *test, u32 pool_pages, bool large)
{
	struct ept_fixture *f = test->priv;

	KUNIT_ASSERT_EQ(test, mhv_pool_init(&f->pool, pool_pages), 0);
	KUNIT_ASSERT_EQ(test, mhv_ept_init(&f->ept, &f->pool, large), 0);
	f->live = true;
	return f;
}

static int ept_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct ept_fixture), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void ept_test_exit(struct kunit *test)
{
	struct ept_fixture *f = test->priv;

	if (f->live) {
		mhv_ept_destroy(&f->ept);
		KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 0u);
		mhv_pool_destroy(&f->pool);
	}
}

static void pool_hands_out_zeroed_pages_until_empty(struct kunit *test)
{
	struct mhv_pool pool;
	struct page *pages[3], *again;
	u8 *va;

	KUNIT_ASSERT_EQ(test, mhv_pool_init(&pool, 3), 0);
	KUNIT_EXPECT_EQ(test, pool.total, 3u);
	pages[0] = mhv_pool_alloc(&pool);
	pages[1] = mhv_pool_alloc(&pool);
	pages[2] = mhv_pool_alloc(&pool);
	KUNIT_EXPECT_TRUE(test, pages[0] && pages[1] && pages[2]);
	KUNIT_EXPECT_NULL(test, mhv_pool_alloc(&pool));
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&pool), 3u);

	/* A page dirtied and given back comes out zeroed again. */
	va = kmap_local_page(pages[1]);
	memset(va, 0xa5, PAGE_SIZE);
	kunmap_local(va);
	mhv_pool_free(&pool, pages[1]);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&pool), 2u);
	again = mhv_pool_alloc(&pool);
	KUNIT_EXPECT_PTR_EQ(test, again, pages[1]);
	va = kmap_local_page(again);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(va, 0, PAGE_SIZE));
	kunmap_local(va);
	mhv_pool_destroy(&pool);
}

static void pool_rejects_bad_sizes(struct kunit *test)
{
	struct mhv_pool pool;

	KUNIT_EXPECT_EQ(test, mhv_pool_init(&pool, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_pool_init(&pool, MHV_POOL_MAX_PAGES + 1), -EINVAL);
}

static void ept_eptp_is_wb_4level_at_root(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, false);
	u64 eptp = mhv_ept_eptp(&f->ept);

	KUNIT_EXPECT_EQ(test, eptp & 0xfff, 0x1eULL);	/* WB, 4-level, no A/D */
	KUNIT_EXPECT_EQ(test, eptp & ~0xfffULL, (u64)virt_to_phys(f->ept.root));
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 1u);
}

static void ept_map_4k_then_walk(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, true);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0x1234000, HPA, SZ4K, RWX), 0);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, 0x1234abc, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.hpa, HPA + 0xabc);
	KUNIT_EXPECT_EQ(test, leaf.size, SZ4K);
	KUNIT_EXPECT_EQ(test, leaf.entry & 0xff,
			RWX | MHV_EPT_MT_WB | MHV_EPT_IPAT);
	KUNIT_EXPECT_FALSE(test, mhv_ept_walk(&f->ept, 0x1235000, &leaf));
	KUNIT_EXPECT_FALSE(test, mhv_ept_walk(&f->ept, 0x1233000, &leaf));
	/* Root, PDPT, PD, PT. */
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 4u);
	KUNIT_EXPECT_EQ(test, f->ept.mapped_4k, 1ULL);
}

static void ept_readonly_leaf_has_no_write(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, false);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, RX), 0);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, 0, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.entry & RWX, RX);
}

static void ept_rejects_bad_arguments(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, true);

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, MHV_EPT_W), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, BIT_ULL(3)), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0x1000, HPA, SZ2M, RWX), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA + SZ4K, SZ2M, RWX), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, 8192, RWX), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, MHV_GPA_LIMIT, HPA, SZ4K, RWX), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, BIT_ULL(52), SZ4K, RWX), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_unmap(&f->ept, 0x800, SZ4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_ept_protect(&f->ept, 0, SZ4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 1u);
}

static void ept_map_2m_when_large_pages_on(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, true);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0x40200000, HPA, SZ2M, RWX), 0);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, 0x40212345, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.size, SZ2M);
	KUNIT_EXPECT_EQ(test, leaf.hpa, HPA + 0x12345);
	KUNIT_EXPECT_TRUE(test, leaf.entry & MHV_EPT_LARGE);
	KUNIT_EXPECT_TRUE(test, leaf.entry & MHV_EPT_IPAT);
	/* Root, PDPT, PD: no page table under a 2M leaf. */
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 3u);
	KUNIT_EXPECT_EQ(test, f->ept.leaves_2m, 1ULL);
	KUNIT_EXPECT_EQ(test, f->ept.mapped_4k, 512ULL);
}

static void ept_2m_refused_when_large_pages_off(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, false);

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ2M, RWX), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->ept.leaves_2m, 0ULL);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, RWX), 0);
}

static void ept_map_over_mapping_is_eexist(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, true);

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, RWX), 0);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, RWX), -EEXIST);
	/* A 2M leaf over a frame that has a page table. */
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ2M, RWX), -EEXIST);
	KUNIT_EXPECT_FALSE(test, mhv_ept_2m_frame_empty(&f->ept, 0));
	/* A 4K page inside a 2M leaf. */
	KUNIT_EXPECT_TRUE(test, mhv_ept_2m_frame_empty(&f->ept, SZ2M));
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, SZ2M, HPA, SZ2M, RWX), 0);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, SZ2M + SZ4K, HPA, SZ4K, RWX), -EEXIST);
	KUNIT_EXPECT_EQ(test, f->ept.mapped_4k, 513ULL);
}

static void ept_unmap_gives_tables_back(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 16, false);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, RWX), 0);
	/* 512 GiB away: a second PDPT, PD and PT. */
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, BIT_ULL(39), HPA, SZ4K, RWX), 0);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 7u);

	KUNIT_EXPECT_EQ(test, mhv_ept_unmap(&f->ept, BIT_ULL(39), SZ4K), 0);
	KUNIT_EXPECT_FALSE(test, mhv_ept_walk(&f->ept, BIT_ULL(39), &leaf));
	KUNIT_EXPECT_TRUE(test, mhv_ept_walk(&f->ept, 0, &leaf));
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 4u);

	/* A range wider than what is mapped is fine. */
	KUNIT_EXPECT_EQ(test, mhv_ept_unmap(&f->ept, 0, BIT_ULL(40)), 0);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 1u);
	KUNIT_EXPECT_EQ(test, f->ept.mapped_4k, 0ULL);
}

static void ept_split_keeps_translation(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, true);
	struct mhv_ept_leaf leaf;
	u64 off;

	KUNIT_EXPECT_EQ(test, mhv_ept_split(&f->ept, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ2M, RX), 0);
	KUNIT_EXPECT_EQ(test, mhv_ept_split(&f->ept, 0x1000), 0);
	for (off = 0; off < SZ2M; off += 0x3f000) {
		KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, off + 0x10, &leaf));
		KUNIT_EXPECT_EQ(test, leaf.size, SZ4K);
		KUNIT_EXPECT_EQ(test, leaf.hpa, HPA + off + 0x10);
		KUNIT_EXPECT_EQ(test, leaf.entry & 0xff, RX | MHV_EPT_MT_WB | MHV_EPT_IPAT);
	}
	KUNIT_EXPECT_EQ(test, f->ept.splits, 1ULL);
	KUNIT_EXPECT_EQ(test, f->ept.leaves_2m, 0ULL);
	KUNIT_EXPECT_EQ(test, f->ept.mapped_4k, 512ULL);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 4u);
	/* Once split there is no 2M leaf left to split. */
	KUNIT_EXPECT_EQ(test, mhv_ept_split(&f->ept, 0), -ENOENT);
}

static void ept_unmap_part_of_2m_splits(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, true);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, SZ2M, HPA, SZ2M, RWX), 0);
	KUNIT_EXPECT_EQ(test, mhv_ept_unmap(&f->ept, SZ2M + 0x5000, SZ4K), 0);
	KUNIT_EXPECT_FALSE(test, mhv_ept_walk(&f->ept, SZ2M + 0x5000, &leaf));
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, SZ2M + 0x6000, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.hpa, HPA + 0x6000);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, SZ2M + 0x4000, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.hpa, HPA + 0x4000);
	KUNIT_EXPECT_EQ(test, f->ept.splits, 1ULL);
	KUNIT_EXPECT_EQ(test, f->ept.mapped_4k, 511ULL);
}

static void ept_protect_part_of_2m_splits(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, true);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ2M, RWX), 0);
	KUNIT_EXPECT_EQ(test, mhv_ept_protect(&f->ept, 0, 2 * SZ4K, RX), 0);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, SZ4K, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.entry & RWX, RX);
	KUNIT_EXPECT_EQ(test, leaf.size, SZ4K);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, 2 * SZ4K, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.entry & RWX, RWX);
	KUNIT_EXPECT_EQ(test, f->ept.splits, 1ULL);
}

static void ept_protect_whole_2m_keeps_it_large(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 8, true);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ2M, RWX), 0);
	KUNIT_EXPECT_EQ(test, mhv_ept_protect(&f->ept, 0, SZ2M, RX), 0);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, 0x1000, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.size, SZ2M);
	KUNIT_EXPECT_EQ(test, leaf.entry & RWX, RX);
	KUNIT_EXPECT_EQ(test, f->ept.splits, 0ULL);
	/* And back: the permission change is reversible. */
	KUNIT_EXPECT_EQ(test, mhv_ept_protect(&f->ept, 0, SZ2M, RWX), 0);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, 0x1000, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.entry & RWX, RWX);
}

static void ept_pool_exhaustion_is_enomem_and_unwinds(struct kunit *test)
{
	/* Root + PDPT + PD: no room for the page table a 4K leaf needs. */
	struct ept_fixture *f = fixture(test, 3, true);
	struct mhv_ept_leaf leaf;

	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ4K, RWX), -ENOMEM);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 1u);
	KUNIT_EXPECT_FALSE(test, mhv_ept_walk(&f->ept, 0, &leaf));

	/* A 2M leaf fits, but splitting it needs a page the pool lacks. */
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, 0, HPA, SZ2M, RWX), 0);
	KUNIT_EXPECT_EQ(test, mhv_ept_split(&f->ept, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, mhv_ept_unmap(&f->ept, 0, SZ4K), -ENOMEM);
	KUNIT_ASSERT_TRUE(test, mhv_ept_walk(&f->ept, 0, &leaf));
	KUNIT_EXPECT_EQ(test, leaf.size, SZ2M);
	KUNIT_EXPECT_EQ(test, f->ept.splits, 0ULL);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 3u);
}

static void ept_destroy_returns_every_table(struct kunit *test)
{
	struct ept_fixture *f = fixture(test, 64, true);
	u64 gpa;

	for (gpa = 0; gpa < 8 * SZ2M; gpa += SZ2M + SZ4K)
		KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, gpa, HPA, SZ4K, RWX), 0);
	KUNIT_EXPECT_EQ(test, mhv_ept_map(&f->ept, BIT_ULL(45), HPA, SZ2M, RWX), 0);
	KUNIT_EXPECT_GT(test, mhv_pool_used(&f->pool), 10u);
	mhv_ept_destroy(&f->ept);
	KUNIT_EXPECT_EQ(test, mhv_pool_used(&f->pool), 0u);
	mhv_pool_destroy(&f->pool);
	f->live = false;
}

static struct kunit_case mhv_ept_cases[] = {
	KUNIT_CASE(pool_hands_out_zeroed_pages_until_empty),
	KUNIT_CASE(pool_rejects_bad_sizes),
	KUNIT_CASE(ept_eptp_is_wb_4level_at_root),
	KUNIT_CASE(ept_map_4k_then_walk),
	KUNIT_CASE(ept_readonly_leaf_has_no_write),
	KUNIT_CASE(ept_rejects_bad_arguments),
	KUNIT_CASE(ept_map_2m_when_large_pages_on),
	KUNIT_CASE(ept_2m_refused_when_large_pages_off),
	KUNIT_CASE(ept_map_over_mapping_is_eexist),
	KUNIT_CASE(ept_unmap_gives_tables_back),
	KUNIT_CASE(ept_split_keeps_translation),
	KUNIT_CASE(ept_unmap_part_of_2m_splits),
	KUNIT_CASE(ept_protect_part_of_2m_splits),
	KUNIT_CASE(ept_protect_whole_2m_keeps_it_large),
	KUNIT_CASE(ept_pool_exhaustion_is_enomem_and_unwinds),
	KUNIT_CASE(ept_destroy_returns_every_table),
	{}
};

static struct kunit_suite mhv_ept_suite = {
	.name = "mhv_mmu_ept",
	.init = ept_test_init,
	.exit = ept_test_exit,
	.test_cases = mhv_ept_cases,
};

kunit_test_suite(mhv_ept_suite);
