// SPDX-License-Identifier: GPL-2.0
/* KUnit: the local APIC's priority, EOI, destination, INIT/SIPI and timer rules. */
#include <kunit/test.h>

#include "apic/lapic.h"

static void enabled_apic(struct mhv_lapic *apic, u32 id)
{
	mhv_lapic_reset(apic, id, true);
	apic->spiv |= MHV_APIC_SPIV_ENABLE;
}

static void priority_under_tpr(struct kunit *test)
{
	struct mhv_lapic apic;

	enabled_apic(&apic, 0);
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), -1);
	KUNIT_EXPECT_TRUE(test, mhv_lapic_accept_fixed(&apic, 0x41));
	KUNIT_EXPECT_TRUE(test, mhv_lapic_accept_fixed(&apic, 0x62));
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), 0x62);

	/* TPR of class 6 masks 0x62 and 0x41; class 5 masks only 0x41. */
	apic.tpr = 0x60;
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), -1);
	apic.tpr = 0x5f;
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), 0x62);
	apic.tpr = 0;

	/* In service 0x62 raises PPR to 0x60: 0x41 waits for the EOI. */
	mhv_lapic_ack(&apic, 0x62);
	KUNIT_EXPECT_EQ(test, mhv_lapic_ppr(&apic), 0x60);
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), -1);
	/* A higher class still preempts the one in service. */
	mhv_lapic_accept_fixed(&apic, 0x70);
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), 0x70);
	mhv_lapic_ack(&apic, 0x70);
	/* A TPR above the ISR class is the PPR. */
	apic.tpr = 0x93;
	KUNIT_EXPECT_EQ(test, mhv_lapic_ppr(&apic), 0x93);
	apic.tpr = 0;

	KUNIT_EXPECT_EQ(test, mhv_lapic_eoi(&apic), 0x70);
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), -1);
	KUNIT_EXPECT_EQ(test, mhv_lapic_eoi(&apic), 0x62);
	KUNIT_EXPECT_EQ(test, mhv_lapic_ppr(&apic), 0);
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), 0x41);
	mhv_lapic_ack(&apic, 0x41);
	KUNIT_EXPECT_EQ(test, mhv_lapic_eoi(&apic), 0x41);
	KUNIT_EXPECT_EQ(test, mhv_lapic_eoi(&apic), -1);
}

static void illegal_and_disabled(struct kunit *test)
{
	struct mhv_lapic apic;

	enabled_apic(&apic, 0);
	KUNIT_EXPECT_FALSE(test, mhv_lapic_accept_fixed(&apic, 15));
	KUNIT_EXPECT_EQ(test, apic.esr, MHV_APIC_ESR_RECV_ILLEGAL);
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), -1);
	KUNIT_EXPECT_FALSE(test, mhv_lapic_accept_fixed(&apic, 256));

	mhv_lapic_reset(&apic, 0, true);
	KUNIT_EXPECT_FALSE(test, mhv_lapic_enabled(&apic));
	KUNIT_EXPECT_FALSE(test, mhv_lapic_accept_fixed(&apic, 0x30));
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), -1);
}

static void logical_destinations(struct kunit *test)
{
	struct mhv_lapic apic;

	mhv_lapic_reset(&apic, 3, true);
	/* Flat: LDR bit set in the destination mask. */
	apic.ldr = 0x04u << 24;
	KUNIT_EXPECT_TRUE(test, mhv_lapic_match_logical(&apic, 0x06));
	KUNIT_EXPECT_FALSE(test, mhv_lapic_match_logical(&apic, 0x03));
	KUNIT_EXPECT_TRUE(test, mhv_lapic_match_logical(&apic, 0xff));

	/* Cluster: cluster 2, member bit 1. */
	apic.dfr = 0x0fffffff;
	apic.ldr = 0x22u << 24;
	KUNIT_EXPECT_TRUE(test, mhv_lapic_match_logical(&apic, 0x23));
	KUNIT_EXPECT_FALSE(test, mhv_lapic_match_logical(&apic, 0x32));
	KUNIT_EXPECT_FALSE(test, mhv_lapic_match_logical(&apic, 0x21));
	KUNIT_EXPECT_TRUE(test, mhv_lapic_match_logical(&apic, 0xff));

	/* x2APIC cluster: the LDR derives from the ID. */
	apic.x2apic = true;
	apic.ldr = mhv_lapic_x2apic_ldr(0x13);
	KUNIT_EXPECT_EQ(test, apic.ldr, 0x10008u);
	KUNIT_EXPECT_TRUE(test, mhv_lapic_match_logical(&apic, 0x1000c));
	KUNIT_EXPECT_FALSE(test, mhv_lapic_match_logical(&apic, 0x0000c));
	KUNIT_EXPECT_FALSE(test, mhv_lapic_match_logical(&apic, 0x10004));
	KUNIT_EXPECT_TRUE(test, mhv_lapic_match_logical(&apic, ~0u));
}

static void init_sipi(struct kunit *test)
{
	struct mhv_lapic apic;

	mhv_lapic_reset(&apic, 1, false);
	KUNIT_EXPECT_EQ(test, apic.mp_state, MHV_APIC_WAIT_SIPI);
	KUNIT_EXPECT_TRUE(test, mhv_lapic_sipi(&apic, 0x9a));
	KUNIT_EXPECT_EQ(test, apic.mp_state, MHV_APIC_RUNNING);
	KUNIT_EXPECT_EQ(test, apic.sipi_vector, 0x9a);
	/* The second SIPI of INIT-SIPI-SIPI finds it running and is ignored. */
	KUNIT_EXPECT_FALSE(test, mhv_lapic_sipi(&apic, 0x10));
	KUNIT_EXPECT_EQ(test, apic.sipi_vector, 0x9a);

	/* INIT again: pending state gone, ID kept, waiting once more. */
	apic.spiv |= MHV_APIC_SPIV_ENABLE;
	mhv_lapic_accept_fixed(&apic, 0x50);
	mhv_lapic_init_signal(&apic);
	KUNIT_EXPECT_EQ(test, apic.id, 1u);
	KUNIT_EXPECT_EQ(test, apic.mp_state, MHV_APIC_WAIT_SIPI);
	KUNIT_EXPECT_FALSE(test, mhv_lapic_enabled(&apic));
	KUNIT_EXPECT_EQ(test, mhv_lapic_pending(&apic), -1);
	KUNIT_EXPECT_TRUE(test, mhv_lapic_sipi(&apic, 0x08));
	KUNIT_EXPECT_EQ(test, apic.sipi_vector, 0x08);
}

static void timer_arithmetic(struct kunit *test)
{
	/* 1 GHz APIC clock: one tick a nanosecond before division. */
	const u64 hz = 1000000000ull;

	KUNIT_EXPECT_EQ(test, mhv_lapic_divisor(0x0), 2u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_divisor(0x1), 4u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_divisor(0x3), 16u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_divisor(0x8), 32u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_divisor(0xa), 128u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_divisor(0xb), 1u);

	KUNIT_EXPECT_EQ(test, mhv_lapic_count_to_ns(1000, 16, hz), 16000ull);
	KUNIT_EXPECT_EQ(test, mhv_lapic_count_to_ns(0xffffffff, 128, hz), 0xffffffffull * 128);
	KUNIT_EXPECT_EQ(test, mhv_lapic_count_to_ns(3000, 1, 3000000ull), 1000000ull);
	KUNIT_EXPECT_EQ(test, mhv_lapic_count_to_ns(5, 1, 0), 0ull);

	KUNIT_EXPECT_EQ(test, mhv_lapic_current_count(1000, 16, hz, 0), 1000u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_current_count(1000, 16, hz, 1600), 900u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_current_count(1000, 16, hz, 15999), 1u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_current_count(1000, 16, hz, 16000), 0u);
	KUNIT_EXPECT_EQ(test, mhv_lapic_current_count(1000, 16, hz, ~0ull), 0u);
}

static struct kunit_case lapic_cases[] = {
	KUNIT_CASE(priority_under_tpr),
	KUNIT_CASE(illegal_and_disabled),
	KUNIT_CASE(logical_destinations),
	KUNIT_CASE(init_sipi),
	KUNIT_CASE(timer_arithmetic),
	{}
};

static struct kunit_suite lapic_suite = {
	.name = "mhv_lapic",
	.test_cases = lapic_cases,
};

kunit_test_suite(lapic_suite);
