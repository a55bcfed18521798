/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local APIC's register state and its pure rules (priority, EOI, destination matching,
 * INIT/SIPI, timer arithmetic), kept free of VMX so KUnit can test them on any machine.
 * Issue 13's first slice: nothing here is wired into a vCPU yet.
 */
#ifndef MHV_APIC_LAPIC_H
#define MHV_APIC_LAPIC_H

#include <linux/bitmap.h>
#include <linux/types.h>

#define MHV_APIC_SPIV_ENABLE	BIT(8)
#define MHV_APIC_ESR_RECV_ILLEGAL	BIT(6)
#define MHV_APIC_DFR_FLAT	0xfu

/* What a vCPU's APIC does next about starting (SDM 10.4.7.3, 8.4). */
enum mhv_apic_mp_state {
	MHV_APIC_RUNNING,
	MHV_APIC_WAIT_SIPI,
};

struct mhv_lapic {
	u32 id;			/* APIC ID (xAPIC: bits 31:24 of the register hold it) */
	bool x2apic;
	u8 tpr;
	u32 spiv;
	u32 ldr;		/* xAPIC: logical ID in bits 31:24; x2APIC: cluster << 16 | bit */
	u32 dfr;		/* xAPIC destination format: 0xf flat, 0x0 cluster */
	u32 esr;
	DECLARE_BITMAP(irr, 256);
	DECLARE_BITMAP(isr, 256);
	enum mhv_apic_mp_state mp_state;
	u8 sipi_vector;
	bool sipi_pending;
};

void mhv_lapic_reset(struct mhv_lapic *apic, u32 id, bool bsp);
bool mhv_lapic_enabled(const struct mhv_lapic *apic);
bool mhv_lapic_accept_fixed(struct mhv_lapic *apic, unsigned int vector);
u8 mhv_lapic_ppr(const struct mhv_lapic *apic);
int mhv_lapic_pending(const struct mhv_lapic *apic);
void mhv_lapic_ack(struct mhv_lapic *apic, unsigned int vector);
int mhv_lapic_eoi(struct mhv_lapic *apic);
bool mhv_lapic_match_logical(const struct mhv_lapic *apic, u32 dest);
void mhv_lapic_init_signal(struct mhv_lapic *apic);
bool mhv_lapic_sipi(struct mhv_lapic *apic, u8 vector);
u32 mhv_lapic_x2apic_ldr(u32 id);
unsigned int mhv_lapic_divisor(u32 tdcr);
u64 mhv_lapic_count_to_ns(u32 count, unsigned int divisor, u64 apic_hz);
u32 mhv_lapic_current_count(u32 initial, unsigned int divisor, u64 apic_hz, u64 elapsed_ns);

#endif
