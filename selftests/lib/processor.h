/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 facts the selftests need, and the helpers guest code uses: port I/O,
 * MSRs (with #GP caught), CPUID, VMCALL and exception handlers.
 *
 * Everything "guest" here runs inside the VM: it must not call libc, touch
 * TLS (errno) or use more than SSE.
 */
#ifndef MHV_SELFTEST_PROCESSOR_H
#define MHV_SELFTEST_PROCESSOR_H

#include <linux/types.h>
#include <stdnoreturn.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;

#define BIT_ULL(n)		(1ULL << (n))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define X86_CR0_PE		BIT_ULL(0)
#define X86_CR0_MP		BIT_ULL(1)
#define X86_CR0_EM		BIT_ULL(2)
#define X86_CR0_TS		BIT_ULL(3)
#define X86_CR0_ET		BIT_ULL(4)
#define X86_CR0_NE		BIT_ULL(5)
#define X86_CR0_WP		BIT_ULL(16)
#define X86_CR0_NW		BIT_ULL(29)
#define X86_CR0_CD		BIT_ULL(30)
#define X86_CR0_PG		BIT_ULL(31)

#define X86_CR4_PAE		BIT_ULL(5)
#define X86_CR4_OSFXSR		BIT_ULL(9)
#define X86_CR4_OSXMMEXCPT	BIT_ULL(10)

#define EFER_SCE		BIT_ULL(0)
#define EFER_LME		BIT_ULL(8)
#define EFER_LMA		BIT_ULL(10)
#define EFER_NX			BIT_ULL(11)

#define X86_EFLAGS_FIXED	BIT_ULL(1)
#define X86_EFLAGS_IF		BIT_ULL(9)
#define X86_EFLAGS_IOPL3	(3ULL << 12)

#define MSR_IA32_TSC		0x00000010
#define MSR_IA32_APICBASE	0x0000001b
#define MSR_IA32_FEATURE_CONTROL 0x0000003a
#define MSR_IA32_UCODE_REV	0x0000008b
#define MSR_IA32_SYSENTER_CS	0x00000174
#define MSR_IA32_SYSENTER_ESP	0x00000175
#define MSR_IA32_SYSENTER_EIP	0x00000176
#define MSR_IA32_MISC_ENABLE	0x000001a0
#define MSR_IA32_CR_PAT		0x00000277
#define MSR_IA32_VMX_BASIC	0x00000480
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103

#define CPUID_1_ECX_VMX		BIT_ULL(5)
#define CPUID_1_ECX_HYPERVISOR	BIT_ULL(31)

#define DE_VECTOR		0
#define UD_VECTOR		6
#define DF_VECTOR		8
#define GP_VECTOR		13
#define PF_VECTOR		14

/* Segment access rights in the VMX format (SDM Vol. 3, 24.4.1). */
#define AR_CODE64		0xa09b	/* G, L, P, S, execute/read, accessed */
#define AR_DATA			0xc093	/* G, D/B, P, S, read/write, accessed */
#define AR_CODE16		0x009b	/* real mode CS */
#define AR_DATA16		0x0093
#define AR_TSS64_BUSY		0x008b
#define AR_LDT			0x0082

/* The GDT every long-mode guest gets (see lib/processor.c). */
#define SEL_KERNEL_CS		0x08
#define SEL_KERNEL_DS		0x10
#define SEL_USER_DS		0x1b	/* entry 3, RPL 3 */
#define SEL_USER_CS		0x23	/* entry 4, RPL 3 */
#define SEL_TSS			0x28

/* Saved by the exception stubs (lib/handlers.S); handlers may edit it. */
struct ex_regs {
	u64 rax, rcx, rdx, rbx, rbp, rsi, rdi;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};

typedef void (*mhv_exception_handler)(struct ex_regs *regs);

/* Guest: the vector table the stubs dispatch through (host fills it). */
extern mhv_exception_handler mhv_guest_handlers[256];

/* Guest side ---------------------------------------------------------- */

static inline void outb(u16 port, u8 v)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid_count(u32 leaf, u32 index, u32 *eax, u32 *ebx,
			       u32 *ecx, u32 *edx)
{
	asm volatile("cpuid"
		     : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
		     : "a"(leaf), "c"(index)
		     : "memory");
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | ((u64)hi << 32);
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "a"((u32)v), "d"((u32)(v >> 32)), "c"(msr)
		     : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((u64)hi << 32);
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti_nop(void)
{
	/* STI blocks interrupts for one instruction: let them in here. */
	asm volatile("sti; nop" : : : "memory");
}

static inline void halt(void)
{
	asm volatile("hlt" : : : "memory");
}

/*
 * An instruction that may fault: r11 holds a magic value and r10 the
 * address after the instruction; the exception stubs see the magic, put
 * the vector in r11 and resume at r10 (lib/processor.c). Returns the
 * vector, or 0 (#DE is never expected from these).
 */
#define MHV_SAFE_MAGIC		0x5afe5afe5afe0000ULL

#define MHV_ASM_SAFE(insn)						\
	"movabs $" __stringify_mhv(MHV_SAFE_MAGIC) ", %%r11\n\t"	\
	"lea 1f(%%rip), %%r10\n\t"					\
	insn "\n\t"							\
	"1:\n\t"

#define __stringify_mhv_1(x)	#x
#define __stringify_mhv(x)	__stringify_mhv_1(x)

static inline u8 mhv_safe_vector(u64 r11)
{
	return r11 == MHV_SAFE_MAGIC ? 0 : (u8)r11;
}

static inline u8 rdmsr_safe(u32 msr, u64 *val)
{
	register u64 r11 asm("r11");
	u32 lo = 0, hi = 0;

	asm volatile(MHV_ASM_SAFE("rdmsr")
		     : "+a"(lo), "+d"(hi), "=r"(r11)
		     : "c"(msr)
		     : "r10", "memory");
	*val = lo | ((u64)hi << 32);
	return mhv_safe_vector(r11);
}

static inline u8 wrmsr_safe(u32 msr, u64 val)
{
	register u64 r11 asm("r11");

	asm volatile(MHV_ASM_SAFE("wrmsr")
		     : "=r"(r11)
		     : "a"((u32)val), "d"((u32)(val >> 32)), "c"(msr)
		     : "r10", "memory");
	return mhv_safe_vector(r11);
}

static inline u8 write_cr0_safe(u64 v)
{
	register u64 r11 asm("r11");

	asm volatile(MHV_ASM_SAFE("mov %1, %%cr0") : "=&r"(r11) : "r"(v) : "r10", "memory");
	return mhv_safe_vector(r11);
}

static inline u8 write_cr4_safe(u64 v)
{
	register u64 r11 asm("r11");

	asm volatile(MHV_ASM_SAFE("mov %1, %%cr4") : "=&r"(r11) : "r"(v) : "r10", "memory");
	return mhv_safe_vector(r11);
}

static inline u8 xsetbv_safe(u64 v)
{
	register u64 r11 asm("r11");

	asm volatile(MHV_ASM_SAFE("xsetbv")
		     : "=r"(r11) : "a"((u32)v), "d"((u32)(v >> 32)), "c"(0) : "r10", "memory");
	return mhv_safe_vector(r11);
}

/* Control and debug registers (the guest runs at CPL0). */
static inline u64 read_cr0(void)
{
	u64 v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr3(void)
{
	u64 v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(u64 v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline u64 read_cr4(void)
{
	u64 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline u64 read_dr6(void)
{
	u64 v;

	asm volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static inline u64 read_dr7(void)
{
	u64 v;

	asm volatile("mov %%dr7, %0" : "=r"(v));
	return v;
}

static inline void write_dr6(u64 v)
{
	asm volatile("mov %0, %%dr6" : : "r"(v));
}

static inline void write_dr7(u64 v)
{
	asm volatile("mov %0, %%dr7" : : "r"(v));
}

/* VMCALL: number in RAX, arguments in RBX, RCX, RDX, RSI, RDI. */
struct mhv_hc_result {
	u64 rax, rbx;
};

static inline struct mhv_hc_result mhv_vmcall(u64 nr, u64 a0, u64 a1, u64 a2,
					      u64 a3, u64 a4)
{
	struct mhv_hc_result r;

	asm volatile("vmcall"
		     : "=a"(r.rax), "=b"(r.rbx), "+c"(a1), "+d"(a2), "+S"(a3),
		       "+D"(a4)
		     : "a"(nr), "b"(a0)
		     : "memory");
	return r;
}

/* Guest: enter the C function @fn at CPL 3 on @stack_top with IOPL 3. */
noreturn void mhv_guest_enter_user(void (*fn)(void), void *stack_top);

/* Guest: a plain load or store the compiler keeps (MMIO, flags). */
#define GUEST_READ(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define GUEST_WRITE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* The guest-side entry points of lib/handlers.S and lib/processor.c. */
extern const u64 mhv_idt_stubs[256];
extern char mhv_guest_returned[];
void mhv_route_exception(struct ex_regs *regs);
void mhv_guest_returned_c(void);

#endif /* MHV_SELFTEST_PROCESSOR_H */
