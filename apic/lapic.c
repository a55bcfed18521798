// SPDX-License-Identifier: GPL-2.0
/*
 * Local APIC rules that do not depend on VMX: the priority of IRR against ISR and TPR (SDM 10.8.3),
 * EOI, logical destination matching (flat, cluster, x2APIC cluster; SDM 10.6.2.2, 10.12.10) and the
 * INIT/SIPI state machine. The caller holds the vCPU's APIC lock.
 */
#include <linux/bitops.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "apic/lapic.h"

void mhv_lapic_reset(struct mhv_lapic *apic, u32 id, bool bsp)
{
	memset(apic, 0, sizeof(*apic));
	apic->id = id;
	apic->spiv = 0xff;	/* reset value: vector 0xff, software-disabled */
	apic->dfr = ~0u;
	apic->mp_state = bsp ? MHV_APIC_RUNNING : MHV_APIC_WAIT_SIPI;
}

bool mhv_lapic_enabled(const struct mhv_lapic *apic)
{
	return apic->spiv & MHV_APIC_SPIV_ENABLE;
}

/* A software-disabled APIC drops fixed interrupts; vectors 0-15 are illegal and set ESR. */
bool mhv_lapic_accept_fixed(struct mhv_lapic *apic, unsigned int vector)
{
	if (vector > 255)
		return false;
	if (vector < 16) {
		apic->esr |= MHV_APIC_ESR_RECV_ILLEGAL;
		return false;
	}
	if (!mhv_lapic_enabled(apic))
		return false;
	set_bit(vector, apic->irr);
	return true;
}

static int highest(const unsigned long *map)
{
	unsigned long v = find_last_bit(map, 256);

	return v < 256 ? (int)v : -1;
}

u8 mhv_lapic_ppr(const struct mhv_lapic *apic)
{
	int isrv = highest(apic->isr);
	u8 isr_class = isrv < 0 ? 0 : (isrv & 0xf0);

	return (apic->tpr & 0xf0) >= isr_class ? apic->tpr : isr_class;
}

/* The vector the CPU would take next, or -1: only a class above PPR's interrupts. */
int mhv_lapic_pending(const struct mhv_lapic *apic)
{
	int v = highest(apic->irr);

	if (v < 0 || (v & 0xf0) <= (mhv_lapic_ppr(apic) & 0xf0))
		return -1;
	return v;
}

void mhv_lapic_ack(struct mhv_lapic *apic, unsigned int vector)
{
	clear_bit(vector, apic->irr);
	set_bit(vector, apic->isr);
}

/* EOI retires the highest in-service vector; returns it, or -1 when none was in service. */
int mhv_lapic_eoi(struct mhv_lapic *apic)
{
	int v = highest(apic->isr);

	if (v >= 0)
		clear_bit(v, apic->isr);
	return v;
}

u32 mhv_lapic_x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | BIT(id & 0xf);
}

bool mhv_lapic_match_logical(const struct mhv_lapic *apic, u32 dest)
{
	u32 logical;

	if (apic->x2apic) {
		if (dest == ~0u)
			return true;
		return (dest >> 16) == (apic->ldr >> 16) && (dest & apic->ldr & 0xffff);
	}
	dest &= 0xff;
	if (dest == 0xff)
		return true;
	logical = apic->ldr >> 24;
	if ((apic->dfr >> 28) == MHV_APIC_DFR_FLAT)
		return logical & dest;
	/* Cluster model: high nibble names the cluster, low nibble up to four members. */
	return (dest >> 4) == (logical >> 4) && (dest & logical & 0xf);
}

/* INIT keeps the APIC ID and mode and parks the vCPU until a SIPI (SDM 10.4.7.3). */
void mhv_lapic_init_signal(struct mhv_lapic *apic)
{
	u32 id = apic->id;
	bool x2apic = apic->x2apic;

	mhv_lapic_reset(apic, id, false);
	apic->x2apic = x2apic;
	if (x2apic)
		apic->ldr = mhv_lapic_x2apic_ldr(id);
}

/* A SIPI starts only a vCPU waiting for one; any other is ignored, as on hardware. */
bool mhv_lapic_sipi(struct mhv_lapic *apic, u8 vector)
{
	if (apic->mp_state != MHV_APIC_WAIT_SIPI)
		return false;
	apic->sipi_vector = vector;
	apic->sipi_pending = true;
	apic->mp_state = MHV_APIC_RUNNING;
	return true;
}

/* TDCR bits 0, 1 and 3 encode the divisor: 0b111 is 1, otherwise 2 << value (SDM 10.5.4). */
unsigned int mhv_lapic_divisor(u32 tdcr)
{
	u32 v = (tdcr & 3) | ((tdcr & 8) >> 1);

	return v == 7 ? 1 : 2u << v;
}

/* The timer counts at apic_hz (the TSC rate) divided by the divisor. */
u64 mhv_lapic_count_to_ns(u32 count, unsigned int divisor, u64 apic_hz)
{
	if (!apic_hz)
		return 0;
	return mul_u64_u64_div_u64((u64)count * divisor, NSEC_PER_SEC, apic_hz);
}

/* TMCCT of a one-shot count started elapsed_ns ago; 0 once it expired. */
u32 mhv_lapic_current_count(u32 initial, unsigned int divisor, u64 apic_hz, u64 elapsed_ns)
{
	u64 ticks;

	if (!apic_hz || !divisor)
		return 0;
	ticks = mul_u64_u64_div_u64(elapsed_ns, apic_hz, (u64)NSEC_PER_SEC * divisor);
	return ticks >= initial ? 0 : initial - (u32)ticks;
}
