// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Applying persist's plan: the record first when it grows, last when it
 * goes; each file backed up once, then written atomically through the root
 * (root_edit_file keeps a link's target, owner and mode); on a failed write
 * everything written so far is put back, so a run changes all or nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "persist-plan.h"

/*
 * A configuration file is edited where it really is: through a link to its
 * target (root_edit_file), so /etc/default/grub -> grub.d/real stays a link.
 * The record and the backups are persist's own files, written in place.
 */
static int write_text(struct vfd_root *root, const char *path, const char *text, size_t len,
		      unsigned int mode)
{
	if (persist_file_kind(path) == FK_STATE)
		return vfd_root_write_file(root, path, text, len, mode);
	return root_edit_file(root, path, text, len, mode);
}

/* put one change back; the first error wins */
static int undo_change(struct vfd_root *root, const struct vfd_file_change *c, bool baked)
{
	int r;

	if (c->kind == VFD_CHANGE_CREATE)
		r = root_unlink(root, c->path, 0);
	else
		r = write_text(root, c->path, c->old_text, c->old_len, c->mode);
	if (baked) {
		char *bak = persist_bak_path(c->path);
		int rb = bak ? root_unlink(root, bak, 0) : -ENOMEM;

		free(bak);
		if (r == 0)
			r = rb;
	}
	return r;
}

static bool is_state_removal(const struct vfd_file_change *c)
{
	return strcmp(c->path, STATE_PATH) == 0 && c->kind == VFD_CHANGE_REMOVE;
}

/* backups no longer needed, dropped before the record goes (a crash leaves the record) */
static void drop_backups(struct vfd_root *root, const struct vfd_persist_plan *plan)
{
	for (size_t i = 0; i < plan->nchanges; i++) {
		char *bak;

		if (!plan->changes[i].drop_backup)
			continue;
		bak = persist_bak_path(plan->changes[i].path);
		if (bak)
			root_unlink(root, bak, 0);
		free(bak);
	}
}

int vfd_persist_apply(struct vfd_host *host, const struct vfd_persist_plan *plan,
		      size_t *failed)
{
	struct vfd_root *root = vfd_host_get_root(host);
	size_t n = plan->nchanges, *order, k = 0;
	bool *baked, dropped = false;
	int r = 0;

	if (failed)
		*failed = n;
	if (plan->refused)
		return -EPERM;
	if (!n)
		return 0;
	if (!vfd_root_is_writable(root))
		return -EROFS;
	order = calloc(n, sizeof(*order));
	baked = calloc(n, sizeof(*baked));
	if (!order || !baked) {
		free(order);
		free(baked);
		return -ENOMEM;
	}
	/* the record first when it grows, last when it goes: a crash leaves a way back */
	for (size_t i = 0; i < n; i++)
		if (strcmp(plan->changes[i].path, STATE_PATH) == 0 && !is_state_removal(&plan->changes[i]))
			order[k++] = i;
	for (size_t i = 0; i < n; i++)
		if (strcmp(plan->changes[i].path, STATE_PATH) != 0)
			order[k++] = i;
	for (size_t i = 0; i < n; i++)
		if (is_state_removal(&plan->changes[i]))
			order[k++] = i;
	for (k = 0; k < n; k++) {
		const struct vfd_file_change *c = &plan->changes[order[k]];

		if (is_state_removal(c) && !dropped) {
			drop_backups(root, plan);
			dropped = true;
		}
		if (c->backup) {
			char *bak = persist_bak_path(c->path);

			r = bak ? vfd_root_write_file(root, bak, c->old_text, c->old_len, c->mode)
				: -ENOMEM;
			free(bak);
			if (r < 0)
				break;
			baked[order[k]] = true;
		}
		if (c->kind == VFD_CHANGE_REMOVE)
			r = root_unlink(root, c->path, 0);
		else
			r = write_text(root, c->path, c->new_text, c->new_len, c->mode);
		if (r < 0)
			break;
	}
	if (r < 0) {
		if (failed)
			*failed = order[k];
		if (baked[order[k]]) {
			char *bak = persist_bak_path(plan->changes[order[k]].path);

			if (bak)
				root_unlink(root, bak, 0);
			free(bak);
		}
		while (k-- > 0)
			undo_change(root, &plan->changes[order[k]], baked[order[k]]);
		free(order);
		free(baked);
		return r;
	}
	if (!dropped)
		drop_backups(root, plan);
	for (size_t i = 0; i < n; i++)
		/* the record's directory is persist's own too */
		if (is_state_removal(&plan->changes[i]))
			root_unlink(root, "etc/vfio-doctor", AT_REMOVEDIR);
	free(order);
	free(baked);
	return 0;
}
