// SPDX-License-Identifier: GPL-2.0
/*
 * An Intel MultiProcessor Specification 1.4 table at 0xf0000, which Linux
 * finds by scanning the BIOS area (smp_scan_config): the vCPUs' local APICs
 * (APIC ID = vCPU index, the first one the BSP), one ISA bus, mhvctl's IOAPIC
 * with each ISA IRQ on the pin of its number (IRQ 0 on pin 2, as on PCs),
 * and ExtINT/NMI on LINT0/LINT1. No ACPI tables: Linux needs none of them.
 */
#include <assert.h>
#include <string.h>

#include "vm.h"

#define MPF_SIGNATURE	"_MP_"
#define MPC_SIGNATURE	"PCMP"
#define MP_SPEC_REV	4

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };

#define CPU_ENABLED	0x01
#define CPU_BSP		0x02
#define LAPIC_VERSION	0x14
#define IOAPIC_ENABLED	0x01
#define MP_INT		0
#define MP_NMI		1
#define MP_EXTINT	3
#define ALL_LAPICS	0xff

struct mpf_intel {
	char signature[4];
	u32 physptr;
	u8 length;		/* in 16-byte units */
	u8 specification;
	u8 checksum;
	u8 feature[5];		/* all 0: the configuration table is present */
};

struct mpc_table {
	char signature[4];
	u16 length;
	u8 spec;
	u8 checksum;
	char oem[8];
	char productid[12];
	u32 oemptr;
	u16 oemsize;
	u16 oemcount;		/* entries */
	u32 lapic;
	u16 ext_length;
	u8 ext_checksum;
	u8 reserved;
};

struct mpc_cpu {
	u8 type, apicid, apicver, cpuflag;
	u32 cpufeature, featureflag;
	u32 reserved[2];
};

struct mpc_bus {
	u8 type, busid;
	char bustype[6];
};

struct mpc_ioapic {
	u8 type, apicid, apicver, flags;
	u32 apicaddr;
};

struct mpc_intsrc {
	u8 type, irqtype;
	u16 irqflag;		/* 0: polarity and trigger as the bus conforms */
	u8 srcbus, srcbusirq, dstapic, dstirq;
};

/* The specification's layouts, which need no packing: each field is naturally aligned. */
static_assert(sizeof(struct mpf_intel) == 16, "MP floating pointer");
static_assert(sizeof(struct mpc_table) == 44, "MP configuration table header");
static_assert(sizeof(struct mpc_cpu) == 20, "MP processor entry");
static_assert(sizeof(struct mpc_bus) == 8, "MP bus entry");
static_assert(sizeof(struct mpc_ioapic) == 8, "MP IOAPIC entry");
static_assert(sizeof(struct mpc_intsrc) == 8, "MP interrupt entry");

static u8 checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

static void *add(u8 *table, size_t *len, const void *entry, size_t size)
{
	memcpy(table + *len, entry, size);
	*len += size;
	return table + *len - size;
}

int mptable_write(struct vm *vm, unsigned int nr_cpus, u8 ioapic_id, u64 ioapic_base)
{
	struct mpf_intel *mpf = gpa_to_hva(vm, MPTABLE_GPA, MPTABLE_MAX);
	struct mpc_table *mpc = (void *)(mpf + 1);
	struct mpc_bus bus = { .type = MP_BUS, .bustype = "ISA   " };
	struct mpc_ioapic ioapic = {
		.type = MP_IOAPIC, .apicid = ioapic_id, .apicver = IOAPIC_VERSION,
		.flags = IOAPIC_ENABLED, .apicaddr = ioapic_base,
	};
	size_t len = sizeof(*mpc);
	unsigned int i, entries = 0;

	if (!mpf || sizeof(*mpf) + sizeof(*mpc) + nr_cpus * sizeof(struct mpc_cpu) +
		    sizeof(bus) + sizeof(ioapic) + 18 * sizeof(struct mpc_intsrc) > MPTABLE_MAX)
		return -1;
	memset(mpf, 0, MPTABLE_MAX);
	for (i = 0; i < nr_cpus; i++) {
		struct mpc_cpu cpu = {
			.type = MP_PROCESSOR, .apicid = i, .apicver = LAPIC_VERSION,
			.cpuflag = CPU_ENABLED | (i ? 0 : CPU_BSP),
		};

		add((u8 *)mpc, &len, &cpu, sizeof(cpu));
		entries++;
	}
	add((u8 *)mpc, &len, &bus, sizeof(bus));
	add((u8 *)mpc, &len, &ioapic, sizeof(ioapic));
	entries += 2;
	for (i = 0; i < 16; i++) {
		struct mpc_intsrc src = {
			.type = MP_INTSRC, .irqtype = MP_INT, .srcbusirq = i,
			.dstapic = ioapic_id, .dstirq = i ? i : 2,
		};

		if (i == 2)
			continue;	/* the cascade: pin 2 carries IRQ 0 */
		add((u8 *)mpc, &len, &src, sizeof(src));
		entries++;
	}
	for (i = 0; i < 2; i++) {
		struct mpc_intsrc lint = {
			.type = MP_LINTSRC, .irqtype = i ? MP_NMI : MP_EXTINT,
			.dstapic = ALL_LAPICS, .dstirq = i,
		};

		add((u8 *)mpc, &len, &lint, sizeof(lint));
		entries++;
	}
	memcpy(mpc->signature, MPC_SIGNATURE, 4);
	mpc->length = len;
	mpc->spec = MP_SPEC_REV;
	memcpy(mpc->oem, "MHV     ", 8);
	memcpy(mpc->productid, "MHVCTL      ", 12);
	mpc->oemcount = entries;
	mpc->lapic = LAPIC_BASE;
	mpc->checksum = checksum(mpc, len);

	memcpy(mpf->signature, MPF_SIGNATURE, 4);
	mpf->physptr = MPTABLE_GPA + sizeof(*mpf);
	mpf->length = 1;
	mpf->specification = MP_SPEC_REV;
	mpf->checksum = checksum(mpf, sizeof(*mpf));
	return 0;
}
