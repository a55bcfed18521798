// SPDX-License-Identifier: GPL-2.0
/* The /dev/mhv back end of mhv-bench (uapi/mhv.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "uapi/mhv.h"
#include "bench.h"

#define PMEM_REGION_NAME	"mhv-bench"

struct bench_vm {
	int dev, fd, vcpu;
	struct mhv_run *run;
	long run_size;
};

static struct bench_vm *mhv_vm_create(void)
{
	const struct mhv_vm_config cfg = { 0 };
	struct bench_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->fd = -1;
	vm->vcpu = -1;
	vm->dev = open("/dev/mhv", O_RDWR | O_CLOEXEC);
	if (vm->dev < 0)
		goto fail;
	vm->fd = ioctl(vm->dev, MHV_CREATE_VM, &cfg);
	if (vm->fd < 0)
		goto fail;
	return vm;
fail:
	if (vm->dev >= 0)
		close(vm->dev);
	free(vm);
	return NULL;
}

static int mhv_add_mem(struct bench_vm *vm, u32 slot, u64 gpa, u64 size, void *hva)
{
	struct mhv_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .size = size,
		.userspace_addr = (unsigned long)hva,
	};

	return ioctl(vm->fd, MHV_SET_MEMORY_REGION, &r) ? -errno : 0;
}

/*
 * A named region on the namespace, made once (format and create are
 * persistent), attached at @gpa.
 */
static int mhv_add_pmem(struct bench_vm *vm, u32 slot, u64 gpa, u64 size,
			const char *dev, char *why, size_t why_len)
{
	struct mhv_pmem_region reg = { .size = size };
	struct mhv_pmem_attach at = { .guest_phys_addr = gpa };
	struct mhv_pmem_format fmt = { 0 };
	int ns, ret = 0;

	(void)slot;	/* mhv's pmem is its own mapping, not a memory slot */
	ns = open(dev, O_RDWR | O_CLOEXEC);
	if (ns < 0) {
		snprintf(why, why_len, "open %s: %s", dev, strerror(errno));
		return -errno;
	}
	reg.fd = ns;
	at.fd = ns;
	fmt.fd = ns;
	strncpy(reg.name, PMEM_REGION_NAME, sizeof(reg.name) - 1);
	strncpy(at.name, PMEM_REGION_NAME, sizeof(at.name) - 1);
	if (ioctl(vm->dev, MHV_PMEM_CREATE, &reg) && errno != EEXIST) {
		/* A namespace without a table yet: write an empty one and retry. */
		if (ioctl(vm->dev, MHV_PMEM_FORMAT, &fmt) ||
		    (ioctl(vm->dev, MHV_PMEM_CREATE, &reg) && errno != EEXIST)) {
			ret = -errno;
			snprintf(why, why_len, "MHV_PMEM_FORMAT/CREATE on %s: %s", dev,
				 strerror(errno));
			goto out;
		}
	}
	if (ioctl(vm->fd, MHV_ATTACH_PMEM, &at)) {
		ret = -errno;
		snprintf(why, why_len, "MHV_ATTACH_PMEM: %s", strerror(errno));
		goto out;
	}
	if (at.size < size) {
		ret = -ENOSPC;
		snprintf(why, why_len, "region %s is %llu bytes", PMEM_REGION_NAME,
			 (unsigned long long)at.size);
	}
out:
	close(ns);
	return ret;
}

static int mhv_vcpu_create(struct bench_vm *vm)
{
	vm->run_size = ioctl(vm->dev, MHV_GET_VCPU_MMAP_SIZE);
	if (vm->run_size <= 0)
		return -errno;
	vm->vcpu = ioctl(vm->fd, MHV_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		return -errno;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return -errno;
	}
	return 0;
}

static void seg(struct mhv_segment *s, u32 limit, u32 ar)
{
	memset(s, 0, sizeof(*s));
	s->limit = limit;
	s->ar = ar;
}

static int mhv_set_sregs(struct bench_vm *vm)
{
	struct mhv_sregs s;

	if (ioctl(vm->vcpu, MHV_GET_SREGS, &s))
		return -errno;
	seg(&s.cs, 0xffff, 0x9b);
	/* Unreal mode: present, writable, accessed, 4 KiB granular. */
	seg(&s.ds, 0xffffffff, 0x8093);
	s.es = s.ds;
	s.fs = s.ds;
	s.gs = s.ds;
	seg(&s.ss, 0xffff, 0x93);
	s.cr0 = 0x10;	/* ET: caches on, as after the BIOS */
	s.cr4 = 0;
	s.efer = 0;
	return ioctl(vm->vcpu, MHV_SET_SREGS, &s) ? -errno : 0;
}

static int mhv_set_regs(struct bench_vm *vm, const struct bench_regs *r)
{
	struct mhv_regs regs = {
		.rax = r->eax, .rbx = r->ebx, .rcx = r->ecx, .rdx = r->edx,
		.rsi = r->esi, .rdi = r->edi, .rbp = r->ebp, .rip = r->eip,
		.rflags = 2,
	};

	return ioctl(vm->vcpu, MHV_SET_REGS, &regs) ? -errno : 0;
}

static int mhv_get_regs(struct bench_vm *vm, struct bench_regs *r)
{
	struct mhv_regs regs;

	if (ioctl(vm->vcpu, MHV_GET_REGS, &regs))
		return -errno;
	r->eax = regs.rax;
	r->ebx = regs.rbx;
	r->ecx = regs.rcx;
	r->edx = regs.rdx;
	r->esi = regs.rsi;
	r->edi = regs.rdi;
	r->ebp = regs.rbp;
	r->eip = regs.rip;
	return 0;
}

static int mhv_run(struct bench_vm *vm, struct bench_exit *e)
{
	if (ioctl(vm->vcpu, MHV_RUN, 0))
		return -errno;
	e->raw_reason = vm->run->exit_reason;
	e->kind = BENCH_EXIT_OTHER;
	if (vm->run->exit_reason == MHV_EXIT_HLT) {
		e->kind = BENCH_EXIT_HLT;
	} else if (vm->run->exit_reason == MHV_EXIT_IO &&
		   vm->run->io.direction == MHV_EXIT_IO_OUT) {
		e->kind = BENCH_EXIT_OUT;
		e->port = vm->run->io.port;
		e->data = vm->run->io.data;
	}
	return 0;
}

static int mhv_ept_stats(struct bench_vm *vm, u64 *faults, u64 *pages)
{
	struct mhv_vm_stats st;

	if (ioctl(vm->fd, MHV_GET_VM_STATS, &st))
		return -errno;
	*faults = st.ept_faults;
	*pages = st.pages_mapped + st.pmem_pages_mapped;
	return 0;
}

static int mhv_exit_count(struct bench_vm *vm, u64 *exits)
{
	struct mhv_vcpu_stats st;

	if (ioctl(vm->vcpu, MHV_GET_VCPU_STATS, &st))
		return -errno;
	*exits = st.exits;
	return 0;
}

static void mhv_vm_destroy(struct bench_vm *vm)
{
	if (!vm)
		return;
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	close(vm->fd);
	close(vm->dev);
	free(vm);
}

const struct bench_backend bench_mhv = {
	.name = "mhv",
	.dev = "/dev/mhv",
	.hc_name = "MHV_HC_NOP",
	.hc_nop = MHV_HC_NOP,
	.vm_create = mhv_vm_create,
	.add_mem = mhv_add_mem,
	.add_pmem = mhv_add_pmem,
	.vcpu_create = mhv_vcpu_create,
	.set_sregs = mhv_set_sregs,
	.set_regs = mhv_set_regs,
	.get_regs = mhv_get_regs,
	.run = mhv_run,
	.ept_stats = mhv_ept_stats,
	.exit_count = mhv_exit_count,
	.vm_destroy = mhv_vm_destroy,
};
