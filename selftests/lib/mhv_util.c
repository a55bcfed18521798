// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of the selftest library: /dev/mhv, VMs, memory slots and
 * vCPUs, thin wrappers over the ioctls of uapi/mhv.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mhv_util.h"

void __mhv_die(const char *file, int line, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "# %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d: %s)\n", err, strerror(err));
	abort();
}

s64 ns_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000000000LL + now.tv_nsec - t->tv_nsec;
}

int sysfs_write(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		ret = -EIO;
	/* The kernel's answer to the write comes with the flush. */
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

int sysfs_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = -EIO;
	else
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
	return ret;
}

int mhv_open_dev(void)
{
	int fd = open(MHV_DEV_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open %s (is mhv.ko loaded?)", MHV_DEV_PATH);
	return fd;
}

int mhv_vcpu_mmap_size(int dev_fd)
{
	int size = ioctl(dev_fd, MHV_GET_VCPU_MMAP_SIZE, 0);

	if (size < (int)sizeof(struct mhv_run))
		die("MHV_GET_VCPU_MMAP_SIZE returned %d", size);
	return size;
}

void mhv_get_vmx_caps(struct mhv_vmx_caps *caps)
{
	int fd = mhv_open_dev();

	if (ioctl(fd, MHV_GET_VMX_CAPS, caps))
		die("MHV_GET_VMX_CAPS");
	close(fd);
}

int __vm_create(int dev_fd, const struct mhv_vm_config *cfg)
{
	return ioctl(dev_fd, MHV_CREATE_VM, cfg);
}

struct mhv_vm *vm_create_config(const struct mhv_vm_config *cfg, u64 mem_size)
{
	struct mhv_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		die("calloc");
	vm->dev_fd = mhv_open_dev();
	vm->run_size = mhv_vcpu_mmap_size(vm->dev_fd);
	vm->fd = __vm_create(vm->dev_fd, cfg);
	if (vm->fd < 0)
		die("MHV_CREATE_VM");
	if (mem_size)
		vm_mem_region_add(vm, 0, 0, 0, mem_size);
	return vm;
}

struct mhv_vm *vm_create(u64 mem_size)
{
	const struct mhv_vm_config cfg = { 0 };

	return vm_create_config(&cfg, mem_size);
}

struct mhv_vm *vm_create_with_one_vcpu(struct mhv_vcpu **vcpu, void *guest_code)
{
	struct mhv_vm *vm = vm_create(MHV_DEFAULT_MEM_SIZE);

	vm_setup_long_mode(vm);
	*vcpu = vm_vcpu_add(vm, 0);
	vcpu_setup_long_mode(*vcpu, guest_code);
	return vm;
}

void vm_free(struct mhv_vm *vm)
{
	unsigned int i;

	if (!vm)
		return;
	for (i = 0; i < MHV_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vcpu_free(vm->vcpus[i]);
	if (vm->fd >= 0)
		close(vm->fd);
	for (i = 0; i < MHV_MAX_SLOTS; i++)
		if (vm->slots[i].used && vm->slots[i].owned)
			munmap(vm->slots[i].hva, vm->slots[i].size);
	close(vm->dev_fd);
	free(vm);
}

int __vm_set_memory_region(struct mhv_vm *vm, u32 slot, u32 flags, u64 gpa,
			   u64 size, void *hva)
{
	struct mhv_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = (u64)(unsigned long)hva,
	};

	return ioctl(vm->fd, MHV_SET_MEMORY_REGION, &r);
}

void vm_set_memory_region(struct mhv_vm *vm, u32 slot, u32 flags, u64 gpa,
			  u64 size, void *hva)
{
	struct mhv_slot_info *s;

	if (slot >= MHV_MAX_SLOTS)
		die("slot %u out of range", slot);
	if (__vm_set_memory_region(vm, slot, flags, gpa, size, hva))
		die("MHV_SET_MEMORY_REGION slot %u gpa %#llx size %#llx",
		    slot, gpa, size);
	s = &vm->slots[slot];
	if (s->used && s->owned && s->hva != hva)
		munmap(s->hva, s->size);
	s->used = size != 0;
	s->owned = false;
	s->flags = flags;
	s->gpa = gpa;
	s->size = size;
	s->hva = hva;
}

void *vm_mem_region_add(struct mhv_vm *vm, u32 slot, u32 flags, u64 gpa, u64 size)
{
	void *hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (hva == MAP_FAILED)
		die("mmap %#llx bytes", size);
	vm_set_memory_region(vm, slot, flags, gpa, size, hva);
	vm->slots[slot].owned = true;
	return hva;
}

void *addr_gpa2hva(struct mhv_vm *vm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < MHV_MAX_SLOTS; i++) {
		struct mhv_slot_info *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return (char *)s->hva + (gpa - s->gpa);
	}
	die("GPA %#llx is in no memory slot", gpa);
}

void __sync_global(struct mhv_vm *vm, void *g, size_t size, bool to_guest)
{
	void *twin = addr_gva2hva(vm, g);

	if (to_guest)
		memcpy(twin, g, size);
	else
		memcpy(g, twin, size);
}

int __vm_vcpu_add(struct mhv_vm *vm, u32 id)
{
	return ioctl(vm->fd, MHV_CREATE_VCPU, (unsigned long)id);
}

struct mhv_vcpu *vm_vcpu_add(struct mhv_vm *vm, u32 id)
{
	struct mhv_vcpu *vcpu;

	if (id >= MHV_MAX_VCPUS || vm->vcpus[id])
		die("vCPU id %u taken or out of range", id);
	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		die("calloc");
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = __vm_vcpu_add(vm, id);
	if (vcpu->fd < 0)
		die("MHV_CREATE_VCPU %u", id);
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		die("mmap of the vCPU fd (%zu bytes)", vm->run_size);
	vm->vcpus[id] = vcpu;
	return vcpu;
}

void vcpu_free(struct mhv_vcpu *vcpu)
{
	if (vcpu->run && vcpu->run != MAP_FAILED)
		munmap(vcpu->run, vcpu->vm->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->vm->vcpus[vcpu->id] = NULL;
	free(vcpu);
}

void vcpu_args_set(struct mhv_vcpu *vcpu, unsigned int n, ...)
{
	struct mhv_regs regs;
	u64 *slot[6] = { &regs.rdi, &regs.rsi, &regs.rdx, &regs.rcx,
			 &regs.r8, &regs.r9 };
	unsigned int i;
	va_list ap;

	if (n > 6)
		die("%u arguments, at most 6", n);
	vcpu_regs_get(vcpu, &regs);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		*slot[i] = va_arg(ap, u64);
	va_end(ap);
	vcpu_regs_set(vcpu, &regs);
}

int __vcpu_ioctl(struct mhv_vcpu *vcpu, unsigned long cmd, void *arg)
{
	return ioctl(vcpu->fd, cmd, arg);
}

int __vcpu_run(struct mhv_vcpu *vcpu)
{
	return ioctl(vcpu->fd, MHV_RUN, 0);
}

void vcpu_run(struct mhv_vcpu *vcpu)
{
	int ret = __vcpu_run(vcpu);

	if (ret) {
		vcpu_dump(stderr, vcpu);
		die("MHV_RUN returned %d, exit %s", ret,
		    exit_reason_str(vcpu->run->exit_reason));
	}
}

void vcpu_regs_get(struct mhv_vcpu *vcpu, struct mhv_regs *regs)
{
	if (__vcpu_ioctl(vcpu, MHV_GET_REGS, regs))
		die("MHV_GET_REGS");
}

void vcpu_regs_set(struct mhv_vcpu *vcpu, const struct mhv_regs *regs)
{
	if (__vcpu_ioctl(vcpu, MHV_SET_REGS, (void *)regs))
		die("MHV_SET_REGS");
}

void vcpu_sregs_get(struct mhv_vcpu *vcpu, struct mhv_sregs *sregs)
{
	if (__vcpu_ioctl(vcpu, MHV_GET_SREGS, sregs))
		die("MHV_GET_SREGS");
}

void vcpu_sregs_set(struct mhv_vcpu *vcpu, const struct mhv_sregs *sregs)
{
	if (__vcpu_ioctl(vcpu, MHV_SET_SREGS, (void *)sregs))
		die("MHV_SET_SREGS");
}

u64 vcpu_get_rip(struct mhv_vcpu *vcpu)
{
	struct mhv_regs regs;

	vcpu_regs_get(vcpu, &regs);
	return regs.rip;
}

int __vcpu_msrs(struct mhv_vcpu *vcpu, unsigned long cmd,
		struct mhv_msr_entry *entries, u32 n)
{
	struct mhv_msrs *msrs;
	int ret;

	msrs = calloc(1, sizeof(*msrs) + n * sizeof(*entries));
	if (!msrs)
		die("calloc");
	msrs->nmsrs = n;
	memcpy(msrs->entries, entries, n * sizeof(*entries));
	ret = __vcpu_ioctl(vcpu, cmd, msrs);
	memcpy(entries, msrs->entries, n * sizeof(*entries));
	free(msrs);
	return ret;
}

int __vcpu_get_msr(struct mhv_vcpu *vcpu, u32 index, u64 *data)
{
	struct mhv_msr_entry e = { .index = index };
	int ret = __vcpu_msrs(vcpu, MHV_GET_MSRS, &e, 1);

	*data = e.data;
	return ret;
}

int __vcpu_set_msr(struct mhv_vcpu *vcpu, u32 index, u64 data)
{
	struct mhv_msr_entry e = { .index = index, .data = data };

	return __vcpu_msrs(vcpu, MHV_SET_MSRS, &e, 1);
}

u64 vcpu_get_msr(struct mhv_vcpu *vcpu, u32 index)
{
	u64 data;
	int ret = __vcpu_get_msr(vcpu, index, &data);

	if (ret != 1)
		die("MHV_GET_MSRS %#x returned %d", index, ret);
	return data;
}

void vcpu_set_msr(struct mhv_vcpu *vcpu, u32 index, u64 data)
{
	int ret = __vcpu_set_msr(vcpu, index, data);

	if (ret != 1)
		die("MHV_SET_MSRS %#x = %#llx returned %d", index, data, ret);
}

int __vcpu_set_cpuid(struct mhv_vcpu *vcpu, const struct mhv_cpuid_entry *e, u32 n)
{
	struct mhv_cpuid *cpuid;
	int ret;

	cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(*e));
	if (!cpuid)
		die("calloc");
	cpuid->nent = n;
	memcpy(cpuid->entries, e, n * sizeof(*e));
	ret = __vcpu_ioctl(vcpu, MHV_SET_CPUID, cpuid);
	free(cpuid);
	return ret;
}

void vcpu_set_cpuid(struct mhv_vcpu *vcpu, const struct mhv_cpuid_entry *e, u32 n)
{
	if (__vcpu_set_cpuid(vcpu, e, n))
		die("MHV_SET_CPUID with %u entries", n);
}

void vcpu_inject(struct mhv_vcpu *vcpu, u8 type, u8 vector, bool has_error,
		 u32 error_code)
{
	struct mhv_event ev = {
		.type = type,
		.vector = vector,
		.has_error_code = has_error,
		.error_code = error_code,
	};

	if (__vcpu_ioctl(vcpu, MHV_INJECT, &ev))
		die("MHV_INJECT type %u vector %u", type, vector);
}

const char *exit_reason_str(u32 reason)
{
	static const char * const names[] = {
		[MHV_EXIT_NONE] = "NONE",
		[MHV_EXIT_HLT] = "HLT",
		[MHV_EXIT_IO] = "IO",
		[MHV_EXIT_MMIO] = "MMIO",
		[MHV_EXIT_HYPERCALL] = "HYPERCALL",
		[MHV_EXIT_SHUTDOWN] = "SHUTDOWN",
		[MHV_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[MHV_EXIT_INTR] = "INTR",
		[MHV_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[MHV_EXIT_PMEM_LOST] = "PMEM_LOST",
	};

	if (reason < ARRAY_SIZE(names) && names[reason])
		return names[reason];
	return "unknown";
}
