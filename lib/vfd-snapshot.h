/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: snapshots of a host for offline diagnosis. Include "vfd.h", not this file. */
#ifndef LIBVFD_SNAPSHOT_H
#define LIBVFD_SNAPSHOT_H

#include "vfd-root.h"


/* ------------------------------------------------------- snapshot */

enum vfd_snapshot_compress { VFD_SNAPSHOT_NONE, VFD_SNAPSHOT_GZIP, VFD_SNAPSHOT_XZ };

struct vfd_snapshot_opts {
	bool redact;			/* serial numbers and the host name */
	enum vfd_snapshot_compress compress;
};

/*
 * vfd_snapshot_write - write what check and groups read from @root as a
 * sysroot tarball to @fd. Missing files are left out; nothing is written
 * outside @fd. Returns 0, -EIO when the archive cannot be written, -ENOMEM.
 */
int vfd_snapshot_write(struct vfd_root *root, int fd, const struct vfd_snapshot_opts *opts);

#endif
