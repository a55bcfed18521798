// SPDX-License-Identifier: GPL-2.0
/* mhvctl pmem: the named regions of a namespace, and --pmem of mhvctl run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mhvctl.h"
#include "vm.h"

#define PMEM_ALIGN	(2ULL << 20)

static bool valid_name(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n >= MHV_PMEM_NAME_LEN)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int set_name(char *dst, const char *name)
{
	if (!valid_name(name)) {
		fprintf(stderr, "mhvctl: bad pmem region name '%s': %s\n", name,
			"1 to 31 characters of [A-Za-z0-9._-]");
		return -1;
	}
	strcpy(dst, name);
	return 0;
}

static int check_size(const char *arg, u64 *size)
{
	if (parse_size(arg, size) || !*size || *size % PMEM_ALIGN) {
		fprintf(stderr,
			"mhvctl: bad pmem size '%s': a non-zero multiple of 2M (e.g. 16M)\n",
			arg);
		return -1;
	}
	return 0;
}

/* /dev/pmemN is a block device of the nd_pmem driver; /dev/daxN.M a char device of dax. */
int pmem_check_device(const char *dev, int fd)
{
	char link[128], target[256];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st))
		return -1;
	if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
		snprintf(link, sizeof(link), "/sys/dev/%s/%u:%u%s",
			 S_ISBLK(st.st_mode) ? "block" : "char", major(st.st_rdev),
			 minor(st.st_rdev), S_ISBLK(st.st_mode) ? "" : "/subsystem");
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			const char *base;

			target[n] = 0;
			base = strrchr(target, '/');
			base = base ? base + 1 : target;
			if (S_ISBLK(st.st_mode) ? !strncmp(base, "pmem", 4) : !strcmp(base, "dax"))
				return 0;
		}
	}
	fprintf(stderr, "mhvctl: %s is not a pmem namespace: %s\n", dev,
		"give an fsdax /dev/pmemN or a devdax /dev/daxN.M (see 'ndctl list -N')");
	return -1;
}

static int open_namespace(const char *dev, int flags)
{
	int fd = open(dev, flags | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "mhvctl: cannot open %s: %s\n", dev, strerror(errno));
		return -1;
	}
	if (pmem_check_device(dev, fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Before any VM exists: a wrong device is the operator's typo, say so first. */
int pmem_validate(const struct pmem_opt *opt)
{
	int fd = open_namespace(opt->dev, O_RDONLY);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* What to do about each error a pmem ioctl gives; %s is the device. */
static const struct {
	int err;
	const char *hint;
} pmem_hints[] = {
	{ ENOTTY, "this mhv.ko has no pmem support" },
	{ ENODATA, "no region table on %s: run 'mhvctl pmem format %s' first" },
	{ ENOENT, "no such region: 'mhvctl pmem ls %s' lists them; size= makes --pmem create it" },
	{ EOPNOTSUPP,
	  "no DAX on %s (raw mode?): ndctl create-namespace -f -e namespaceX.Y -m fsdax" },
	{ EEXIST, "a region of that name exists" },
	{ ENOSPC, "not enough free space in the namespace" },
	{ EBUSY, "in use by a running VM; a 'shared' region may be attached by several" },
};

static void explain_pmem_error(const char *what, const char *dev, const char *name)
{
	int e = errno;
	size_t i;

	fprintf(stderr, "mhvctl: %s %s%s%s: %s\n", what, dev, name ? " " : "", name ? name : "",
		strerror(e));
	for (i = 0; i < ARRAY_SIZE(pmem_hints); i++) {
		if (pmem_hints[i].err != e)
			continue;
		fprintf(stderr, "mhvctl: ");
		fprintf(stderr, pmem_hints[i].hint, dev, dev);
		fprintf(stderr, "\n");
	}
}

/* DEV[,name=NAME][,size=SIZE][,shared][,ro] */
int pmem_parse_opt(const char *arg, struct pmem_opt *opt)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int ret = 0;

	memset(opt, 0, sizeof(*opt));
	tok = copy ? strtok_r(copy, ",", &save) : NULL;
	if (!tok) {
		fprintf(stderr,
			"mhvctl: --pmem needs a device: --pmem /dev/pmem0[,name=N][,size=S]\n");
		free(copy);
		return -1;
	}
	opt->dev = strdup(tok);
	while (!ret && (tok = strtok_r(NULL, ",", &save))) {
		if (!strncmp(tok, "name=", 5)) {
			ret = set_name(opt->name, tok + 5);
		} else if (!strncmp(tok, "size=", 5)) {
			ret = check_size(tok + 5, &opt->size);
		} else if (!strcmp(tok, "shared")) {
			opt->flags |= MHV_PMEM_SHARED;
		} else if (!strcmp(tok, "ro")) {
			opt->flags |= MHV_PMEM_READONLY;
		} else {
			fprintf(stderr,
				"mhvctl: --pmem: unknown option '%s' (name=, size=, shared, ro)\n",
				tok);
			ret = -1;
		}
	}
	free(copy);
	return ret;
}

/*
 * The table of a namespace: asks with no room first, then with what the
 * kernel says it needs (E2BIG and the count, as KVM's list ioctls do).
 * Returns the entries (free them) or NULL with errno set.
 */
static struct mhv_pmem_region *list_regions(int dev_fd, int fd, struct mhv_pmem_list *l)
{
	struct mhv_pmem_region *r = NULL;

	for (;;) {
		unsigned int room = l->count;

		l->fd = fd;
		l->entries = (uintptr_t)r;
		if (!ioctl(dev_fd, MHV_PMEM_LIST, l))
			return r ? r : calloc(1, sizeof(*r));
		free(r);
		if (errno != E2BIG || l->count <= room)
			return NULL;
		r = calloc(l->count, sizeof(*r));
		if (!r)
			return NULL;
	}
}

static int region_exists(int dev_fd, int fd, const char *name, bool *exists)
{
	struct mhv_pmem_list l = { 0 };
	struct mhv_pmem_region *r = list_regions(dev_fd, fd, &l);
	unsigned int i;

	if (!r)
		return -1;
	*exists = false;
	for (i = 0; i < l.count; i++)
		if (!strcmp(r[i].name, name))
			*exists = true;
	free(r);
	return 0;
}

int pmem_attach(struct vm *vm, struct pmem_opt *opt, const char *default_name, u64 gpa)
{
	struct mhv_pmem_attach a;
	int fd, ret = -1;
	bool exists;

	if (!opt->name[0] && set_name(opt->name, default_name))
		return -1;
	fd = open_namespace(opt->dev, opt->flags & MHV_PMEM_READONLY ? O_RDONLY : O_RDWR);
	if (fd < 0)
		return -1;
	if (opt->size) {
		if (region_exists(vm->dev_fd, fd, opt->name, &exists)) {
			explain_pmem_error("listing the regions of", opt->dev, NULL);
			goto out;
		}
		if (!exists) {
			struct mhv_pmem_region r = { .fd = fd, .size = opt->size,
						     .flags = opt->flags & MHV_PMEM_SHARED };

			strcpy(r.name, opt->name);
			if (ioctl(vm->dev_fd, MHV_PMEM_CREATE, &r)) {
				explain_pmem_error("creating region on", opt->dev, opt->name);
				goto out;
			}
		}
	}
	memset(&a, 0, sizeof(a));
	a.fd = fd;
	a.flags = opt->flags;
	strcpy(a.name, opt->name);
	a.guest_phys_addr = gpa;
	if (ioctl(vm->fd, MHV_ATTACH_PMEM, &a)) {
		explain_pmem_error("attaching", opt->dev, opt->name);
		goto out;
	}
	opt->gpa = gpa;
	opt->attached_size = a.size;
	ret = 0;
out:
	/* The VM holds its own reference to the namespace once attached. */
	close(fd);
	return ret;
}

/* mhvctl pmem ... */

static void pmem_usage(FILE *out)
{
	fprintf(out,
		"usage: mhvctl pmem ls DEV\n"
		"       mhvctl pmem format DEV\n"
		"       mhvctl pmem create DEV NAME --size SIZE [--shared]\n"
		"       mhvctl pmem rm DEV NAME\n\n"
		"The named regions mhv keeps in a pmem namespace (DEV: an fsdax /dev/pmemN or\n"
		"a devdax /dev/daxN.M). 'format' writes an empty region table and destroys\n"
		"the old one. SIZE is a multiple of 2M (16M, 1G). A --shared region may be\n"
		"attached by several VMs at once.\n");
}

static int pmem_ls(int dev_fd, int fd, const char *dev)
{
	struct mhv_pmem_list l = { 0 };
	struct mhv_pmem_region *r = list_regions(dev_fd, fd, &l);
	unsigned int i;

	if (!r) {
		explain_pmem_error("listing", dev, NULL);
		return MHVCTL_EXIT_ERROR;
	}
	printf("%s: %llu MiB, %llu MiB free, %u region%s\n", dev, l.namespace_size >> 20,
	       l.free_bytes >> 20, l.count, l.count == 1 ? "" : "s");
	if (l.count)
		printf("%-32s %10s %12s %s\n", "NAME", "SIZE", "OFFSET", "FLAGS");
	for (i = 0; i < l.count; i++)
		printf("%-32s %9lluM %#12llx %s\n", r[i].name, r[i].size >> 20, r[i].offset,
		       r[i].flags & MHV_PMEM_SHARED ? "shared" : "-");
	free(r);
	return 0;
}

/* Options may come before or after the positional arguments. */
static int parse_pmem_args(int argc, char **argv, const char **pos, int *npos,
			   u64 *size, bool *shared)
{
	int i;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--shared")) {
			*shared = true;
		} else if (!strcmp(a, "--size") || !strncmp(a, "--size=", 7)) {
			const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : NULL);

			if (!v) {
				fprintf(stderr,
					"mhvctl pmem: --size needs a value (e.g. --size 16M)\n");
				return -1;
			}
			if (check_size(v, size))
				return -1;
		} else if (a[0] == '-') {
			fprintf(stderr,
				"mhvctl pmem: unknown option '%s' (see mhvctl pmem --help)\n",
				a);
			return -1;
		} else if (*npos < 3) {
			pos[(*npos)++] = a;
		} else {
			fprintf(stderr, "mhvctl pmem: unexpected argument '%s'\n", a);
			return -1;
		}
	}
	return 0;
}

int mhvctl_pmem(int argc, char **argv)
{
	const char *pos[3], *sub, *dev;
	struct mhv_pmem_region r;
	u64 size = 0;
	bool shared = false;
	int npos, fd, dev_fd, ret = 0;

	if (wants_help(argc, argv)) {
		pmem_usage(stdout);
		return 0;
	}
	if (parse_pmem_args(argc, argv, pos, &npos, &size, &shared))
		return MHVCTL_EXIT_USAGE;
	if (npos < 2) {
		pmem_usage(stderr);
		return MHVCTL_EXIT_USAGE;
	}
	sub = pos[0];
	dev = pos[1];
	memset(&r, 0, sizeof(r));
	if (!strcmp(sub, "create") || !strcmp(sub, "rm")) {
		if (npos != 3) {
			fprintf(stderr, "mhvctl pmem %s: needs DEV and NAME\n", sub);
			return MHVCTL_EXIT_USAGE;
		}
		if (set_name(r.name, pos[2]))
			return MHVCTL_EXIT_USAGE;
		if (!strcmp(sub, "create") && !size) {
			fprintf(stderr, "mhvctl pmem create: needs --size (e.g. --size 16M)\n");
			return MHVCTL_EXIT_USAGE;
		}
	} else if (strcmp(sub, "ls") && strcmp(sub, "format")) {
		fprintf(stderr,
			"mhvctl pmem: unknown subcommand '%s' (ls, format, create, rm)\n",
			sub);
		return MHVCTL_EXIT_USAGE;
	} else if (npos != 2) {
		fprintf(stderr, "mhvctl pmem %s: unexpected argument '%s'\n", sub, pos[2]);
		return MHVCTL_EXIT_USAGE;
	}
	if ((size || shared) && strcmp(sub, "create")) {
		fprintf(stderr, "mhvctl pmem %s: --size and --shared are for create\n", sub);
		return MHVCTL_EXIT_USAGE;
	}

	dev_fd = mhvctl_open_dev();
	if (dev_fd < 0)
		return MHVCTL_EXIT_ERROR;
	fd = open_namespace(dev, O_RDWR);
	if (fd < 0) {
		close(dev_fd);
		return MHVCTL_EXIT_ERROR;
	}
	r.fd = fd;
	if (!strcmp(sub, "ls")) {
		ret = pmem_ls(dev_fd, fd, dev);
	} else if (!strcmp(sub, "format")) {
		struct mhv_pmem_format f = { .fd = fd };

		if (ioctl(dev_fd, MHV_PMEM_FORMAT, &f)) {
			explain_pmem_error("formatting", dev, NULL);
			ret = MHVCTL_EXIT_ERROR;
		} else {
			printf("%s: empty region table written\n", dev);
		}
	} else if (!strcmp(sub, "create")) {
		r.size = size;
		r.flags = shared ? MHV_PMEM_SHARED : 0;
		if (ioctl(dev_fd, MHV_PMEM_CREATE, &r)) {
			explain_pmem_error("creating region on", dev, r.name);
			ret = MHVCTL_EXIT_ERROR;
		} else {
			printf("%s: created %s, %llu MiB at offset %#llx\n", dev, r.name,
			       (r.size >> 20), r.offset);
		}
	} else {
		if (ioctl(dev_fd, MHV_PMEM_REMOVE, &r)) {
			explain_pmem_error("removing region from", dev, r.name);
			ret = MHVCTL_EXIT_ERROR;
		} else {
			printf("%s: removed %s\n", dev, r.name);
		}
	}
	close(fd);
	close(dev_fd);
	return ret;
}
