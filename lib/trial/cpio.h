/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A cpio archive in the "newc" format the kernel unpacks as an initramfs
 * (init/initramfs.c; Documentation/driver-api/early-userspace/buffer-format.rst):
 * a 110-byte ASCII header per entry, name and data each padded to 4 bytes,
 * closed by the entry "TRAILER!!!".
 */
#ifndef VFD_CPIO_H
#define VFD_CPIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vfd_cpio {
	int fd;
	uint32_t ino;
	int err;		/* first write error (negative errno), sticky */
};

void vfd_cpio_init(struct vfd_cpio *c, int fd);
/* a directory, mode 0755 */
int vfd_cpio_dir(struct vfd_cpio *c, const char *name);
/* a regular file holding @len bytes of @data, with permissions @perm */
int vfd_cpio_file(struct vfd_cpio *c, const char *name, mode_t perm, const void *data, size_t len);
/* a character device node (the kernel's console before /dev is mounted) */
int vfd_cpio_chardev(struct vfd_cpio *c, const char *name, unsigned int major, unsigned int minor);
/* the trailer; returns the first error met on the way, or 0 */
int vfd_cpio_finish(struct vfd_cpio *c);

/* One entry read back by vfd_cpio_next. */
struct vfd_cpio_entry {
	char name[256];
	uint32_t mode;
	const uint8_t *data;
	size_t size;
	unsigned int rdev_major, rdev_minor;
};

/*
 * vfd_cpio_next - the entry at *@pos of the archive @buf (@len bytes); moves
 * *@pos past it. Returns 1 with @out filled, 0 at the trailer, -EBADMSG for a
 * truncated or malformed archive.
 */
int vfd_cpio_next(const uint8_t *buf, size_t len, size_t *pos, struct vfd_cpio_entry *out);

#endif
