/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshots inside libvfd: what is collected (snapshot.c), how the archive is
 * written (snapshot-archive.c), what is kept of accounts, mounts and routes
 * (snapshot-filter.c).
 */
#ifndef VFD_SNAPSHOT_INTERNAL_H
#define VFD_SNAPSHOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

/* the most of one file copied */
#define ATTR_MAX (1u << 20)

struct snap {
	struct vfd_root *root;
	struct archive *ar;
	const struct vfd_snapshot_opts *opts;
	char **dirs;		/* directories already written */
	size_t ndirs, capdirs;
	char *hostname;
	int err;
	time_t now;
	/* interfaces named after their MAC (enx..., wlx...) and the names they get */
	char ifnames[32][2][16];
	size_t nifnames;
};

struct archive;

/* snapshot-archive.c */

/* the archive on @fd, as s->opts asks (compression): 0, -ELIBACC, -ENOMEM, -EIO */
int snap_open(struct snap *s, int fd);
/* finish the archive and free what writing it held: the first failure (s->err), or 0 */
int snap_close(struct snap *s);

/* the members: each records a failure in s->err */

/* give every MAC-named interface a stand-in of the same length: enx000000000001, ... */
void snap_collect_ifnames(struct snap *s);
/* directory @path and those above it, each written once */
void snap_add_dir(struct snap *s, const char *path);
/* a file @path holding @data, with its parents */
void snap_add_data(struct snap *s, const char *path, const void *data, size_t len,
		   unsigned int mode, unsigned int uid, unsigned int gid);
/* copy one file as it is, up to @max bytes; a missing file is not an error */
void snap_copy_file_max(struct snap *s, const char *path, size_t max);
/* the same up to ATTR_MAX */
void snap_copy_file(struct snap *s, const char *path);
/* a device node or any file whose presence, mode and owner are what counts */
void snap_copy_node(struct snap *s, const char *path);
/* the link @path as a link; its target (caller frees), or NULL when not a link */
char *snap_copy_link(struct snap *s, const char *path);
/* "sys/bus/pci/devices" + "../../../devices/pci0000:00/x" -> "sys/devices/pci0000:00/x" */
char *snap_resolve(const char *dir, const char *target);
/* replace every occurrence of @what in @buf (same length or shorter); the new length */
size_t snap_replace_all(char *buf, size_t len, const char *what, const char *with);

/* snapshot-filter.c */
/* etc/passwd and etc/group with only the accounts the checks look at */
void snap_accounts(struct snap *s);
/* proc/net/if_inet6 with its addresses zeroed */
void snap_if_inet6(struct snap *s);
/* proc/net/route: the header and default routes, gateways zeroed */
void snap_route(struct snap *s);
/* proc/swaps and proc/self/mountinfo: what the checks read of them */
void snap_swaps(struct snap *s);
void snap_mountinfo(struct snap *s);

#endif
