// SPDX-License-Identifier: GPL-2.0
/*
 * x86 state for selftest guests: the test binary copied into guest memory,
 * identity page tables, GDT, IDT and TSS, 64-bit and real-mode register
 * setup, and the guest side of exception handling.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>

#include "mhv_util.h"

/* Guest ------------------------------------------------------------------ */

mhv_exception_handler mhv_guest_handlers[256];

/* Called by the stubs of lib/handlers.S with the saved state. */
void mhv_route_exception(struct ex_regs *regs)
{
	mhv_exception_handler h;

	if (regs->r11 == MHV_SAFE_MAGIC) {
		/* An *_safe() instruction: skip it and say which vector. */
		regs->r11 = regs->vector;
		regs->rip = regs->r10;
		return;
	}
	h = mhv_guest_handlers[regs->vector & 0xff];
	if (h) {
		h(regs);
		return;
	}
	ucall(UCALL_UNHANDLED, regs->vector, regs->error_code, regs->rip, 0);
	for (;;)
		halt();
}

void mhv_guest_enter_user(void (*fn)(void), void *stack_top)
{
	/* The return slot of a call: fn starts with RSP = 8 mod 16. */
	u64 rsp = ((u64)(unsigned long)stack_top & ~15ULL) - 8;

	asm volatile("pushq %[ss]\n\t"
		     "pushq %[rsp]\n\t"
		     "pushq %[rflags]\n\t"
		     "pushq %[cs]\n\t"
		     "pushq %[rip]\n\t"
		     "iretq"
		     :
		     : [ss] "i"(SEL_USER_DS), [rsp] "r"(rsp),
		       [rflags] "i"(X86_EFLAGS_FIXED | X86_EFLAGS_IOPL3),
		       [cs] "i"(SEL_USER_CS), [rip] "r"(fn)
		     : "memory");
	__builtin_unreachable();
}

/*
 * A guest function that returns lands in mhv_guest_returned (handlers.S),
 * which realigns the stack and calls this: it should have used GUEST_DONE().
 */
void mhv_guest_returned_c(void)
{
	ucall_assert(__FILE__, __LINE__, "guest function returned", 0, 0, 0);
}

/* Host ------------------------------------------------------------------- */

/* An ELF64 program header, as the auxiliary vector points at them. */
struct phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD_TYPE	1

static void vm_load_image(struct mhv_vm *vm)
{
	const struct phdr *ph = (const struct phdr *)getauxval(AT_PHDR);
	unsigned long i, n = getauxval(AT_PHNUM);
	u64 limit = vm->slots[0].size - MHV_MAX_VCPUS * MHV_STACK_SIZE;

	if (!ph || !n)
		die("no program headers in the auxiliary vector");
	for (i = 0; i < n; i++) {
		u64 start, end;

		if (ph[i].type != PT_LOAD_TYPE)
			continue;
		start = ph[i].vaddr & ~0xfffULL;
		end = (ph[i].vaddr + ph[i].memsz + 0xfff) & ~0xfffULL;
		if (start < MHV_IMAGE_MIN_GPA || end > limit)
			die("segment %#llx-%#llx does not fit the guest (build with -no-pie)",
			    start, end);
		/*
		 * From the live process rather than the file: relocations and
		 * IFUNCs are resolved, globals hold what the test set so far.
		 */
		memcpy(addr_gpa2hva(vm, start), (void *)(unsigned long)start,
		       end - start);
	}
}

static u64 gdt_entry(u32 base, u32 limit, u16 ar)
{
	/* ar in VMX format: type..P in bits 0-7, AVL/L/DB/G in bits 12-15. */
	return (limit & 0xffffULL) | ((u64)(base & 0xffffff) << 16) |
	       ((u64)(ar & 0xff) << 40) | ((u64)((limit >> 16) & 0xf) << 48) |
	       ((u64)((ar >> 12) & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

void vm_setup_long_mode(struct mhv_vm *vm)
{
	u64 *pml4, *pdpt, *pd, *gdt, *idt;
	unsigned int i;

	if (!vm->slots[0].used || vm->slots[0].gpa ||
	    vm->slots[0].size < 8ULL << 20)
		die("long mode needs slot 0 at GPA 0 with at least 8 MiB");

	vm_load_image(vm);

	pml4 = addr_gpa2hva(vm, MHV_PML4_GPA);
	pdpt = addr_gpa2hva(vm, MHV_PDPT_GPA);
	pd = addr_gpa2hva(vm, MHV_PD_GPA);
	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	/* Present, writable, user, and 2 MiB pages in the PDs. */
	pml4[0] = MHV_PDPT_GPA | 0x7;
	for (i = 0; i < 4; i++)
		pdpt[i] = (MHV_PD_GPA + i * 4096ULL) | 0x7;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((u64)i << 21) | 0x87;

	gdt = addr_gpa2hva(vm, MHV_GDT_GPA);
	memset(gdt, 0, 4096);
	gdt[SEL_KERNEL_CS >> 3] = gdt_entry(0, 0xfffff, AR_CODE64);
	gdt[SEL_KERNEL_DS >> 3] = gdt_entry(0, 0xfffff, AR_DATA);
	gdt[SEL_USER_DS >> 3] = gdt_entry(0, 0xfffff, AR_DATA | 0x60);
	gdt[SEL_USER_CS >> 3] = gdt_entry(0, 0xfffff, AR_CODE64 | 0x60);
	gdt[SEL_TSS >> 3] = gdt_entry((u32)MHV_TSS_GPA, 0x67, AR_TSS64_BUSY);
	gdt[(SEL_TSS >> 3) + 1] = MHV_TSS_GPA >> 32;

	/* A 64-bit TSS: RSP0 at offset 4 for exceptions taken at CPL 3. */
	memset(addr_gpa2hva(vm, MHV_TSS_GPA), 0, 4096);
	memcpy((char *)addr_gpa2hva(vm, MHV_TSS_GPA) + 4,
	       &(u64){ MHV_RSP0_TOP }, sizeof(u64));

	/* 64-bit interrupt gates, DPL 0, to the stubs of lib/handlers.S. */
	idt = addr_gpa2hva(vm, MHV_IDT_GPA);
	for (i = 0; i < 256; i++) {
		u64 addr = mhv_idt_stubs[i];

		idt[2 * i] = (addr & 0xffff) | ((u64)SEL_KERNEL_CS << 16) |
			     (0x8eULL << 40) | (((addr >> 16) & 0xffff) << 48);
		idt[2 * i + 1] = addr >> 32;
	}
	vm->long_mode = true;
}

void vm_install_exception_handler(struct mhv_vm *vm, int vector,
				  mhv_exception_handler handler)
{
	mhv_exception_handler *slot = addr_gva2hva(vm, &mhv_guest_handlers[vector]);

	*slot = handler;
}

static void seg_set(struct mhv_segment *s, u16 sel, u64 base, u32 limit, u32 ar)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->ar = ar;
}

void vcpu_setup_long_mode(struct mhv_vcpu *vcpu, void *guest_code)
{
	struct mhv_vm *vm = vcpu->vm;
	struct mhv_sregs sregs;
	struct mhv_regs regs;
	u64 stack_top, ret_addr = (u64)(unsigned long)mhv_guest_returned;

	if (!vm->long_mode)
		vm_setup_long_mode(vm);

	vcpu_sregs_get(vcpu, &sregs);
	seg_set(&sregs.cs, SEL_KERNEL_CS, 0, 0xffffffff, AR_CODE64);
	seg_set(&sregs.ds, SEL_KERNEL_DS, 0, 0xffffffff, AR_DATA);
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	seg_set(&sregs.tr, SEL_TSS, MHV_TSS_GPA, 0x67, AR_TSS64_BUSY);
	seg_set(&sregs.ldt, 0, 0, 0, MHV_AR_UNUSABLE);
	memset(&sregs.gdt, 0, sizeof(sregs.gdt));
	sregs.gdt.base = MHV_GDT_GPA;
	sregs.gdt.limit = 4095;
	memset(&sregs.idt, 0, sizeof(sregs.idt));
	sregs.idt.base = MHV_IDT_GPA;
	sregs.idt.limit = 256 * 16 - 1;
	sregs.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		    X86_CR0_PG;
	sregs.cr3 = MHV_PML4_GPA;
	sregs.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs.efer = EFER_LME | EFER_LMA | EFER_SCE;
	vcpu_sregs_set(vcpu, &sregs);

	/* A call's return slot: the guest function "returns" to a report. */
	stack_top = vm->slots[0].size - vcpu->id * MHV_STACK_SIZE;
	memset(&regs, 0, sizeof(regs));
	regs.rsp = stack_top - 8;
	memcpy(addr_gpa2hva(vm, regs.rsp), &ret_addr, sizeof(ret_addr));
	regs.rip = (u64)(unsigned long)guest_code;
	/*
	 * Interrupts on: nothing reaches the guest unless a test injects it,
	 * and Bochs takes external-interrupt exits from a guest entered with
	 * IF=0 only once the guest sets IF (its interrupt mask is recomputed
	 * on IF changes only), so a spinning IF=0 guest stalls the machine.
	 */
	regs.rflags = X86_EFLAGS_FIXED | X86_EFLAGS_IF;
	vcpu_regs_set(vcpu, &regs);
}

void vcpu_setup_real_mode(struct mhv_vcpu *vcpu, u16 seg, u16 ip)
{
	struct mhv_sregs sregs;
	struct mhv_regs regs;

	vcpu_sregs_get(vcpu, &sregs);
	seg_set(&sregs.cs, seg, (u64)seg << 4, 0xffff, AR_CODE16);
	seg_set(&sregs.ds, seg, (u64)seg << 4, 0xffff, AR_DATA16);
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	vcpu_sregs_set(vcpu, &sregs);

	vcpu_regs_get(vcpu, &regs);
	regs.rip = ip;
	regs.rflags = X86_EFLAGS_FIXED;
	vcpu_regs_set(vcpu, &regs);
}

static int dump_seg(char *buf, size_t len, const char *name,
		    const struct mhv_segment *s)
{
	return snprintf(buf, len, "%-3s sel %#x base %#llx limit %#x ar %#x\n",
			name, s->selector, s->base, s->limit, s->ar);
}

static size_t describe_state(struct mhv_vcpu *vcpu, char *buf, size_t len)
{
	struct mhv_sregs s;
	struct mhv_regs r;
	size_t n = 0;

#define ADD(fn, ...) do {						\
	if (n < len)							\
		n += fn(buf + n, len - n, ##__VA_ARGS__);		\
} while (0)
	if (ioctl(vcpu->fd, MHV_GET_REGS, &r) ||
	    ioctl(vcpu->fd, MHV_GET_SREGS, &s)) {
		ADD(snprintf, "(registers unavailable: %m)\n");
		return n;
	}
	ADD(snprintf, "rip %#llx rflags %#llx rsp %#llx rbp %#llx\n",
	    r.rip, r.rflags, r.rsp, r.rbp);
	ADD(snprintf, "rax %#llx rbx %#llx rcx %#llx rdx %#llx rsi %#llx rdi %#llx\n",
	    r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi);
	ADD(snprintf, "r8 %#llx r9 %#llx r10 %#llx r11 %#llx\n", r.r8, r.r9, r.r10, r.r11);
	ADD(snprintf, "r12 %#llx r13 %#llx r14 %#llx r15 %#llx\n", r.r12, r.r13, r.r14, r.r15);
	ADD(snprintf, "cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx efer %#llx\n",
	    s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	ADD(dump_seg, "cs", &s.cs);
	ADD(dump_seg, "ds", &s.ds);
	ADD(dump_seg, "ss", &s.ss);
	ADD(dump_seg, "tr", &s.tr);
	ADD(snprintf, "gdt %#llx/%#x idt %#llx/%#x\n",
	    s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
#undef ADD
	return n < len ? n : len;
}

const char *vcpu_describe_exit(struct mhv_vcpu *vcpu)
{
	struct mhv_run *run = vcpu->run;
	char *buf = vcpu->why;
	size_t len = sizeof(vcpu->why), n;

	n = snprintf(buf, len, "exit %s (%u)", exit_reason_str(run->exit_reason),
		     run->exit_reason);
	if (n >= len)
		return buf;
	switch (run->exit_reason) {
	case MHV_EXIT_IO:
		n += snprintf(buf + n, len - n, ": %s port %#x size %u data %#llx",
			      run->io.direction == MHV_EXIT_IO_OUT ? "out" : "in",
			      run->io.port, run->io.size, run->io.data);
		break;
	case MHV_EXIT_MMIO:
		n += snprintf(buf + n, len - n, ": %s gpa %#llx len %u data %#llx",
			      run->mmio.is_write ? "write" : "read",
			      run->mmio.phys_addr, run->mmio.len, run->mmio.data);
		break;
	case MHV_EXIT_HYPERCALL:
		n += snprintf(buf + n, len - n, ": nr %#llx args %#llx %#llx %#llx %#llx %#llx",
			      run->hypercall.nr, run->hypercall.args[0],
			      run->hypercall.args[1], run->hypercall.args[2],
			      run->hypercall.args[3], run->hypercall.args[4]);
		break;
	case MHV_EXIT_FAIL_ENTRY:
		n += snprintf(buf + n, len - n, ": vm_instruction_error %u exit %#x qual %#llx",
			      run->fail_entry.vm_instruction_error,
			      run->fail_entry.exit_reason,
			      run->fail_entry.exit_qualification);
		break;
	case MHV_EXIT_INTERNAL_ERROR:
		n += snprintf(buf + n, len - n, ": suberror %u vmx exit %u qual %#llx gpa %#llx",
			      run->internal.suberror, run->internal.exit_reason,
			      run->internal.exit_qualification,
			      run->internal.guest_phys_addr);
		break;
	}
	if (n + 1 < len) {
		buf[n++] = '\n';
		describe_state(vcpu, buf + n, len - n);
	}
	return buf;
}

void vcpu_dump(FILE *f, struct mhv_vcpu *vcpu)
{
	fprintf(f, "# vCPU %u: %s\n", vcpu->id, vcpu_describe_exit(vcpu));
}
