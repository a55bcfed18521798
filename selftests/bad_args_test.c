// SPDX-License-Identifier: GPL-2.0
/*
 * Every ioctl with bad arguments: unknown commands and commands of another
 * fd type are ENOTTY, bad pointers EFAULT, nonzero reserved or pad fields
 * and unknown flags EINVAL, too many entries E2BIG, duplicate vCPU ids and
 * overlapping regions EEXIST.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mhv_util.h"

#define BAD_PTR		((void *)8)
#define KERNEL_PTR	((void *)0xffff888000000000UL)

/* ioctl() fails with @err. */
#define EXPECT_ERRNO(err, call) do {					\
	errno = 0;							\
	EXPECT_EQ(-1, (call));						\
	EXPECT_EQ(err, errno) TH_LOG("%s: %s", #call, strerror(errno));	\
} while (0)

FIXTURE(fds) {
	int dev;
	struct mhv_vm *vm;
	struct mhv_vcpu *vcpu;
	void *mem;
};

FIXTURE_SETUP(fds)
{
	self->dev = mhv_open_dev();
	self->vm = vm_create(0);
	self->vcpu = vm_vcpu_add(self->vm, 0);
	self->mem = mmap(NULL, 0x20000, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
}

FIXTURE_TEARDOWN(fds)
{
	munmap(self->mem, 0x20000);
	vm_free(self->vm);
	close(self->dev);
}

TEST_F(fds, unknown_ioctls_are_enotty)
{
	EXPECT_ERRNO(ENOTTY, ioctl(self->dev, _IO(MHVIO, 0x7f), 0));
	EXPECT_ERRNO(ENOTTY, ioctl(self->vm->fd, _IO(MHVIO, 0x7f), 0));
	EXPECT_ERRNO(ENOTTY, ioctl(self->vcpu->fd, _IO(MHVIO, 0x7f), 0));
	EXPECT_ERRNO(ENOTTY, ioctl(self->vcpu->fd, _IO(0xAE, 0x80), 0));	/* KVM_RUN */
}

TEST_F(fds, ioctls_of_another_fd_type_are_enotty)
{
	struct mhv_regs regs;
	struct mhv_vm_config cfg = { 0 };

	/* vCPU ioctls on the VM fd and on /dev/mhv */
	EXPECT_ERRNO(ENOTTY, ioctl(self->vm->fd, MHV_RUN, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(self->vm->fd, MHV_GET_REGS, &regs));
	EXPECT_ERRNO(ENOTTY, ioctl(self->dev, MHV_RUN, 0));
	/* VM ioctls on the vCPU fd and on /dev/mhv */
	EXPECT_ERRNO(ENOTTY, ioctl(self->vcpu->fd, MHV_CREATE_VCPU, 1));
	EXPECT_ERRNO(ENOTTY, ioctl(self->dev, MHV_CREATE_VCPU, 1));
	/* /dev/mhv ioctls on the others */
	EXPECT_ERRNO(ENOTTY, ioctl(self->vm->fd, MHV_CREATE_VM, &cfg));
	EXPECT_ERRNO(ENOTTY, ioctl(self->vcpu->fd, MHV_CREATE_VM, &cfg));
}

TEST_F(fds, fds_that_are_not_mhv)
{
	int null = open("/dev/null", O_RDWR);

	ASSERT_GE(null, 0);
	EXPECT_ERRNO(ENOTTY, ioctl(null, MHV_RUN, 0));
	EXPECT_ERRNO(ENOTTY, ioctl(null, MHV_CREATE_VCPU, 0));
	close(null);
	EXPECT_ERRNO(EBADF, ioctl(null, MHV_RUN, 0));
	EXPECT_ERRNO(EBADF, ioctl(-1, MHV_CREATE_VM, 0));
}

TEST_F(fds, bad_pointers_are_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->dev, MHV_CREATE_VM, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vm->fd, MHV_SET_MEMORY_REGION, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_GET_REGS, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_SET_REGS, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_GET_SREGS, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_SET_SREGS, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_GET_MSRS, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_SET_MSRS, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_SET_CPUID, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_INJECT, BAD_PTR));
	EXPECT_ERRNO(EFAULT, ioctl(self->vcpu->fd, MHV_GET_REGS, KERNEL_PTR));
}

TEST_F(fds, vm_config_checked)
{
	struct mhv_vm_config cfg = { .flags = 1 };

	EXPECT_ERRNO(EINVAL, ioctl(self->dev, MHV_CREATE_VM, &cfg));
	cfg = (struct mhv_vm_config){ .pad = 1 };
	EXPECT_ERRNO(EINVAL, ioctl(self->dev, MHV_CREATE_VM, &cfg));
	cfg = (struct mhv_vm_config){ .reserved[3] = 1 };
	EXPECT_ERRNO(EINVAL, ioctl(self->dev, MHV_CREATE_VM, &cfg));
}

TEST_F(fds, memory_regions_checked)
{
	struct mhv_vm *vm = self->vm;
	char *mem = self->mem;
	struct mhv_memory_region r = {
		.slot = 0, .guest_phys_addr = 0, .size = 0x10000,
		.userspace_addr = (unsigned long)mem, .reserved[1] = 1,
	};

	EXPECT_ERRNO(EINVAL, ioctl(vm->fd, MHV_SET_MEMORY_REGION, &r));
	/* No such flag. */
	EXPECT_ERRNO(EINVAL, __vm_set_memory_region(vm, 0, 1U << 31, 0, 0x10000, mem));
	EXPECT_ERRNO(EINVAL, __vm_set_memory_region(vm, 0, 0, 0x800, 0x10000, mem));
	EXPECT_ERRNO(EINVAL, __vm_set_memory_region(vm, 0, 0, 0, 0x10800, mem));
	EXPECT_ERRNO(EINVAL, __vm_set_memory_region(vm, 0, 0, 0, 0x10000, mem + 8));
	EXPECT_ERRNO(EINVAL, __vm_set_memory_region(vm, MHV_MAX_SLOTS, 0, 0, 0x10000, mem));
	/* Deleting a slot that holds nothing. */
	EXPECT_ERRNO(EINVAL, __vm_set_memory_region(vm, 5, 0, 0, 0, NULL));
	EXPECT_ERRNO(EFAULT, __vm_set_memory_region(vm, 0, 0, 0, 0x10000, KERNEL_PTR));

	ASSERT_EQ(0, __vm_set_memory_region(vm, 0, 0, 0x100000, 0x10000, mem));
	/* Overlaps slot 0 at either end or inside. */
	EXPECT_ERRNO(EEXIST, __vm_set_memory_region(vm, 1, 0, 0xf8000, 0x10000, mem + 0x10000));
	EXPECT_ERRNO(EEXIST, __vm_set_memory_region(vm, 1, 0, 0x10f000, 0x2000, mem + 0x10000));
	EXPECT_ERRNO(EEXIST, __vm_set_memory_region(vm, 1, 0, 0x104000, 0x1000, mem + 0x10000));
	/* Adjacent is fine. */
	EXPECT_EQ(0, __vm_set_memory_region(vm, 1, 0, 0x110000, 0x10000, mem + 0x10000));
	EXPECT_EQ(0, __vm_set_memory_region(vm, 1, 0, 0, 0, NULL));
	EXPECT_EQ(0, __vm_set_memory_region(vm, 0, 0, 0, 0, NULL));
}

TEST_F(fds, vcpu_ids_checked)
{
	EXPECT_ERRNO(EEXIST, __vm_vcpu_add(self->vm, 0));
	EXPECT_ERRNO(EINVAL, __vm_vcpu_add(self->vm, MHV_MAX_VCPUS));
	EXPECT_ERRNO(EINVAL, __vm_vcpu_add(self->vm, 0xffffffff));
	EXPECT_ERRNO(EINVAL, ioctl(self->vm->fd, MHV_CREATE_VCPU, 1UL << 32));
	/* The last valid id, and it is then taken. */
	vm_vcpu_add(self->vm, MHV_MAX_VCPUS - 1);
	EXPECT_ERRNO(EEXIST, __vm_vcpu_add(self->vm, MHV_MAX_VCPUS - 1));
}

TEST_F(fds, sregs_pads_and_reserved_checked)
{
	struct mhv_vcpu *vcpu = self->vcpu;
	struct mhv_sregs good, s;

	vcpu_sregs_get(vcpu, &good);
	s = good;
	s.reserved[0] = 1;
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.cs.pad = 1;
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.ss.pad2 = 1;
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.idt.pad[2] = 1;
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	/* The state is unchanged by the failures, and good sregs work. */
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &good));
}

static void guest_done(void)
{
	GUEST_DONE();
}

/*
 * Register states no CPU can be in: hardware fails the entry, and Bochs
 * stops the whole emulated machine on some (EFER.LMA with CR0.PE clear).
 * MHV_SET_SREGS refuses them, and the vCPU runs on as it was.
 */
TEST(sregs_inconsistent_modes_refused)
{
	struct mhv_sregs good, s;
	struct mhv_vcpu *vcpu;
	struct mhv_vm *vm;
	struct ucall uc;

	vm = vm_create_with_one_vcpu(&vcpu, guest_done);
	vcpu_sregs_get(vcpu, &good);
	s = good;
	s.efer = EFER_LME | EFER_LMA;	/* long mode active with paging off */
	s.cr0 = X86_CR0_ET;
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.efer &= ~EFER_LMA;		/* LME and paging on, LMA clear */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.cr4 &= ~X86_CR4_PAE;		/* long mode without PAE */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.cr0 &= ~X86_CR0_PE;		/* paging without protection */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.cr0 |= X86_CR0_NW;
	s.cr0 &= ~X86_CR0_CD;		/* not-write-through without cache-disable */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.cs.ar |= 0x4000;		/* 64-bit code segment with D set */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.cr4 |= BIT_ULL(13);		/* VMXE: no nested VMX */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.cr4 |= BIT_ULL(23);		/* CET: its state is not switched */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.efer |= BIT_ULL(12);		/* SVME */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	s = good;
	s.cr3 = 1ULL << 63;		/* beyond any physical address width */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));
	/* Real mode with a 64-bit code segment. */
	vcpu_sregs_get(vcpu, &s);
	s.efer = 0;
	s.cr0 = X86_CR0_ET;
	s.cr4 = 0;
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_SREGS, &s));

	/* Nothing of it reached the vCPU. */
	vcpu_sregs_get(vcpu, &s);
	EXPECT_EQ(good.cr0, s.cr0);
	EXPECT_EQ(good.cr4, s.cr4);
	EXPECT_EQ(good.efer, s.efer);
	ASSERT_UCALL(vcpu, UCALL_DONE, &uc);
	vm_free(vm);
}

TEST_F(fds, msrs_checked)
{
	struct mhv_vcpu *vcpu = self->vcpu;
	struct mhv_msr_entry e = { .index = MSR_STAR, .reserved = 1 };
	struct {
		struct mhv_msrs hdr;
		struct mhv_msr_entry e;
	} m = { .hdr = { .nmsrs = 1, .pad = 1 }, .e = { .index = MSR_STAR } };

	EXPECT_ERRNO(EINVAL, __vcpu_msrs(vcpu, MHV_SET_MSRS, &e, 1));
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_GET_MSRS, &m));
	m.hdr.pad = 0;
	m.hdr.nmsrs = MHV_MAX_MSRS + 1;
	EXPECT_ERRNO(E2BIG, __vcpu_ioctl(vcpu, MHV_GET_MSRS, &m));
	m.hdr.nmsrs = 0xffffffff;
	EXPECT_ERRNO(E2BIG, __vcpu_ioctl(vcpu, MHV_SET_MSRS, &m));
	/* WRMSR would #GP on these in the host when mhv loads them: none is taken. */
	EXPECT_EQ(0, __vcpu_set_msr(vcpu, MSR_SYSCALL_MASK, 1ULL << 32));
	EXPECT_EQ(0, __vcpu_set_msr(vcpu, MSR_LSTAR, 0x0000800000000000ULL));
	EXPECT_EQ(0, __vcpu_set_msr(vcpu, MSR_TSC_AUX, 1ULL << 32));
	EXPECT_EQ(1, __vcpu_set_msr(vcpu, MSR_SYSCALL_MASK, 0x47700));
	EXPECT_EQ(0x47700, vcpu_get_msr(vcpu, MSR_SYSCALL_MASK));
}

TEST_F(fds, cpuid_checked)
{
	struct mhv_vcpu *vcpu = self->vcpu;
	struct mhv_cpuid_entry e = { .function = 0, .flags = 2 };
	struct mhv_cpuid hdr = { .nent = 0, .pad = 1 };

	EXPECT_ERRNO(EINVAL, __vcpu_set_cpuid(vcpu, &e, 1));
	e = (struct mhv_cpuid_entry){ .function = 0, .pad = 1 };
	EXPECT_ERRNO(EINVAL, __vcpu_set_cpuid(vcpu, &e, 1));
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(vcpu, MHV_SET_CPUID, &hdr));
	hdr = (struct mhv_cpuid){ .nent = MHV_MAX_CPUID_ENTRIES + 1 };
	EXPECT_ERRNO(E2BIG, __vcpu_ioctl(vcpu, MHV_SET_CPUID, &hdr));
}

TEST_F(fds, inject_checked)
{
	struct mhv_event ev = { .type = MHV_EVENT_EXCEPTION, .vector = 13,
				.has_error_code = 1, .pad = 1 };

	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(self->vcpu, MHV_INJECT, &ev));
	ev.pad = 0;
	ev.reserved[1] = 1;
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(self->vcpu, MHV_INJECT, &ev));
	ev.reserved[1] = 0;
	ev.type = 1;	/* no such event type */
	EXPECT_ERRNO(EINVAL, __vcpu_ioctl(self->vcpu, MHV_INJECT, &ev));
}

TEST_F(fds, vcpu_mmap_size)
{
	int size = ioctl(self->dev, MHV_GET_VCPU_MMAP_SIZE, 0);

	EXPECT_GE(size, (int)sizeof(struct mhv_run));
	EXPECT_EQ(0, size % getpagesize());
}

TEST_HARNESS_MAIN
