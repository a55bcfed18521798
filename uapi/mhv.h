/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mhv: the user-space interface of the mhv micro-hypervisor (/dev/mhv).
 *
 * Every struct has explicit padding; reserved fields must be zero on input
 * and are zeroed on output, so they can gain meaning without a new ioctl.
 */
#ifndef _UAPI_MHV_H
#define _UAPI_MHV_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/const.h>

#define MHV_API_VERSION		1

/* Why VT-x can or cannot be used on this machine (mhv_vmx_caps.status). */
enum mhv_vmx_status {
	MHV_VMX_READY		= 0,	/* everything mhv needs is there */
	MHV_VMX_NO_CPU_SUPPORT	= 1,	/* CPUID.1:ECX.VMX is clear */
	MHV_VMX_DISABLED	= 2,	/* IA32_FEATURE_CONTROL locked with VMX off */
	MHV_VMX_MISSING_FEATURE	= 3,	/* see mhv_vmx_caps.missing */
	MHV_VMX_BUSY		= 4,	/* CR4.VMXE set: another hypervisor owns VT-x */
};

/* VMX features, reported in mhv_vmx_caps.hw_features and .features. */
#define MHV_FEAT_TRUE_CTLS		_BITUL(0)
#define MHV_FEAT_EPT			_BITUL(1)
#define MHV_FEAT_UNRESTRICTED_GUEST	_BITUL(2)
#define MHV_FEAT_MSR_BITMAP		_BITUL(3)
#define MHV_FEAT_IO_BITMAP		_BITUL(4)
#define MHV_FEAT_EPT_WB_4LEVEL		_BITUL(5)
#define MHV_FEAT_INVEPT_CONTEXT		_BITUL(6)
#define MHV_FEAT_EFER_CTLS		_BITUL(7)
#define MHV_FEAT_VPID			_BITUL(8)
#define MHV_FEAT_EPT_2M			_BITUL(9)
#define MHV_FEAT_EPT_1G			_BITUL(10)
#define MHV_FEAT_EPT_AD			_BITUL(11)
#define MHV_FEAT_PML			_BITUL(12)
#define MHV_FEAT_PREEMPTION_TIMER	_BITUL(13)
#define MHV_FEAT_ACK_INTR_ON_EXIT	_BITUL(14)
#define MHV_FEAT_VMCS_WB64		_BITUL(15)

/* Features without which mhv refuses to run guests. */
#define MHV_FEAT_REQUIRED	(MHV_FEAT_TRUE_CTLS | MHV_FEAT_EPT |	\
				 MHV_FEAT_UNRESTRICTED_GUEST |		\
				 MHV_FEAT_MSR_BITMAP |			\
				 MHV_FEAT_EPT_WB_4LEVEL |		\
				 MHV_FEAT_INVEPT_CONTEXT |		\
				 MHV_FEAT_EFER_CTLS |			\
				 MHV_FEAT_VMCS_WB64)

struct mhv_vmx_caps {
	__u32 status;		/* enum mhv_vmx_status */
	__u32 hw_features;	/* MHV_FEAT_*: what the CPU offers */
	__u32 features;		/* MHV_FEAT_*: what mhv uses (module params applied) */
	__u32 missing;		/* MHV_FEAT_REQUIRED bits the CPU lacks */
	__u32 vmcs_revision;
	__u32 nr_cpus;		/* online CPUs */
	__u32 preemption_timer_shift;	/* timer ticks every 2^shift TSC cycles */
	__u32 pad;
	/* Raw capability MSRs as read on the CPU that probed them. */
	__u64 feature_control;
	__u64 basic;
	__u64 pinbased_ctls;	/* the TRUE_ variants where the CPU has them */
	__u64 procbased_ctls;
	__u64 procbased_ctls2;
	__u64 exit_ctls;
	__u64 entry_ctls;
	__u64 misc;
	__u64 ept_vpid_cap;
	__u64 cr0_fixed0;
	__u64 cr0_fixed1;
	__u64 cr4_fixed0;
	__u64 cr4_fixed1;
	__u64 reserved[8];
};

/* MHV_CREATE_VM: Xen-style limits of one VM. */
struct mhv_vm_config {
	__u64 max_pages;	/* 4 KiB pages of guest memory it may own; 0: no cap */
	__u64 ept_pool_pages;	/* pages for its EPT tables; 0: a default */
	__u32 flags;		/* none defined yet: must be 0 */
	__u32 pad;
	__u64 reserved[4];
};

/* MHV_SET_MEMORY_REGION: guest-physical range backed by the caller's memory. */
#define MHV_MEM_READONLY	_BITUL(0)	/* guest writes become MMIO exits */
#define MHV_MEM_LOG_DIRTY	_BITUL(1)	/* track guest writes: MHV_GET_DIRTY_LOG */
#define MHV_MEM_PREFAULT	_BITUL(2)	/* map it all now instead of on first touch */

struct mhv_memory_region {
	__u32 slot;
	__u32 flags;		/* MHV_MEM_* */
	__u64 guest_phys_addr;	/* 4 KiB aligned */
	__u64 size;		/* 4 KiB multiple; 0 deletes the slot */
	__u64 userspace_addr;	/* 4 KiB aligned, the caller's mapping */
	__u64 reserved[2];
};

struct mhv_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/* A segment register; ar is the VMX access-rights format (SDM 24.4.1). */
struct mhv_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u16 pad;
	__u32 ar;		/* bit 16: unusable */
	__u32 pad2;
};

#define MHV_AR_UNUSABLE		_BITUL(16)

struct mhv_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

struct mhv_sregs {
	struct mhv_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct mhv_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, efer;
	__u64 reserved[4];
};

/* MHV_GET_MSRS / MHV_SET_MSRS: returns how many entries were done. */
struct mhv_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

struct mhv_msrs {
	__u32 nmsrs;		/* at most MHV_MAX_MSRS */
	__u32 pad;
	struct mhv_msr_entry entries[];
};

#define MHV_MAX_MSRS		64

/* MHV_SET_CPUID: what the guest's CPUID returns; leaves not listed read 0. */
#define MHV_CPUID_FLAG_INDEXED	_BITUL(0)	/* entry applies to one ECX index */

struct mhv_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* MHV_CPUID_FLAG_* */
	__u32 eax, ebx, ecx, edx;
	__u32 pad;
};

struct mhv_cpuid {
	__u32 nent;		/* at most MHV_MAX_CPUID_ENTRIES */
	__u32 pad;
	struct mhv_cpuid_entry entries[];
};

#define MHV_MAX_CPUID_ENTRIES	256

/* MHV_INJECT: an event delivered at the next VM entry where it can be. */
enum mhv_event_type {
	MHV_EVENT_INTERRUPT	= 0,	/* external interrupt: waits for RFLAGS.IF */
	MHV_EVENT_NMI		= 2,
	MHV_EVENT_EXCEPTION	= 3,
};

struct mhv_event {
	__u8 type;		/* enum mhv_event_type */
	__u8 vector;
	__u8 has_error_code;	/* exceptions only */
	__u8 pad;
	__u32 error_code;
	__u64 reserved[2];
};

/* Why MHV_RUN returned (mhv_run.exit_reason). */
/* MHV_GET_VM_STATS: the VM's memory, as Xen's tot_pages/max_pages and HAP pool. */
struct mhv_vm_stats {
	__u64 pages_mapped;	/* 4 KiB guest pages mapped from RAM regions */
	__u64 pages_2m;		/* of which mapped through 2 MiB EPT leaves */
	__u64 pages_pinned;	/* RAM pages pinned for the guest */
	__u64 max_pages;	/* the cap (0: none) */
	__u64 pool_total;	/* EPT table pool, pages */
	__u64 pool_used;
	__u64 ept_faults;	/* EPT violations that mapped memory */
	__u64 mmio_faults;	/* EPT violations that became MMIO exits */
	__u64 splits;		/* 2 MiB leaves split into 4 KiB ones */
	__u64 pmem_pages_mapped;	/* 4 KiB pages mapped from pmem regions */
	__u64 balloon_pages;	/* pages the guest gave back */
	__u64 reserved[9];
};

/* MHV_SET_EPT_POOL: resize the VM's EPT table pool (Xen's set_allocation). */
struct mhv_ept_pool {
	__u64 pages;
	__u64 reserved[3];
};

/* MHV_GET_DIRTY_LOG: get and clear the slot's dirty bitmap (one bit per 4 KiB page). */
struct mhv_dirty_log {
	__u32 slot;
	__u32 pad;
	__u64 bitmap;		/* user pointer, (size / 4096 + 63) / 64 __u64 words */
	__u64 reserved[2];
};

/* MHV_GET_VCPU_STATS: exits counted by VMX basic exit reason. */
#define MHV_NR_EXIT_REASONS	80

struct mhv_vcpu_stats {
	__u64 exits;			/* all VM exits */
	__u64 user_exits;		/* MHV_RUN returns */
	__u64 by_reason[MHV_NR_EXIT_REASONS];
	__u64 reserved[6];
};

/*
 * pmem: named regions of an NVDIMM namespace (an fsdax /dev/pmemN or a
 * devdax /dev/daxN.M, given by fd), recorded in a table inside the namespace.
 */
#define MHV_PMEM_NAME_LEN	32	/* NUL-terminated, [A-Za-z0-9._-] */

#define MHV_PMEM_SHARED		_BITUL(0)	/* several VMs may attach it at once */
#define MHV_PMEM_READONLY	_BITUL(1)	/* the guest may only read */

/* MHV_PMEM_FORMAT: write an empty region table (destroys the old one). */
struct mhv_pmem_format {
	__s32 fd;
	__u32 flags;		/* none yet: 0 */
	__u64 reserved[3];
};

/* MHV_PMEM_CREATE / MHV_PMEM_REMOVE: a named region of a namespace. */
struct mhv_pmem_region {
	__s32 fd;
	__u32 flags;		/* MHV_PMEM_SHARED: may be attached by several VMs */
	char name[MHV_PMEM_NAME_LEN];
	__u64 size;		/* create: 2 MiB multiple */
	__u64 offset;		/* in: 0 or where (2 MiB aligned); out: where it lies */
	__u64 reserved[2];
};

/* MHV_PMEM_LIST: the table of a namespace. */
struct mhv_pmem_list {
	__s32 fd;
	__u32 count;		/* in: entries room; out: regions (-E2BIG if above room) */
	__u64 entries;		/* user pointer to struct mhv_pmem_region[count] */
	__u64 namespace_size;	/* out */
	__u64 free_bytes;	/* out */
	__u64 reserved[2];
};

/* MHV_ATTACH_PMEM (VM fd): map a named region at a guest-physical address. */
struct mhv_pmem_attach {
	__s32 fd;
	__u32 flags;		/* MHV_PMEM_SHARED (region made shared), MHV_PMEM_READONLY */
	char name[MHV_PMEM_NAME_LEN];
	__u64 guest_phys_addr;	/* 2 MiB aligned */
	__u64 size;		/* out: the region's size */
	__u64 reserved[2];
};

/*
 * MHV_DETACH_PMEM (VM fd): unmap the region attached at guest_phys_addr and
 * write its caches back; guest accesses there become MMIO exits.
 */
struct mhv_pmem_detach {
	__u64 guest_phys_addr;
	__u64 reserved[3];
};

/* MHV_GET_PMEM_MAP (VM fd): what a loader marks E820 type 12 (persistent). */
struct mhv_pmem_map_entry {
	__u64 guest_phys_addr;
	__u64 size;
	char name[MHV_PMEM_NAME_LEN];
	__u32 flags;
	__u32 pad;
};

struct mhv_pmem_map {
	__u32 count;		/* in: entries room; out: attached (-E2BIG if above room) */
	__u32 pad;
	__u64 entries;		/* user pointer to struct mhv_pmem_map_entry[count] */
	__u64 reserved[2];
};

enum mhv_exit_reason {
	MHV_EXIT_NONE		= 0,
	MHV_EXIT_HLT		= 1,
	MHV_EXIT_IO		= 2,
	MHV_EXIT_MMIO		= 3,
	MHV_EXIT_HYPERCALL	= 4,	/* a VMCALL mhv does not handle itself */
	MHV_EXIT_SHUTDOWN	= 5,	/* triple fault */
	MHV_EXIT_FAIL_ENTRY	= 6,	/* VM entry failed: see fail_entry */
	MHV_EXIT_INTR		= 7,	/* a signal or immediate_exit */
	MHV_EXIT_INTERNAL_ERROR	= 8,	/* an exit mhv cannot handle: see internal */
	MHV_EXIT_PMEM_LOST	= 9,	/* a pmem namespace behind the VM went away */
};

#define MHV_EXIT_IO_IN		0
#define MHV_EXIT_IO_OUT		1

/* The vCPU's shared page: mmap() of the vCPU fd, MHV_GET_VCPU_MMAP_SIZE bytes. */
struct mhv_run {
	/* in */
	__u8 immediate_exit;	/* return MHV_EXIT_INTR before entering the guest */
	__u8 pad_in[7];
	/* out */
	__u32 exit_reason;	/* enum mhv_exit_reason */
	__u32 pad_out;
	__u64 rflags;		/* guest RFLAGS at exit */
	__u64 reserved[4];
	union {
		/* MHV_EXIT_IO: for IN, user space writes data before the next MHV_RUN. */
		struct {
			__u8 direction;	/* MHV_EXIT_IO_IN/OUT */
			__u8 size;	/* 1, 2 or 4 */
			__u16 port;
			__u32 pad;
			__u64 data;
		} io;
		/* MHV_EXIT_MMIO: for reads, user space writes data before the next MHV_RUN. */
		struct {
			__u64 phys_addr;
			__u64 data;
			__u8 len;	/* 1, 2, 4 or 8 */
			__u8 is_write;
			__u8 pad[6];
		} mmio;
		/* MHV_EXIT_HYPERCALL: user space writes ret, returned in guest RAX. */
		struct {
			__u64 nr;	/* guest RAX */
			__u64 args[5];	/* guest RBX, RCX, RDX, RSI, RDI */
			__u64 ret;
		} hypercall;
		/* MHV_EXIT_FAIL_ENTRY */
		struct {
			__u32 vm_instruction_error;	/* SDM 30.4, 0 if the entry itself exited */
			__u32 exit_reason;		/* basic reason with bit 31 set, if any */
			__u64 exit_qualification;
		} fail_entry;
		/* MHV_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;		/* MHV_INTERNAL_* */
			__u32 exit_reason;	/* the VMX basic exit reason */
			__u64 exit_qualification;
			__u64 guest_phys_addr;
		} internal;
		char padding[256];
	};
};

#define MHV_INTERNAL_UNHANDLED_EXIT	1	/* VMX exit reason mhv has no handler for */
#define MHV_INTERNAL_EMULATION		2	/* an MMIO instruction mhv cannot decode */
#define MHV_INTERNAL_EPT_MISCONFIG	3
#define MHV_INTERNAL_DELIVERY_EVENT	4	/* MMIO touched while delivering an event */
#define MHV_INTERNAL_TLB_FLUSH		5	/* INVEPT/INVVPID failed: the vCPU is stopped */

/*
 * Hypercalls: VMCALL with the number in RAX and arguments in RBX, RCX, RDX,
 * RSI, RDI; the result comes back in RAX. mhv handles these in the kernel;
 * any other number exits to user space (MHV_EXIT_HYPERCALL). From guest
 * CPL > 0 every hypercall fails with -EPERM in RAX.
 */
#define MHV_HC_NOP		0	/* returns 0: the cheapest round trip */
#define MHV_HC_VM_INFO		1	/* RAX = API version, RBX = VPID */
/* Ballooning (Xen's memory_op): RBX = guest-physical address, RCX = 4 KiB pages. */
#define MHV_HC_DECREASE_RESERVATION	2	/* give pages back: RAX = pages released */
#define MHV_HC_POPULATE_PHYSMAP		3	/* take them again: RAX = pages populated */

#define MHVIO			0xB8

/* /dev/mhv */
#define MHV_GET_API_VERSION	_IO(MHVIO, 0x00)
#define MHV_GET_VMX_CAPS	_IOR(MHVIO, 0x01, struct mhv_vmx_caps)
#define MHV_CREATE_VM		_IOW(MHVIO, 0x02, struct mhv_vm_config)	/* returns a VM fd */
#define MHV_GET_VCPU_MMAP_SIZE	_IO(MHVIO, 0x03)
#define MHV_PMEM_FORMAT		_IOW(MHVIO, 0x04, struct mhv_pmem_format)
#define MHV_PMEM_CREATE		_IOWR(MHVIO, 0x05, struct mhv_pmem_region)
#define MHV_PMEM_REMOVE		_IOW(MHVIO, 0x06, struct mhv_pmem_region)
#define MHV_PMEM_LIST		_IOWR(MHVIO, 0x07, struct mhv_pmem_list)

/* VM fd */
#define MHV_SET_MEMORY_REGION	_IOW(MHVIO, 0x10, struct mhv_memory_region)
#define MHV_CREATE_VCPU		_IO(MHVIO, 0x11)	/* arg: vCPU id; returns a vCPU fd */
#define MHV_GET_VM_STATS	_IOR(MHVIO, 0x12, struct mhv_vm_stats)
#define MHV_SET_EPT_POOL	_IOW(MHVIO, 0x13, struct mhv_ept_pool)
#define MHV_GET_DIRTY_LOG	_IOW(MHVIO, 0x14, struct mhv_dirty_log)
#define MHV_ATTACH_PMEM		_IOWR(MHVIO, 0x15, struct mhv_pmem_attach)
#define MHV_GET_PMEM_MAP	_IOWR(MHVIO, 0x16, struct mhv_pmem_map)
#define MHV_DETACH_PMEM		_IOW(MHVIO, 0x17, struct mhv_pmem_detach)

/* vCPU fd */
#define MHV_RUN			_IO(MHVIO, 0x80)
#define MHV_GET_REGS		_IOR(MHVIO, 0x81, struct mhv_regs)
#define MHV_SET_REGS		_IOW(MHVIO, 0x82, struct mhv_regs)
#define MHV_GET_SREGS		_IOR(MHVIO, 0x83, struct mhv_sregs)
#define MHV_SET_SREGS		_IOW(MHVIO, 0x84, struct mhv_sregs)
#define MHV_GET_MSRS		_IOWR(MHVIO, 0x85, struct mhv_msrs)
#define MHV_SET_MSRS		_IOW(MHVIO, 0x86, struct mhv_msrs)
#define MHV_SET_CPUID		_IOW(MHVIO, 0x87, struct mhv_cpuid)
#define MHV_INJECT		_IOW(MHVIO, 0x88, struct mhv_event)
#define MHV_GET_VCPU_STATS	_IOR(MHVIO, 0x89, struct mhv_vcpu_stats)

#endif /* _UAPI_MHV_H */
