/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for the VMX instructions whose failure paths cannot be
 * reached otherwise: /sys/kernel/debug/fail_mhv_vmptrld and fail_mhv_invept,
 * with the kernel's usual knobs (Documentation/fault-injection/).
 */
#ifndef MHV_VMX_FAULT_INJECT_H
#define MHV_VMX_FAULT_INJECT_H

#include <linux/types.h>

#ifdef CONFIG_FAULT_INJECTION
bool mhv_should_fail_vmptrld(void);
bool mhv_should_fail_invept(void);
void mhv_fault_inject_init(void);
void mhv_fault_inject_exit(void);
#else
static inline bool mhv_should_fail_vmptrld(void) { return false; }
static inline bool mhv_should_fail_invept(void) { return false; }
static inline void mhv_fault_inject_init(void) { }
static inline void mhv_fault_inject_exit(void) { }
#endif

#endif
