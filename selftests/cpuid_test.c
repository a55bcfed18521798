// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID in the guest, answered in the kernel: MHV_SET_CPUID replaces the
 * whole table (indexed and plain entries, missing leaves read 0, leaves
 * beyond a range read as the highest basic one for Intel guests), and the
 * default table is the host's with VMX hidden, the hypervisor bit set and
 * mhv's signature leaf.
 */
#include <cpuid.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

struct query {
	u32 leaf, index;
};

#define MAX_QUERIES	16

static struct query queries[MAX_QUERIES];
static u32 nr_queries;

/* One SYNC with the four registers per query. */
static void guest_cpuid(void)
{
	u32 a, b, c, d, i;

	for (i = 0; i < nr_queries; i++) {
		cpuid_count(queries[i].leaf, queries[i].index, &a, &b, &c, &d);
		GUEST_SYNC_ARGS(a, b, c, d);
	}
	GUEST_DONE();
}

static const struct mhv_cpuid_entry table[] = {
	{ .function = 0, .eax = 0x1f, .ebx = 0x6876686d, .ecx = 0x6876686d,
	  .edx = 0x6876686d },
	{ .function = 1, .eax = 0x000306c3, .ebx = 0x00010800,
	  .ecx = 0x80000001, .edx = 0x00000201 },
	{ .function = 4, .index = 0, .flags = MHV_CPUID_FLAG_INDEXED,
	  .eax = 0x11, .ebx = 0x12, .ecx = 0x13, .edx = 0x14 },
	{ .function = 4, .index = 1, .flags = MHV_CPUID_FLAG_INDEXED,
	  .eax = 0x21, .ebx = 0x22, .ecx = 0x23, .edx = 0x24 },
	{ .function = 0x40000000, .eax = 0x40000001, .ebx = 0x6d76686d,
	  .ecx = 0x686d7668, .edx = 0x76686d76 },
	{ .function = 0x80000000, .eax = 0x80000008 },
};

static const struct mhv_cpuid_entry *find(u32 leaf, u32 index)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].function == leaf &&
		    (!(table[i].flags & MHV_CPUID_FLAG_INDEXED) ||
		     table[i].index == index))
			return &table[i];
	return NULL;
}

/* The guest asks @q in order under @t; each answer is @expected's entry, or 0s for NULL. */
static void guest_sees(struct __test_metadata *_metadata,
		       const struct mhv_cpuid_entry *t, unsigned int nt,
		       const struct query *q, const struct mhv_cpuid_entry **expected,
		       unsigned int nq)
{
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;
	unsigned int i;

	memcpy(queries, q, nq * sizeof(*q));
	nr_queries = nq;
	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid);
	vcpu_set_cpuid(vcpu, t, nt);
	for (i = 0; i < nq; i++) {
		const struct mhv_cpuid_entry *e = expected[i];

		ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
		EXPECT_EQ(e ? e->eax : 0, uc.args[0]) TH_LOG("leaf %#x.%u", q[i].leaf, q[i].index);
		EXPECT_EQ(e ? e->ebx : 0, uc.args[1]) TH_LOG("leaf %#x.%u", q[i].leaf, q[i].index);
		EXPECT_EQ(e ? e->ecx : 0, uc.args[2]) TH_LOG("leaf %#x.%u", q[i].leaf, q[i].index);
		EXPECT_EQ(e ? e->edx : 0, uc.args[3]) TH_LOG("leaf %#x.%u", q[i].leaf, q[i].index);
	}
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST(set_table_is_what_the_guest_sees)
{
	static const struct query q[] = {
		{ 0, 0 }, { 1, 0 },
		{ 1, 7 },		/* a plain entry ignores ECX */
		{ 4, 0 }, { 4, 1 },
		{ 4, 2 },		/* indexed, index not listed: 0 */
		{ 0x40000000, 0 }, { 0x80000000, 0 },
		{ 2, 0 }, { 0x80000001, 0 },	/* not listed: 0 */
	};
	const struct mhv_cpuid_entry *expected[ARRAY_SIZE(q)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(q); i++)
		expected[i] = find(q[i].leaf, q[i].index);
	guest_sees(_metadata, table, ARRAY_SIZE(table), q, expected, ARRAY_SIZE(q));
}

TEST(set_replaces_the_whole_table)
{
	static const struct query q[] = { { 0, 0 }, { 1, 0 } };
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	memcpy(queries, q, sizeof(q));
	nr_queries = 2;
	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid);
	vcpu_set_cpuid(vcpu, table, ARRAY_SIZE(table));
	/* Only leaf 0 now: leaf 1 of the first table is gone. */
	vcpu_set_cpuid(vcpu, table, 1);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(table[0].eax, uc.args[0]);
	EXPECT_EQ(table[0].ebx, uc.args[1]);
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0] | uc.args[1] | uc.args[2] | uc.args[3]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

/* "GenuineIntel": out-of-range leaves read as the highest basic leaf, as on Intel CPUs. */
static const struct mhv_cpuid_entry intel_table[] = {
	{ .function = 0, .eax = 0xd, .ebx = 0x756e6547, .ecx = 0x6c65746e, .edx = 0x49656e69 },
	{ .function = 0xd, .index = 0, .flags = MHV_CPUID_FLAG_INDEXED,
	  .eax = 0xd1, .ebx = 0xd2, .ecx = 0xd3, .edx = 0xd4 },
	{ .function = 0xd, .index = 1, .flags = MHV_CPUID_FLAG_INDEXED, .eax = 0xe1 },
	{ .function = 0x40000000, .eax = 0x40000001 },
	{ .function = 0x80000000, .eax = 0x80000008 },
};

TEST(intel_out_of_range_leaf_reads_the_highest_basic_leaf)
{
	static const struct query q[] = {
		{ 0xe, 3 },		/* above the basic range */
		{ 0x80000009, 0 },	/* above the extended range */
		{ 0x40000002, 0 },	/* above the hypervisor range */
		{ 0xc0000000, 0 },	/* a range with no leaf at all */
		{ 0x2, 0 },		/* within range, not listed: 0 */
		{ 0x80000005, 0 },
		{ 0x40000001, 0 },
	};
	/* Leaf 0xd index 0, whatever index was asked. */
	const struct mhv_cpuid_entry *highest = &intel_table[1];
	const struct mhv_cpuid_entry *expected[] = {
		highest, highest, highest, highest, NULL, NULL, NULL,
	};

	guest_sees(_metadata, intel_table, ARRAY_SIZE(intel_table), q, expected, ARRAY_SIZE(q));
}

TEST(default_table_is_the_hosts_filtered)
{
	static const struct query q[] = { { 0, 0 }, { 1, 0 }, { 0x40000000, 0 } };
	u32 a0, b0, c0, d0, a1, b1, c1, d1;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	__cpuid_count(0, 0, a0, b0, c0, d0);
	__cpuid_count(1, 0, a1, b1, c1, d1);
	memcpy(queries, q, sizeof(q));
	nr_queries = ARRAY_SIZE(q);
	vm = vm_create_with_one_vcpu(&vcpu, guest_cpuid);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_NE(0, uc.args[0]);
	EXPECT_EQ(b0, uc.args[1]);	/* vendor */
	EXPECT_EQ(c0, uc.args[2]);
	EXPECT_EQ(d0, uc.args[3]);

	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(a1, uc.args[0]);	/* family, model, stepping */
	EXPECT_FALSE(uc.args[2] & CPUID_1_ECX_VMX);
	EXPECT_TRUE(uc.args[2] & CPUID_1_ECX_HYPERVISOR);

	/* The hypervisor leaf: its own range only, and "mhvmhvmhvmhv". */
	ASSERT_UCALL(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x40000000, uc.args[0]);
	EXPECT_EQ(0x6d76686d, uc.args[1]);
	EXPECT_EQ(0x686d7668, uc.args[2]);
	EXPECT_EQ(0x76686d76, uc.args[3]);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST_HARNESS_MAIN
