// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check --user: whether the account QEMU runs as may open a device node, for
 * the host layer (/dev/kvm) and the device layer (/dev/vfio/N) alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include "check-layers.h"
#include "internal.h"

bool finding_user_access(struct check_ctx *ctx, struct vfd_finding *f, const struct stat *st,
			 const char *path, const char *node)
{
	const char *user = ctx->opts ? ctx->opts->user : NULL;
	bool can = false;
	char *why = NULL;
	int r;

	if (!user || !f)
		return false;
	r = user_can_open(ctx->root, user, st, &can, &why);
	if (r == -ESRCH) {
		finding_evidence(f, "user %s not found in /etc/passwd", user);
	} else if (r < 0) {
		finding_evidence(f, "/etc/passwd not readable: access of %s unknown", user);
	} else if (can) {
		finding_evidence(f, "%s may open %s (read and write)", user, path);
	} else {
		f->status = VFD_WARN;
		free(f->summary);
		f->summary = xasprintf("%s cannot open %s (%s)", user, path, node ? node : "?");
		if (why)
			finding_evidence(f, "%s", why);
	}
	free(why);
	return r == 0 && !can;
}
