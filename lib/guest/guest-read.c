// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every part of the guest's run reads with: files through the root,
 * each refusal for want of root noted for guest.access, and the kernel
 * command line. The other guest*.c files call in here, never the reverse.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest-internal.h"

void guest_note_denied(struct gctx *g, const char *path, int r)
{
	if (r != -EACCES && r != -EPERM)
		return;
	for (size_t i = 0; i < g->unreadable.n; i++)
		if (strcmp(g->unreadable.v[i], path) == 0)
			return;
	strv_addf(&g->unreadable, "%s", path);
}

int guest_read_str(struct gctx *g, char **out, const char *path)
{
	int r = vfd_root_readf_str(g->root, out, "%s", path);

	guest_note_denied(g, path, r);
	return r;
}

unsigned int guest_read_hex(struct gctx *g, const char *slot, const char *attr, bool *ok)
{
	char path[96];
	uint64_t v = 0;
	int r;

	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/%s", slot, attr);
	r = vfd_root_readf_u64(g->root, &v, "%s", path);
	guest_note_denied(g, path, r);
	if (ok)
		*ok = r == 0;
	return r == 0 ? (unsigned int)v : 0;
}

bool guest_cmdline_has(struct gctx *g, const char *key)
{
	return g->cmdline && vfd_cmdline_has(g->cmdline, g->n_cmdline, key);
}
