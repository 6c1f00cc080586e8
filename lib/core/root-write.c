// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The root's write side for the tool's own files: what may be written below
 * a root is decided once, by vfd_root_is_writable() (the live host, or a tree
 * opened VFD_ROOT_WRITABLE), and every unlink below it goes through here.
 * Writes to sysfs attributes are the kernel's (vfd_root_writef in root.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int root_unlink(struct vfd_root *root, const char *path, int flags)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int dfd, r = 0;

	if (!vfd_root_is_writable(root))
		return -EROFS;
	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	dfd = vfd_root_openat(root, dir, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	vfd_test_step("unlink", slash + 1);
	if (unlinkat(dfd, slash + 1, flags) < 0 && errno != ENOENT)
		r = -errno;
	close(dfd);
	return r;
}
