// SPDX-License-Identifier: GPL-2.0
/* mhvctl run: create a VM, load an image, run it with a UART and a debug-exit port. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mhvctl.h"
#include "vm.h"

#define DEFAULT_MEM	(64ULL << 20)
#define MIN_MEM		(2ULL << 20)
#define MAX_MEM		(3ULL << 30)	/* RAM stays below the pmem window under 4 GiB */

struct run_opts {
	u64 mem;
	unsigned int vcpus;
	const char *cmdline;
	const char *initrd;
	unsigned int timeout;
	bool stats, json, trace;
	struct pmem_opt pmem[MAX_PMEM];
	unsigned int nr_pmem;
	const char *image;
};

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: mhvctl run [options] IMAGE\n\n"
		"Boots IMAGE (Linux bzImage, Multiboot 1 kernel, 64-bit ELF, or flat\n"
		"real-mode binary at 0x7c00) in a new mhv VM with a 16550 UART at 0x3f8\n"
		"(guest output on stdout, stdin to the guest) and a debug-exit port at 0xf4\n"
		"(writing V ends the run with exit status (V << 1) | 1).\n\n"
		"options:\n"
		"  -m, --mem SIZE       guest RAM (default 64M, at most 3G; k/M/G suffixes)\n"
		"  -c, --vcpus N        vCPUs (only 1 is supported)\n"
		"  -p, --pmem DEV[,name=NAME][,size=SIZE][,shared][,ro]\n"
		"                       attach a pmem region of namespace DEV (/dev/pmemN or\n"
		"                       /dev/daxN.M); NAME defaults to the image's name\n"
		"                       without extension; with size= it is created if missing;\n"
		"                       repeatable; the guest sees E820 type 12 ranges\n"
		"  -a, --cmdline STR    the guest's command line\n"
		"  -i, --initrd FILE    the initrd of a bzImage\n"
		"  -t, --timeout SEC    stop the guest after SEC seconds (exit status 124)\n"
		"  -s, --stats          print exit counts by reason and memory use on stderr\n"
		"  -j, --json           print a JSON summary on stdout; the guest's console\n"
		"                       then goes to stderr\n"
		"  -T, --trace          print each exit on stderr\n"
		"  -h, --help           this text\n\n"
		"exit status: 0 guest halted, (V << 1) | 1 debug-exit V, 1 error, 2 usage,\n"
		"4 triple fault, 6 VM entry failure or internal error, 8 the guest reset\n"
		"itself, 124 timeout, 130 interrupted.\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "mhvctl run: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see mhvctl run --help)\n");
	return MHVCTL_EXIT_USAGE;
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "pmem", required_argument, NULL, 'p' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *end;
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->mem = DEFAULT_MEM;
	o->vcpus = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:c:p:a:i:t:sjTh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &o->mem) || o->mem < MIN_MEM || o->mem > MAX_MEM ||
			    o->mem % 4096)
				return usage_error("bad --mem '%s': from 2M to 3G, in 4k units",
						   optarg);
			break;
		case 'c':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 64)
				return usage_error("bad --vcpus '%s': from 1 to 64", optarg);
			o->vcpus = v;
			break;
		case 'p':
			if (o->nr_pmem == MAX_PMEM)
				return usage_error("more than %s --pmem options", "8");
			if (pmem_parse_opt(optarg, &o->pmem[o->nr_pmem]))
				return MHVCTL_EXIT_USAGE;
			o->nr_pmem++;
			break;
		case 'a':
			if (strlen(optarg) >= CMDLINE_MAX)
				return usage_error("--cmdline is longer than %s bytes", "2047");
			o->cmdline = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 86400 * 365)
				return usage_error("bad --timeout '%s': whole seconds, at least 1",
						   optarg);
			o->timeout = v;
			break;
		case 's':
			o->stats = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'T':
			o->trace = true;
			break;
		case 'h':
			run_usage(stdout);
			return -1;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no IMAGE given%s", "");
	if (optind + 1 < argc)
		return usage_error("unexpected argument '%s' after IMAGE", argv[optind + 1]);
	o->image = argv[optind];
	return 0;
}

/* The image's file name without directories and extension: the default pmem region name. */
static void image_stem(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	char *dot;

	snprintf(out, len, "%s", base ? base + 1 : path);
	dot = strchr(out, '.');
	if (dot && dot != out)
		*dot = 0;
}

static int create_vm(struct vm *vm, const struct run_opts *o)
{
	struct mhv_vm_config cfg = { 0 };
	struct mhv_memory_region region = { 0 };
	unsigned int i;
	int mmap_size;

	vm->dev_fd = mhvctl_open_dev();
	if (vm->dev_fd < 0)
		return -1;
	vm->fd = ioctl(vm->dev_fd, MHV_CREATE_VM, &cfg);
	if (vm->fd < 0) {
		if (errno == EBUSY)
			fprintf(stderr, "%s\n%s\n",
				"mhvctl: cannot create a VM: VT-x is held by another hypervisor",
				"mhvctl: unload it (rmmod kvm_intel) and try again");
		else if (errno == ENODEV || errno == EOPNOTSUPP)
			fprintf(stderr, "mhvctl: cannot create a VM: %s (mhvctl info says why)\n",
				strerror(errno));
		else
			fprintf(stderr, "mhvctl: MHV_CREATE_VM: %s\n", strerror(errno));
		return -1;
	}
	vm->ram_size = o->mem;
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		fprintf(stderr, "mhvctl: cannot allocate %llu MiB of guest memory\n",
			(o->mem >> 20));
		return -1;
	}
	region.size = vm->ram_size;
	region.userspace_addr = (uintptr_t)vm->ram;
	if (ioctl(vm->fd, MHV_SET_MEMORY_REGION, &region)) {
		fprintf(stderr, "mhvctl: MHV_SET_MEMORY_REGION (%llu MiB): %s\n",
			(o->mem >> 20), strerror(errno));
		return -1;
	}
	mmap_size = ioctl(vm->dev_fd, MHV_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size <= 0) {
		fprintf(stderr, "mhvctl: MHV_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
		return -1;
	}
	vm->run_size = mmap_size;
	for (i = 0; i < o->vcpus; i++) {
		struct vcpu *c = &vm->vcpu[i];

		c->vm = vm;
		c->id = i;
		c->fd = ioctl(vm->fd, MHV_CREATE_VCPU, i);
		if (c->fd < 0) {
			fprintf(stderr, "mhvctl: creating vCPU %u: %s\n", i, strerror(errno));
			return -1;
		}
		c->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
		if (c->run == MAP_FAILED) {
			fprintf(stderr, "mhvctl: mapping vCPU %u's run page: %s\n", i,
				strerror(errno));
			return -1;
		}
		vm->nr_vcpus++;
	}
	return 0;
}

/* RAM below and above the legacy hole, then each pmem region from the kernel's map. */
static int attach_pmem_and_map(struct vm *vm, struct run_opts *o)
{
	u64 gpa = (vm->ram_size + PMEM_BASE_ALIGN - 1) & ~(PMEM_BASE_ALIGN - 1);
	char stem[MHV_PMEM_NAME_LEN];
	unsigned int i;

	e820_add(vm, 0, LOW_RAM_END, E820_RAM);
	e820_add(vm, HIGH_RAM_START, vm->ram_size - HIGH_RAM_START, E820_RAM);
	image_stem(o->image, stem, sizeof(stem));
	for (i = 0; i < o->nr_pmem; i++) {
		struct pmem_opt *p = &o->pmem[i];

		if (pmem_attach(vm, p, stem, gpa))
			return -1;
		gpa += (p->attached_size + (2ULL << 20) - 1) & ~((2ULL << 20) - 1);
	}
	vm->pmem = o->pmem;
	vm->nr_pmem = o->nr_pmem;
	if (o->nr_pmem) {
		struct mhv_pmem_map_entry e[MAX_PMEM];
		struct mhv_pmem_map map = { .count = MAX_PMEM, .entries = (uintptr_t)e };

		memset(e, 0, sizeof(e));
		if (ioctl(vm->fd, MHV_GET_PMEM_MAP, &map)) {
			fprintf(stderr, "mhvctl: MHV_GET_PMEM_MAP: %s\n", strerror(errno));
			return -1;
		}
		for (i = 0; i < map.count && i < MAX_PMEM; i++)
			e820_add(vm, e[i].guest_phys_addr, e[i].size, E820_PMEM);
	}
	return 0;
}

static void dump_state(struct vcpu *c)
{
	struct mhv_regs g;
	struct mhv_sregs s;

	if (ioctl(c->fd, MHV_GET_REGS, &g) || ioctl(c->fd, MHV_GET_SREGS, &s))
		return;
	fprintf(stderr, "mhvctl: rip %#llx rsp %#llx rflags %#llx cs %#x (vCPU %u)\n",
		g.rip, g.rsp, g.rflags, s.cs.selector, c->id);
	fprintf(stderr, "mhvctl: cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx\n",
		s.cr0, s.cr3, s.cr4, s.efer);
}

/* The vCPUs' counters, summed: what the VM as a whole did. */
static bool vcpu_stats(struct vm *vm, struct mhv_vcpu_stats *sum)
{
	struct mhv_vcpu_stats vs;
	unsigned int i, j;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (ioctl(vm->vcpu[i].fd, MHV_GET_VCPU_STATS, &vs))
			return false;
		sum->exits += vs.exits;
		sum->user_exits += vs.user_exits;
		for (j = 0; j < MHV_NR_EXIT_REASONS; j++)
			sum->by_reason[j] += vs.by_reason[j];
	}
	return vm->nr_vcpus > 0;
}

static void print_stats(struct vm *vm, const struct mhv_vcpu_stats *vs, bool have_vs,
			const struct mhv_vm_stats *ms, bool have_ms)
{
	unsigned int i;

	fprintf(stderr, "mhvctl: stats: %s\n", have_vs ? "" : "(no vCPU stats from mhv)");
	if (have_vs) {
		fprintf(stderr, "  exits              %llu (%llu to mhvctl)\n",
			vs->exits, vs->user_exits);
		for (i = 0; i < MHV_NR_EXIT_REASONS; i++) {
			const char *name = vmx_exit_name(i);

			if (vs->by_reason[i])
				fprintf(stderr, "    %-24s %llu\n", name ? name : "?",
					vs->by_reason[i]);
		}
	}
	fprintf(stderr, "  io exits seen       %llu, mmio exits seen %llu\n",
		vm->io_exits, vm->mmio_exits);
	if (have_ms) {
		fprintf(stderr, "  ept faults         %llu (mmio %llu)\n",
			ms->ept_faults, ms->mmio_faults);
		fprintf(stderr, "  pages mapped       %llu (2M: %llu), pmem pages %llu\n",
			ms->pages_mapped, ms->pages_2m, ms->pmem_pages_mapped);
		fprintf(stderr, "  ept pool           %llu of %llu pages used\n",
			ms->pool_used, ms->pool_total);
	} else {
		fprintf(stderr, "  vm stats           %s\n",
			"not available (this mhv.ko lacks MHV_GET_VM_STATS)");
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(struct vm *vm, const struct run_opts *o, const struct mhv_vcpu_stats *vs,
		       bool have_vs, const struct mhv_vm_stats *ms, bool have_ms)
{
	const char *sep = "";
	unsigned int i;

	printf("{\"image\": ");
	json_string(o->image);
	printf(", \"format\": ");
	json_string(vm->format ? vm->format : "none");
	printf(", \"mem\": %llu, \"vcpus\": %u", o->mem, o->vcpus);
	printf(", \"result\": ");
	json_string(vm->result ? vm->result : "error");
	printf(", \"status\": %d, \"message\": ", vm->status);
	json_string(vm->message);
	printf(", \"console_bytes\": %llu", vm->console_bytes);
	if (have_vs) {
		printf(", \"exits\": {\"total\": %llu, \"user\": %llu, \"by_reason\": {",
		       vs->exits, vs->user_exits);
		for (i = 0; i < MHV_NR_EXIT_REASONS; i++) {
			const char *name = vmx_exit_name(i);

			if (!vs->by_reason[i])
				continue;
			if (name)
				printf("%s\"%s\": %llu", sep, name, vs->by_reason[i]);
			else
				printf("%s\"reason-%u\": %llu", sep, i, vs->by_reason[i]);
			sep = ", ";
		}
		printf("}}");
	}
	printf(", \"io\": {\"exits\": %llu, \"ports\": {", vm->io_exits);
	sep = "";
	for (i = 0; i < 65536; i++) {
		if (!vm->port_exits[i])
			continue;
		printf("%s\"%#x\": %llu", sep, i, vm->port_exits[i]);
		sep = ", ";
	}
	printf("}}, \"mmio\": {\"exits\": %llu}", vm->mmio_exits);
	if (have_ms) {
		printf(", \"memory\": {\"pages_mapped\": %llu, \"pages_2m\": %llu",
		       ms->pages_mapped, ms->pages_2m);
		printf(", \"ept_faults\": %llu, \"mmio_faults\": %llu",
		       ms->ept_faults, ms->mmio_faults);
		printf(", \"pool_used\": %llu, \"pool_total\": %llu",
		       ms->pool_used, ms->pool_total);
		printf(", \"pmem_pages_mapped\": %llu}", ms->pmem_pages_mapped);
	}
	printf(", \"pmem\": [");
	for (i = 0; i < vm->nr_pmem; i++) {
		printf("%s{\"dev\": ", i ? ", " : "");
		json_string(vm->pmem[i].dev);
		printf(", \"name\": ");
		json_string(vm->pmem[i].name);
		printf(", \"gpa\": %llu, \"size\": %llu}", vm->pmem[i].gpa,
		       vm->pmem[i].attached_size);
	}
	printf("]}\n");
}

static int (*const devices[])(struct vm *vm) = {
	uart_init,
	debug_exit_init,
	reset_init,
	rtc_init,
};

int mhvctl_run(int argc, char **argv)
{
	struct vm vm = { .dev_fd = -1, .fd = -1, .console_in = -1,
			 .lock = PTHREAD_MUTEX_INITIALIZER };
	struct vm *vm_p = &vm;
	struct mhv_vcpu_stats vs;
	struct mhv_vm_stats ms;
	bool have_vs, have_ms, started = false;
	struct run_opts o;
	unsigned int i;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	vm.trace = o.trace;
	vm.console = o.json ? stderr : stdout;
	vm.console_in = STDIN_FILENO;
	vm.port_exits = calloc(65536, sizeof(*vm.port_exits));
	if (!vm.port_exits)
		return MHVCTL_EXIT_ERROR;
	if (access(o.image, R_OK)) {
		fprintf(stderr, "mhvctl: cannot read image %s: %s\n", o.image, strerror(errno));
		return MHVCTL_EXIT_ERROR;
	}
	for (i = 0; i < o.nr_pmem; i++)
		if (pmem_validate(&o.pmem[i]))
			return MHVCTL_EXIT_ERROR;
	/* Other vCPUs would need INIT/SIPI from a local APIC, which mhv lacks so far. */
	if (o.vcpus > 1) {
		fprintf(stderr, "mhvctl run: --vcpus %u: only 1 vCPU is supported\n", o.vcpus);
		fprintf(stderr, "mhvctl run: (no INIT/SIPI or APIC to start more with yet)\n");
		return MHVCTL_EXIT_USAGE;
	}
	vm.status = MHVCTL_EXIT_ERROR;
	vm.result = "error";
	snprintf(vm.message, sizeof(vm.message), "the guest did not start");
	if (create_vm(&vm, &o) || attach_pmem_and_map(&vm, &o) ||
	    load_image(&vm, o.image, o.cmdline, o.initrd))
		goto out;
	for (i = 0; i < ARRAY_SIZE(devices); i++)
		if (devices[i](vm_p) < 0)
			goto out;

	started = true;
	vm_run(&vm, o.timeout);
	if (vm.status != MHVCTL_EXIT_HALT && !(vm.status & 1) &&
	    strcmp(vm.result, "timeout") && strcmp(vm.result, "interrupted"))
		dump_state(&vm.vcpu[vm.stopped_by]);
out:
	have_vs = started && vcpu_stats(&vm, &vs);
	have_ms = started && !ioctl(vm.fd, MHV_GET_VM_STATS, &ms);
	if (started)
		fprintf(stderr, "mhvctl: %s\n", vm.message);
	if (o.stats && started)
		print_stats(&vm, &vs, have_vs, &ms, have_ms);
	if (o.json)
		print_json(&vm, &o, &vs, have_vs, &ms, have_ms);
	fflush(stdout);
	return vm.status;
}
