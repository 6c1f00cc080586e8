// SPDX-License-Identifier: GPL-2.0-or-later
/* The built-in knowledge base with only its family entries (families-only.c) */
#ifndef VFD_FAMILIES_ONLY_H
#define VFD_FAMILIES_ONLY_H
#include <stdbool.h>

struct vfd_kb;

/* a knowledge base of the built-in one's family entries, or NULL (message on stderr) */
struct vfd_kb *families_only(void);

#endif
