// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark cases. Each runs one warm-up and then o->reps measured
 * repetitions of the same guest routine; the guest's TSC gives cycles
 * (instructions, in Bochs), the host's CLOCK_MONOTONIC what only the host
 * can see (VM creation).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define MAX_REPS	64
#define NOTE_LEN	256

struct bvm {
	const struct bench_backend *be;
	struct bench_vm *vm;
	void *low;		/* slot 0 */
	void *touch;		/* slot 1, touch_size bytes */
	u64 touch_size;
	void *bw;		/* slot 2, o->bw_bytes */
};

struct run_result {
	struct bench_regs regs;
	u32 cycles;		/* guest TSC, end - start */
	u64 outs;		/* OUT exits to port GUEST_OUT_PORT */
	u64 exits;		/* hypervisor-counted exits, if it counts */
	bool have_exits;
};

/* Anonymous host memory, populated, @align aligned, huge pages or not. */
static void *host_mem(u64 size, u64 align, bool huge)
{
	u8 *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	u8 *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (u8 *)(((unsigned long)p + align - 1) & ~(unsigned long)(align - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + size, p + align - a);
	madvise(a, size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	/* The host's own first touch is not the hypervisor's cost. */
	memset(a, 0, size);
	return a;
}

/* kB of this process's anonymous memory in transparent huge pages. */
static long thp_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void bvm_free(struct bvm *b, const struct bench_opts *o)
{
	if (b->vm)
		b->be->vm_destroy(b->vm);
	if (b->low)
		munmap(b->low, GUEST_LOW_SIZE);
	if (b->touch)
		munmap(b->touch, b->touch_size);
	if (b->bw)
		munmap(b->bw, o->bw_bytes);
	memset(b, 0, sizeof(*b));
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "mhv-bench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return err < 0 ? err : -err;
}

/* A VM with the guest code in slot 0 and one vCPU in unreal mode. */
static int bvm_create(struct bvm *b, const struct bench_backend *be)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->be = be;
	b->low = host_mem(GUEST_LOW_SIZE, 4096, false);
	if (!b->low)
		return fail("mmap", errno);
	memcpy((u8 *)b->low + GUEST_CODE_GPA, guest_start, guest_end - guest_start);
	b->vm = be->vm_create();
	if (!b->vm)
		return fail("create VM", errno);
	ret = be->add_mem(b->vm, 0, 0, GUEST_LOW_SIZE, b->low);
	if (ret)
		return fail("memory slot 0", ret);
	ret = be->vcpu_create(b->vm);
	if (ret)
		return fail("create vCPU", ret);
	ret = be->set_sregs(b->vm);
	if (ret)
		return fail("set sregs", ret);
	return 0;
}

/* Run the routine at @entry with @in until it halts. */
static int run_routine(struct bvm *b, const u8 *entry, struct bench_regs in,
		       struct run_result *r)
{
	const struct bench_backend *be = b->be;
	struct bench_exit e;
	u64 before = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	in.eip = guest_ip(entry);
	ret = be->set_regs(b->vm, &in);
	if (ret)
		return fail("set regs", ret);
	r->have_exits = !be->exit_count(b->vm, &before);
	for (;;) {
		ret = be->run(b->vm, &e);
		if (ret)
			return fail("run", ret);
		if (e.kind == BENCH_EXIT_HLT)
			break;
		if (e.kind != BENCH_EXIT_OUT || e.port != GUEST_OUT_PORT) {
			fprintf(stderr, "mhv-bench: %s: unexpected exit %u\n", be->name,
				e.raw_reason);
			return -EPROTO;
		}
		r->outs++;
	}
	ret = be->get_regs(b->vm, &r->regs);
	if (ret)
		return fail("get regs", ret);
	if (r->have_exits && !be->exit_count(b->vm, &r->exits))
		r->exits -= before;
	else
		r->have_exits = false;
	r->cycles = r->regs.eax - r->regs.ebp;
	return 0;
}

/* The exit count a loop of @iters exits should show: more only by host interrupts. */
static bool exits_sane(const struct run_result *r, u64 iters)
{
	return !r->have_exits || (r->exits >= iters + 1 && r->exits <= iters + 1 + iters / 4 + 16);
}

enum loop_kind { LOOP_CPUID, LOOP_VMCALL, LOOP_OUT, LOOP_EMPTY };

static const struct loop_case {
	const char *name, *label;
	enum loop_kind kind;
} loop_cases[] = {
	{ "empty", "empty loop (overhead included below)", LOOP_EMPTY },
	{ "cpuid", "CPUID exit round trip (in kernel)", LOOP_CPUID },
	{ "vmcall", "VMCALL no-op hypercall round trip (in kernel)", LOOP_VMCALL },
	{ "out", "OUT exit to user space and back", LOOP_OUT },
};

static int loop_case(struct bvm *b, const struct loop_case *c, const struct bench_opts *o)
{
	static const u8 *const entries[] = {
		[LOOP_CPUID] = guest_cpuid, [LOOP_VMCALL] = guest_vmcall,
		[LOOP_OUT] = guest_out, [LOOP_EMPTY] = guest_empty,
	};
	struct bench_regs in = { .ecx = o->exit_iters, .ebx = b->be->hc_nop };
	double samples[MAX_REPS];
	struct run_result r;
	char note[NOTE_LEN] = "";
	unsigned int i;
	bool ok = true;
	int ret;

	for (i = 0; i <= o->reps; i++) {
		ret = run_routine(b, entries[c->kind], in, &r);
		if (ret)
			return ret;
		ok &= r.regs.esi == 0 && r.cycles > 0;
		if (c->kind == LOOP_OUT)
			ok &= r.outs == o->exit_iters;
		if (c->kind == LOOP_VMCALL)
			ok &= r.regs.ebx == 0;
		if (c->kind != LOOP_EMPTY)
			ok &= exits_sane(&r, o->exit_iters);
		if (i)
			samples[i - 1] = (double)r.cycles / o->exit_iters;
	}
	if (c->kind == LOOP_VMCALL)
		snprintf(note, sizeof(note), "%s (RAX=%u)", b->be->hc_name, b->be->hc_nop);
	else if (c->kind == LOOP_CPUID)
		snprintf(note, sizeof(note), "leaf 0");
	bench_check(ok, "%s %s # %u iterations, %.1f cycles/op, last run %llu exits, %s",
		    b->be->name, c->name, o->exit_iters, samples[o->reps - 1],
		    (unsigned long long)r.exits, note);
	bench_result(c->name, "cycles/op", false, samples, o->reps, c->label, note);
	return 0;
}

/* First touches of @pages fresh 4 KiB pages; @huge: 2 MiB-aligned THP ranges. */
static int touch_case(const struct bench_backend *be, const struct bench_opts *o, bool huge)
{
	unsigned int pages = huge ? o->touch_2m * 512 : o->touch_pages;
	const char *name = huge ? "touch_2m" : "touch_4k";
	double samples[MAX_REPS], per_fault = 0;
	char note[NOTE_LEN] = "";
	u64 faults0 = 0, pages0 = 0, faults1, pages1;
	struct run_result r;
	struct bvm b;
	unsigned int i;
	bool ok = true, stats = true;
	long thp = -1;
	int ret;

	for (i = 0; i <= o->reps; i++) {
		struct bench_regs in = { .ecx = pages, .ebx = 4096, .edi = GUEST_TOUCH_GPA };

		ret = bvm_create(&b, be);
		if (!ret) {
			b.touch_size = (u64)pages * 4096;
			b.touch = host_mem(b.touch_size, SZ_2M, huge);
			ret = b.touch ? be->add_mem(b.vm, 1, GUEST_TOUCH_GPA, b.touch_size, b.touch)
				      : -ENOMEM;
			if (ret)
				fail("touch slot", ret);
			thp = thp_kb();
		}
		/* Map slot 0's code page first: only the touches are timed. */
		if (!ret)
			ret = run_routine(&b, guest_hlt, in, &r);
		if (!ret && be->ept_stats(b.vm, &faults0, &pages0))
			stats = false;
		if (!ret)
			ret = run_routine(&b, guest_touch, in, &r);
		if (!ret && stats && !be->ept_stats(b.vm, &faults1, &pages1)) {
			ok &= pages1 - pages0 >= pages;
			if (faults1 > faults0)
				per_fault = (double)(pages1 - pages0) / (faults1 - faults0);
		} else {
			stats = false;
		}
		if (!ret)
			ok &= r.regs.esi == 0 && r.cycles > 0 &&
			      ((u8 *)b.touch)[(u64)(pages - 1) * 4096] == (u8)r.regs.ebp;
		bvm_free(&b, o);
		if (ret)
			return ret;
		if (i)
			samples[i - 1] = (double)r.cycles / pages;
	}
	if (stats)
		snprintf(note, sizeof(note), "%.1f pages mapped per EPT fault", per_fault);
	else
		snprintf(note, sizeof(note), "pages per fault: n/a (no VM stats)");
	if (huge)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "; host THP %ld of %u KiB", thp, pages * 4);
	bench_check(ok, "%s %s # %u pages, %.1f cycles/page, %s", be->name, name, pages,
		    samples[o->reps - 1], note);
	bench_result(name, "cycles/page", false, samples, o->reps,
		     huge ? "EPT first touch, 2 MiB-aligned THP ranges, per 4 KiB page"
			  : "EPT first touch, fresh 4 KiB pages", note);
	return 0;
}

/* VM create -> first guest instruction (HLT) -> exit, then teardown, host clock. */
static int create_case(const struct bench_backend *be, const struct bench_opts *o)
{
	double create[MAX_REPS], destroy[MAX_REPS], cycles[MAX_REPS];
	struct bench_regs in = { .eip = guest_ip(guest_hlt) };
	u8 *low = host_mem(GUEST_LOW_SIZE, 4096, false);
	unsigned int i;
	bool ok = true;
	int ret = 0;

	if (!low)
		return fail("mmap", errno);
	memcpy(low + GUEST_CODE_GPA, guest_start, guest_end - guest_start);
	for (i = 0; i <= o->create_reps && !ret; i++) {
		struct bench_vm *vm;
		struct bench_exit e = { .kind = BENCH_EXIT_OTHER };
		u64 t0, t1, t2, c0, c1;

		t0 = bench_now_ns();
		c0 = bench_rdtsc();
		vm = be->vm_create();
		if (!vm) {
			ret = fail("create VM", errno);
			break;
		}
		ret = be->add_mem(vm, 0, 0, GUEST_LOW_SIZE, low);
		if (!ret)
			ret = be->vcpu_create(vm);
		if (!ret)
			ret = be->set_sregs(vm);
		if (!ret)
			ret = be->set_regs(vm, &in);
		if (!ret)
			ret = be->run(vm, &e);
		c1 = bench_rdtsc();
		t1 = bench_now_ns();
		be->vm_destroy(vm);
		t2 = bench_now_ns();
		if (ret)
			fail("VM create case", ret);
		ok &= e.kind == BENCH_EXIT_HLT && t1 > t0 && t2 > t1;
		if (i) {
			create[i - 1] = (t1 - t0) / 1e3;
			destroy[i - 1] = (t2 - t1) / 1e3;
			cycles[i - 1] = c1 - c0;
		}
	}
	munmap(low, GUEST_LOW_SIZE);
	if (ret)
		return ret;
	bench_check(ok, "%s vm_create # %.0f us create to exit, %.0f us teardown", be->name,
		    create[o->create_reps - 1], destroy[o->create_reps - 1]);
	bench_result("vm_create", "us", false, create, o->create_reps,
		     "VM create -> first instruction -> exit (host clock)", "");
	bench_result("vm_create_cycles", "cycles", false, cycles, o->create_reps,
		     "VM create -> first instruction -> exit (host TSC)", "");
	bench_result("vm_destroy", "us", false, destroy, o->create_reps,
		     "VM teardown (host clock)", "");
	return 0;
}

/* Streaming writes and reads of o->bw_bytes at @gpa, after a pass that maps them. */
static int bw_pass(struct bvm *b, const char *mem, u64 gpa, const struct bench_opts *o,
		   void *host)
{
	struct bench_regs w = { .ecx = o->bw_bytes / 4, .edi = gpa };
	struct bench_regs rd = { .ecx = o->bw_bytes / 4, .esi = gpa };
	double wr[MAX_REPS], re[MAX_REPS];
	struct run_result r;
	char name[64], label[128];
	unsigned int i;
	bool ok = true;
	int ret;

	for (i = 0; i <= o->reps; i++) {
		ret = run_routine(b, guest_write, w, &r);
		if (ret)
			return ret;
		ok &= r.regs.ecx == 0 && r.cycles > 0;
		/* The guest stored its start TSC everywhere: the host must see it. */
		if (host)
			ok &= ((u32 *)host)[0] == r.regs.ebp &&
			      ((u32 *)host)[o->bw_bytes / 4 - 1] == r.regs.ebp;
		if (i)
			wr[i - 1] = (double)o->bw_bytes / r.cycles;
	}
	for (i = 0; i <= o->reps; i++) {
		ret = run_routine(b, guest_read, rd, &r);
		if (ret)
			return ret;
		ok &= r.regs.ecx == 0 && r.cycles > 0;
		if (i)
			re[i - 1] = (double)o->bw_bytes / r.cycles;
	}
	bench_check(ok, "%s %s_bw # %llu KiB: write %.2f, read %.2f bytes/cycle", b->be->name,
		    mem, (unsigned long long)o->bw_bytes >> 10, wr[o->reps - 1], re[o->reps - 1]);
	snprintf(name, sizeof(name), "%s_write", mem);
	snprintf(label, sizeof(label), "streaming write to %s (rep stosl)", mem);
	bench_result(name, "bytes/cycle", true, wr, o->reps, label, "");
	snprintf(name, sizeof(name), "%s_read", mem);
	snprintf(label, sizeof(label), "streaming read from %s (rep lodsl)", mem);
	bench_result(name, "bytes/cycle", true, re, o->reps, label, "");
	return 0;
}

static int bw_case(const struct bench_backend *be, const struct bench_opts *o)
{
	const char *dev = be == &bench_mhv ? o->pmem_dev : o->dax_dev;
	char why[NOTE_LEN] = "";
	struct bvm b;
	int ret;

	ret = bvm_create(&b, be);
	if (!ret) {
		b.bw = host_mem(o->bw_bytes, SZ_2M, true);
		ret = b.bw ? be->add_mem(b.vm, 2, GUEST_BW_GPA, o->bw_bytes, b.bw) : -ENOMEM;
		if (ret)
			fail("bandwidth slot", ret);
	}
	if (!ret)
		ret = bw_pass(&b, "ram", GUEST_BW_GPA, o, b.bw);
	if (!ret && dev) {
		if (be->add_pmem(b.vm, 3, GUEST_PMEM_GPA, o->bw_bytes, dev, why, sizeof(why))) {
			bench_note("%s pmem: n/a: %s", be->name, why);
			bench_na("pmem_write", "bytes/cycle", true,
				 "streaming write to pmem (rep stosl)", why);
			bench_na("pmem_read", "bytes/cycle", true,
				 "streaming read from pmem (rep lodsl)", why);
		} else {
			ret = bw_pass(&b, "pmem", GUEST_PMEM_GPA, o, NULL);
		}
	}
	bvm_free(&b, o);
	return ret;
}

int bench_run_cases(const struct bench_backend *be, const struct bench_opts *o)
{
	struct bvm b;
	unsigned int i;
	int ret;

	ret = bvm_create(&b, be);
	for (i = 0; !ret && i < ARRAY_SIZE(loop_cases); i++)
		ret = loop_case(&b, &loop_cases[i], o);
	bvm_free(&b, o);
	if (!ret)
		ret = touch_case(be, o, false);
	if (!ret)
		ret = touch_case(be, o, true);
	if (!ret)
		ret = create_case(be, o);
	if (!ret)
		ret = bw_case(be, o);
	return ret;
}
