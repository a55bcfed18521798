/* SPDX-License-Identifier: GPL-2.0 */
/* What the image loaders share: the image in memory and the long-mode entry state. */
#ifndef MHVCTL_LOADER_H
#define MHVCTL_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "vm.h"

struct image {
	const char *path;
	u8 *data;
	size_t size;
};

/* Flat code and data descriptors, and where a loader puts them in its GDT. */
struct gdt_layout {
	u16 code32, code64, data;
};

/* loader.c: long mode on the 4 GiB identity map, CS/DS..SS from the layout. */
void loader_long_mode(struct vm *vm, struct mhv_sregs *s, const struct gdt_layout *l);

/* bzimage.c */
bool bzimage_detect(const u8 *data, size_t size);
int load_bzimage(struct vm *vm, const struct image *img, const struct image *initrd,
		 const char *cmdline, struct mhv_regs *regs, struct mhv_sregs *sregs);

#endif
