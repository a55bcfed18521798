/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_CORE_CHARDEV_H
#define MHV_CORE_CHARDEV_H

int mhv_chardev_register(void);
void mhv_chardev_unregister(void);

#endif
