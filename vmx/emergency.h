/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MHV_VMX_EMERGENCY_H
#define MHV_VMX_EMERGENCY_H

/* While mhv holds VMX: make crash and emergency restart leave VMX operation. */
void mhv_emergency_register(void);
void mhv_emergency_unregister(void);
int mhv_emergency_module_init(void);
void mhv_emergency_module_exit(void);

/* The callback itself, in vmxon.c: VMCLEAR and VMXOFF on the calling CPU. */
void mhv_vmx_emergency_off(void);

#endif
