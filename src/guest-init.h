/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFD_GUEST_INIT_H
#define VFD_GUEST_INIT_H

/* the trial's /init (process 1 in the throwaway VM); never returns */
void guest_init(void) __attribute__((noreturn));

#endif
