/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What bind records (state.c) as only the library uses it: bind.c writes and
 * drops the records, the CLI reads them through vfd_record_load(). Included
 * by internal.h.
 */
#ifndef VFD_CHANGE_INTERNAL_H
#define VFD_CHANGE_INTERNAL_H

#include "vfd.h"

/* 1 written, 0 kept (a record already there wins: it holds the original driver), -errno */
int vfd_record_save(struct vfd_root *root, const struct vfd_binding_record *rec);
int vfd_record_remove(struct vfd_root *root, const char *slot);
/* every recorded slot, a NULL-terminated list (caller frees with vfd_strv_free) */
int vfd_record_list(struct vfd_root *root, char ***slots);

#endif
