/* SPDX-License-Identifier: GPL-2.0 */
/* The VMX side of one vCPU: its VMCS and the guest state the VMCS lacks. */
#ifndef MHV_VMX_VCPU_H
#define MHV_VMX_VCPU_H

#include <linux/types.h>
#include <asm/fpu/api.h>

#include "uapi/mhv.h"
#include "vmx/insn_decode.h"
#include "vmx/vmxon.h"

/* Guest GPRs in hardware encoding order; RSP lives in the VMCS. */
enum mhv_gpr {
	MHV_RAX, MHV_RCX, MHV_RDX, MHV_RBX, MHV_RSP, MHV_RBP, MHV_RSI, MHV_RDI,
	MHV_R8, MHV_R9, MHV_R10, MHV_R11, MHV_R12, MHV_R13, MHV_R14, MHV_R15,
	MHV_NR_GPRS
};

/* What user space must supply before the guest may go on. */
enum mhv_completion {
	MHV_COMPLETE_NONE,
	MHV_COMPLETE_IO_IN,
	MHV_COMPLETE_MMIO_READ,
	MHV_COMPLETE_HYPERCALL,
};

/* MSRs the guest owns that the VMCS does not switch (swapped at load/put). */
struct mhv_guest_msrs {
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 tsc_aux, pat, misc_enable;
};

/* The host's values of what mhv switches around guest execution. */
struct mhv_host_state {
	u64 star, lstar, cstar, sfmask, kernel_gs_base, tsc_aux;
	u64 fs_base, debugctl, dr7, xcr0;
	u32 pkru;
	u16 ds, es, fs, gs, ldt;
};

/* Exit information captured with the VMCS current, for handlers that sleep. */
struct mhv_exit_info {
	u32 reason;
	u64 qual;
	u64 gpa;
	u64 rip;
	u64 rsp;
	u32 insn_len;
	u32 cs_ar;
	u64 cs_base;
	u64 cr0, cr3, cr4, efer;
	u64 pdptes[4];
};

#define MHV_REQ_TLB_FLUSH	0	/* INVEPT/INVVPID before the next entry */

/* Architectural bits (SDM 17.2, 28.2.1) under mhv's names: kernel headers keep them KVM-private. */
#define MHV_DR6_FIXED_1		0xffff0ff0
#define MHV_DR6_VOLATILE	0xe00f		/* B0-B3, BD, BS, BT: the rest reads fixed */
#define MHV_DR6_TRAP_BITS	0xf
#define MHV_DR6_BD		BIT(13)
#define MHV_DR6_BS		BIT(14)
#define MHV_DR7_FIXED_1		0x400
#define MHV_DR7_VOLATILE	0xffff2bff
#define MHV_DR7_GD		BIT(13)
#define MHV_DR7_BP_ENABLES	0xff
#define MHV_EPT_VIOLATION_FETCH	BIT(2)

struct mhv_vmx_vcpu {
	u64 gprs[MHV_NR_GPRS];
	struct mhv_loaded_vmcs vmcs;
	u64 cr2;
	u64 cr8;
	u64 dr[4];
	u64 dr6;
	u64 dr7;		/* the hardware's guest DR7 stays 0x400 */
	u64 xcr0;
	u32 pkru;
	struct mhv_guest_msrs msrs;
	struct mhv_host_state host;
	bool stopped;			/* a TLB flush failed: never enter again */
	int host_cpu;			/* CPU whose host state the VMCS holds */
	u64 host_cr3;
	struct fpu_guest fpu;

	struct mhv_cpuid_entry *cpuid;
	u32 cpuid_nent;

	unsigned long requests;
	int running_cpu;		/* CPU executing guest code, or -1: for kicks */

	/* Set by handlers, applied at the next entry with the VMCS current. */
	bool rip_dirty;
	u64 rip;
	bool pdptes_dirty;
	u64 pdptes[4];

	struct mhv_exit_info exit;
	enum mhv_completion completion;
	struct mhv_mmio_insn mmio_insn;
	u8 io_size;

	bool event_pending;
	struct mhv_event event;
	u32 vectoring;			/* IDT-vectoring info of the last exit that had one */
	u32 vectoring_error;
	u32 vectoring_len;

	struct mhv_vcpu_stats stats;
};

#endif
