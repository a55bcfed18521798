// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPUs of mhvctl run: one thread each (vCPU 0 on the main thread), each
 * looping on MHV_RUN and handling its exits. The devices are shared, so an
 * exit is handled under the VM's lock, which also keeps the console in order.
 * Whichever vCPU ends the VM (vm_stop) kicks the others out of MHV_RUN with
 * SIGUSR1: its handler sets the thread's immediate_exit, which makes an entry
 * that races with the kick return at once.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm.h"

#define MHVCTL_HC_UNKNOWN	(~0ULL)	/* RAX after a hypercall mhvctl does not know */

static __thread struct vcpu *thread_vcpu;
static atomic_int got_alarm, got_int;

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		atomic_store(&got_alarm, 1);
	else if (sig != SIGUSR1)
		atomic_store(&got_int, 1);
	/* Makes the next (or the current, once interrupted) MHV_RUN return at once. */
	if (thread_vcpu)
		thread_vcpu->run->immediate_exit = 1;
}

static void kick_all(struct vm *vm)
{
	pthread_t self = pthread_self();
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpu[i].started && !pthread_equal(vm->vcpu[i].thread, self))
			pthread_kill(vm->vcpu[i].thread, SIGUSR1);
}

/* With vm->lock held; the first reason to stop wins. */
void vm_stop(struct vm *vm, int status, const char *result, const char *fmt, ...)
{
	va_list ap;

	if (atomic_load(&vm->stop))
		return;
	vm->status = status;
	vm->result = result;
	va_start(ap, fmt);
	vsnprintf(vm->message, sizeof(vm->message), fmt, ap);
	va_end(ap);
	vm->stopped_by = thread_vcpu ? thread_vcpu->id : 0;
	atomic_store(&vm->stop, true);
	kick_all(vm);
}

/* Exit handlers, by mhv_run.exit_reason. Each either continues or calls vm_stop(). */

static void exit_io(struct vcpu *c)
{
	iobus_io(c->vm, c->run);
}

static void exit_mmio(struct vcpu *c)
{
	iobus_mmio(c->vm, c->run);
}

static void exit_hlt(struct vcpu *c)
{
	/* Without local APICs nothing raises interrupts: a halted guest would sleep forever. */
	vm_stop(c->vm, MHVCTL_EXIT_HALT, "halt", "guest halted");
}

static void exit_hypercall(struct vcpu *c)
{
	if (c->vm->trace)
		fprintf(stderr, "mhvctl: trace: hypercall %llu\n", c->run->hypercall.nr);
	/* mhvctl offers no hypercalls of its own. */
	c->run->hypercall.ret = MHVCTL_HC_UNKNOWN;
}

static void exit_shutdown(struct vcpu *c)
{
	vm_stop(c->vm, MHVCTL_EXIT_SHUTDOWN, "shutdown",
		"guest triple-faulted (shutdown): an exception it could not handle");
}

static const char *vm_instruction_error(unsigned int e)
{
	switch (e) {
	case 7: return "invalid control fields";
	case 8: return "invalid host-state fields";
	case 26: return "events blocked by MOV SS";
	}
	return "see the SDM, VM-instruction error numbers";
}

static void exit_fail_entry(struct vcpu *c)
{
	struct mhv_run *r = c->run;
	unsigned int reason = r->fail_entry.exit_reason & 0xffff;

	if (r->fail_entry.vm_instruction_error)
		vm_stop(c->vm, MHVCTL_EXIT_VMFAIL, "fail-entry",
			"VM entry failed: VM-instruction error %u (%s)",
			r->fail_entry.vm_instruction_error,
			vm_instruction_error(r->fail_entry.vm_instruction_error));
	else
		vm_stop(c->vm, MHVCTL_EXIT_VMFAIL, "fail-entry",
			"VM entry failed: exit reason %u (%s), qualification %#llx",
			reason, reason == 33 ? "invalid guest state" :
			reason == 34 ? "MSR loading" : "machine check",
			r->fail_entry.exit_qualification);
}

static void exit_internal(struct vcpu *c)
{
	struct mhv_run *r = c->run;
	const char *name = vmx_exit_name(r->internal.exit_reason);

	static const char *const why[] = {
		[MHV_INTERNAL_UNHANDLED_EXIT] = "unhandled exit",
		[MHV_INTERNAL_EMULATION] = "MMIO instruction it cannot decode",
		[MHV_INTERNAL_EPT_MISCONFIG] = "EPT misconfiguration",
		[MHV_INTERNAL_DELIVERY_EVENT] = "MMIO touched while delivering an event",
		[MHV_INTERNAL_TLB_FLUSH] = "a TLB flush failed, the vCPU is stopped",
	};
	u32 sub = r->internal.suberror;

	vm_stop(c->vm, MHVCTL_EXIT_VMFAIL, "internal-error",
		"mhv could not handle an exit: %s, VMX exit reason %u (%s), qual %#llx, gpa %#llx",
		sub < ARRAY_SIZE(why) && why[sub] ? why[sub] : "unknown suberror",
		r->internal.exit_reason, name ? name : "?", r->internal.exit_qualification,
		r->internal.guest_phys_addr);
}

static void exit_intr(struct vcpu *c)
{
	c->run->immediate_exit = 0;
}

static void exit_pmem_lost(struct vcpu *c)
{
	vm_stop(c->vm, MHVCTL_EXIT_VMFAIL, "pmem-lost",
		"a pmem namespace behind the guest went away (disabled or reconfigured)");
}

static void (*const exit_handlers[])(struct vcpu *c) = {
	[MHV_EXIT_HLT] = exit_hlt,
	[MHV_EXIT_IO] = exit_io,
	[MHV_EXIT_MMIO] = exit_mmio,
	[MHV_EXIT_HYPERCALL] = exit_hypercall,
	[MHV_EXIT_SHUTDOWN] = exit_shutdown,
	[MHV_EXIT_FAIL_ENTRY] = exit_fail_entry,
	[MHV_EXIT_INTR] = exit_intr,
	[MHV_EXIT_INTERNAL_ERROR] = exit_internal,
	[MHV_EXIT_PMEM_LOST] = exit_pmem_lost,
};

/* SIGALRM (--timeout) and SIGINT/SIGTERM reach the main thread only. */
static void check_signals(struct vm *vm, unsigned int timeout)
{
	if (!atomic_load(&got_alarm) && !atomic_load(&got_int))
		return;
	pthread_mutex_lock(&vm->lock);
	if (atomic_load(&got_alarm))
		vm_stop(vm, MHVCTL_EXIT_TIMEOUT, "timeout", "timeout: the guest ran for %u s",
			timeout);
	else
		vm_stop(vm, MHVCTL_EXIT_INTERRUPTED, "interrupted", "interrupted by a signal");
	pthread_mutex_unlock(&vm->lock);
}

static void vcpu_loop(struct vcpu *c, unsigned int timeout)
{
	struct vm *vm = c->vm;
	struct mhv_run *r = c->run;

	thread_vcpu = c;
	while (!atomic_load(&vm->stop)) {
		if (c->id == 0)
			check_signals(vm, timeout);
		if (atomic_load(&vm->stop))
			break;
		if (ioctl(c->fd, MHV_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			pthread_mutex_lock(&vm->lock);
			vm_stop(vm, MHVCTL_EXIT_ERROR, "error", "vCPU %u: MHV_RUN: %s", c->id,
				strerror(errno));
			pthread_mutex_unlock(&vm->lock);
			break;
		}
		pthread_mutex_lock(&vm->lock);
		if (r->exit_reason < ARRAY_SIZE(exit_handlers) && exit_handlers[r->exit_reason])
			exit_handlers[r->exit_reason](c);
		else
			vm_stop(vm, MHVCTL_EXIT_VMFAIL, "error", "unknown exit reason %u from mhv",
				r->exit_reason);
		pthread_mutex_unlock(&vm->lock);
	}
	thread_vcpu = NULL;
}

static void *ap_thread(void *arg)
{
	struct vcpu *c = arg;

	vcpu_loop(c, 0);
	return NULL;
}

/*
 * Runs every vCPU until one ends the VM; returns once all have stopped.
 * vCPU 0 runs here, so the timeout and the user's signals land on it.
 */
void vm_run(struct vm *vm, unsigned int timeout)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t ap_mask, old;
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	/* The APs inherit a mask that lets only the kick through. */
	sigemptyset(&ap_mask);
	sigaddset(&ap_mask, SIGALRM);
	sigaddset(&ap_mask, SIGINT);
	sigaddset(&ap_mask, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &ap_mask, &old);
	vm->vcpu[0].thread = pthread_self();
	vm->vcpu[0].started = true;
	pthread_mutex_lock(&vm->lock);
	for (i = 1; i < vm->nr_vcpus; i++) {
		if (pthread_create(&vm->vcpu[i].thread, NULL, ap_thread, &vm->vcpu[i])) {
			vm_stop(vm, MHVCTL_EXIT_ERROR, "error", "cannot start vCPU %u's thread", i);
			break;
		}
		vm->vcpu[i].started = true;
	}
	pthread_mutex_unlock(&vm->lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	if (timeout)
		alarm(timeout);
	vcpu_loop(&vm->vcpu[0], timeout);
	alarm(0);
	for (i = 1; i < vm->nr_vcpus; i++)
		if (vm->vcpu[i].started)
			pthread_join(vm->vcpu[i].thread, NULL);
}
