// SPDX-License-Identifier: GPL-2.0
/*
 * ucall: the guest half sends a struct ucall through an OUT to
 * MHV_UCALL_PORT with RDI pointing at it; the host half finds it in guest
 * memory after the I/O exit and explains it.
 */
#include <string.h>
#include <sys/ioctl.h>

#include "mhv_util.h"

/* Guest ------------------------------------------------------------------ */

/* Field by field: the compiler must not turn this into a libc memset. */
static void ucall_send(u64 cmd, u64 a0, u64 a1, u64 a2, u64 a3, u64 nargs,
		       const char *file, u64 line, const char *expr)
{
	struct ucall uc;

	uc.cmd = cmd;
	uc.args[0] = a0;
	uc.args[1] = a1;
	uc.args[2] = a2;
	uc.args[3] = a3;
	uc.nargs = nargs;
	uc.file = (u64)(unsigned long)file;
	uc.line = line;
	uc.expr = (u64)(unsigned long)expr;
	asm volatile("outl %%eax, %[port]"
		     : : "a"((u32)cmd), "D"(&uc), [port] "i"(MHV_UCALL_PORT)
		     : "memory");
}

void ucall(u64 cmd, u64 a0, u64 a1, u64 a2, u64 a3)
{
	ucall_send(cmd, a0, a1, a2, a3, 0, NULL, 0, NULL);
}

void ucall_assert(const char *file, u64 line, const char *expr, u64 nargs,
		  u64 a0, u64 a1)
{
	ucall_send(UCALL_ABORT, a0, a1, 0, 0, nargs, file, line, expr);
	/* The host does not resume a failed guest; if it does, stop here. */
	for (;;)
		halt();
}

/* Host ------------------------------------------------------------------- */

/* A string in guest memory, bounded by its slot. */
static const char *guest_str(struct mhv_vm *vm, u64 gva)
{
	unsigned int i;

	for (i = 0; i < MHV_MAX_SLOTS; i++) {
		struct mhv_slot_info *s = &vm->slots[i];
		const char *p;

		if (!s->used || gva < s->gpa || gva - s->gpa >= s->size)
			continue;
		p = (const char *)s->hva + (gva - s->gpa);
		if (memchr(p, 0, s->size - (gva - s->gpa)))
			return p;
	}
	return "?";
}

static bool ucall_in_guest(struct mhv_vm *vm, u64 gpa)
{
	struct mhv_slot_info *s = &vm->slots[0];

	return s->used && gpa >= s->gpa && gpa - s->gpa <= s->size - sizeof(struct ucall);
}

u64 get_ucall(struct mhv_vcpu *vcpu, struct ucall *uc)
{
	struct mhv_run *run = vcpu->run;
	struct mhv_regs regs;
	size_t n;

	memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != MHV_EXIT_IO || run->io.port != MHV_UCALL_PORT ||
	    run->io.direction != MHV_EXIT_IO_OUT || run->io.size != 4) {
		vcpu_describe_exit(vcpu);
		return UCALL_NONE;
	}
	vcpu_regs_get(vcpu, &regs);
	if (!ucall_in_guest(vcpu->vm, regs.rdi)) {
		snprintf(vcpu->why, sizeof(vcpu->why),
			 "ucall with RDI %#llx outside slot 0", regs.rdi);
		return UCALL_NONE;
	}
	memcpy(uc, addr_gpa2hva(vcpu->vm, regs.rdi), sizeof(*uc));

	switch (uc->cmd) {
	case UCALL_SYNC:
		snprintf(vcpu->why, sizeof(vcpu->why),
			 "ucall SYNC %#llx %#llx %#llx %#llx",
			 uc->args[0], uc->args[1], uc->args[2], uc->args[3]);
		break;
	case UCALL_DONE:
		snprintf(vcpu->why, sizeof(vcpu->why), "ucall DONE");
		break;
	case UCALL_ABORT:
		n = snprintf(vcpu->why, sizeof(vcpu->why),
			     "guest assertion failed at %s:%llu: %s",
			     guest_str(vcpu->vm, uc->file), uc->line,
			     guest_str(vcpu->vm, uc->expr));
		if (uc->nargs == 2 && n < sizeof(vcpu->why))
			snprintf(vcpu->why + n, sizeof(vcpu->why) - n,
				 " (%#llx vs %#llx)", uc->args[0], uc->args[1]);
		break;
	case UCALL_UNHANDLED:
		snprintf(vcpu->why, sizeof(vcpu->why),
			 "guest exception %llu without a handler, error code %#llx, rip %#llx",
			 uc->args[0], uc->args[1], uc->args[2]);
		break;
	default:
		snprintf(vcpu->why, sizeof(vcpu->why), "unknown ucall %llu", uc->cmd);
		break;
	}
	return uc->cmd;
}

u64 vcpu_run_ucall(struct mhv_vcpu *vcpu, struct ucall *uc)
{
	vcpu_run(vcpu);
	return get_ucall(vcpu, uc);
}
