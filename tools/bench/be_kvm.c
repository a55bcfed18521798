// SPDX-License-Identifier: GPL-2.0
/* The /dev/kvm back end of mhv-bench (<linux/kvm.h>), set up as a VMM would. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>

#include "bench.h"

#define MAX_CPUID	128

struct bench_vm {
	int dev, fd, vcpu;
	struct kvm_run *run;
	long run_size;
	void *pmem;
	u64 pmem_size;
};

static struct bench_vm *kvm_vm_create(void)
{
	struct bench_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->fd = -1;
	vm->vcpu = -1;
	vm->dev = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->dev < 0)
		goto fail;
	vm->fd = ioctl(vm->dev, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		goto fail;
	return vm;
fail:
	if (vm->dev >= 0)
		close(vm->dev);
	free(vm);
	return NULL;
}

static int kvm_add_mem(struct bench_vm *vm, u32 slot, u64 gpa, u64 size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (unsigned long)hva,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

/* pmem the way QEMU gives it to KVM: a shared mapping of the DAX device as RAM. */
static int kvm_add_pmem(struct bench_vm *vm, u32 slot, u64 gpa, u64 size,
			const char *dev, char *why, size_t why_len)
{
	int fd, ret;
	void *p;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, why_len, "open %s: %s", dev, strerror(errno));
		return -errno;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ret = -errno;
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(why, why_len, "mmap %s: %s", dev, strerror(-ret));
		return ret;
	}
	vm->pmem = p;
	vm->pmem_size = size;
	ret = kvm_add_mem(vm, slot, gpa, size, p);
	if (ret)
		snprintf(why, why_len, "KVM_SET_USER_MEMORY_REGION: %s", strerror(-ret));
	return ret;
}

/* The host's supported CPUID, as QEMU -cpu host would give the guest. */
static int set_cpuid(struct bench_vm *vm)
{
	struct kvm_cpuid2 *c;
	int ret = 0;

	c = calloc(1, sizeof(*c) + MAX_CPUID * sizeof(c->entries[0]));
	if (!c)
		return -ENOMEM;
	c->nent = MAX_CPUID;
	if (ioctl(vm->dev, KVM_GET_SUPPORTED_CPUID, c) ||
	    ioctl(vm->vcpu, KVM_SET_CPUID2, c))
		ret = -errno;
	free(c);
	return ret;
}

static int kvm_vcpu_create(struct bench_vm *vm)
{
	vm->run_size = ioctl(vm->dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0)
		return -errno;
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		return -errno;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return -errno;
	}
	return set_cpuid(vm);
}

static void seg(struct kvm_segment *s, u32 limit, u8 type, u8 g)
{
	memset(s, 0, sizeof(*s));
	s->limit = limit;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = g;
}

static int kvm_set_sregs(struct bench_vm *vm)
{
	struct kvm_sregs s;

	if (ioctl(vm->vcpu, KVM_GET_SREGS, &s))
		return -errno;
	seg(&s.cs, 0xffff, 0xb, 0);
	/* Unreal mode: present, writable, accessed, 4 KiB granular. */
	seg(&s.ds, 0xffffffff, 0x3, 1);
	s.es = s.ds;
	s.fs = s.ds;
	s.gs = s.ds;
	seg(&s.ss, 0xffff, 0x3, 0);
	s.cr0 = 0x10;
	s.cr4 = 0;
	s.efer = 0;
	return ioctl(vm->vcpu, KVM_SET_SREGS, &s) ? -errno : 0;
}

static int kvm_set_regs(struct bench_vm *vm, const struct bench_regs *r)
{
	struct kvm_regs regs = {
		.rax = r->eax, .rbx = r->ebx, .rcx = r->ecx, .rdx = r->edx,
		.rsi = r->esi, .rdi = r->edi, .rbp = r->ebp, .rip = r->eip,
		.rflags = 2,
	};

	return ioctl(vm->vcpu, KVM_SET_REGS, &regs) ? -errno : 0;
}

static int kvm_get_regs(struct bench_vm *vm, struct bench_regs *r)
{
	struct kvm_regs regs;

	if (ioctl(vm->vcpu, KVM_GET_REGS, &regs))
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

static int kvm_run(struct bench_vm *vm, struct bench_exit *e)
{
	struct kvm_run *run = vm->run;

	if (ioctl(vm->vcpu, KVM_RUN, 0))
		return -errno;
	e->raw_reason = run->exit_reason;
	e->kind = BENCH_EXIT_OTHER;
	if (run->exit_reason == KVM_EXIT_HLT) {
		e->kind = BENCH_EXIT_HLT;
	} else if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT &&
		   run->io.size == 1 && run->io.count == 1) {
		e->kind = BENCH_EXIT_OUT;
		e->port = run->io.port;
		e->data = *((u8 *)run + run->io.data_offset);
	}
	return 0;
}

/* Sum of the named u64 statistics in a KVM binary stats fd (KVM_GET_STATS_FD). */
static int stats_read(int obj_fd, const char *const *names, const u64 *weights,
		      unsigned int n, u64 *sum)
{
	struct kvm_stats_header h;
	size_t dsize;
	char *descs = NULL;
	int fd, ret = -ENOENT;
	unsigned int i, k;

	fd = ioctl(obj_fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return -errno;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h))
		goto out;
	dsize = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = malloc(dsize * h.num_desc);
	if (!descs || pread(fd, descs, dsize * h.num_desc, h.desc_offset) !=
	    (ssize_t)(dsize * h.num_desc))
		goto out;
	*sum = 0;
	for (k = 0; k < n; k++) {
		for (i = 0; i < h.num_desc; i++) {
			struct kvm_stats_desc *d = (void *)(descs + i * dsize);
			u64 v;

			if (strcmp(d->name, names[k]))
				continue;
			if (pread(fd, &v, sizeof(v), h.data_offset + d->offset) != sizeof(v))
				goto out;
			*sum += v * weights[k];
			break;
		}
		if (i == h.num_desc)
			goto out;
	}
	ret = 0;
out:
	free(descs);
	close(fd);
	return ret;
}

static int kvm_ept_stats(struct bench_vm *vm, u64 *faults, u64 *pages)
{
	static const char *const fault_names[] = { "pf_taken" };
	static const char *const page_names[] = { "pages_4k", "pages_2m" };
	static const u64 one[] = { 1 }, page_weights[] = { 1, 512 };
	int ret;

	ret = stats_read(vm->vcpu, fault_names, one, 1, faults);
	if (!ret)
		ret = stats_read(vm->fd, page_names, page_weights, 2, pages);
	return ret;
}

static int kvm_exit_count(struct bench_vm *vm, u64 *exits)
{
	static const char *const names[] = { "exits" };
	static const u64 one[] = { 1 };

	return stats_read(vm->vcpu, names, one, 1, exits);
}

static void kvm_vm_destroy(struct bench_vm *vm)
{
	if (!vm)
		return;
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	close(vm->fd);
	close(vm->dev);
	if (vm->pmem)
		munmap(vm->pmem, vm->pmem_size);
	free(vm);
}

const struct bench_backend bench_kvm = {
	.name = "kvm",
	.dev = "/dev/kvm",
	.hc_name = "KVM_HC_VAPIC_POLL_IRQ",
	/* Its no-op: returns 0 in RAX without leaving the kernel. */
	.hc_nop = KVM_HC_VAPIC_POLL_IRQ,
	.vm_create = kvm_vm_create,
	.add_mem = kvm_add_mem,
	.add_pmem = kvm_add_pmem,
	.vcpu_create = kvm_vcpu_create,
	.set_sregs = kvm_set_sregs,
	.set_regs = kvm_set_regs,
	.get_regs = kvm_get_regs,
	.run = kvm_run,
	.ept_stats = kvm_ept_stats,
	.exit_count = kvm_exit_count,
	.vm_destroy = kvm_vm_destroy,
};
