// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The root's write side for the tool's own files (bind's records, persist's
 * configuration edits and backups): what may be written below a root is
 * decided once, by vfd_root_is_writable() (the live host, or a tree opened
 * VFD_ROOT_WRITABLE), and every file write, directory made and unlink below
 * it goes through here, each write atomic (lib/core/atomic.c). Writes to
 * sysfs attributes are the kernel's (vfd_root_writef in root.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int vfd_root_mkdirs(struct vfd_root *root, const char *path)
{
	char buf[PATH_MAX];
	int fd = vfd_root_openat(root, ".", O_PATH | O_DIRECTORY);
	int r = 0;

	if (fd < 0)
		return fd;
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	for (char *p = buf;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (*buf && mkdirat(fd, buf, 0755) < 0 && errno != EEXIST) {
				r = -errno;
				break;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	close(fd);
	return r;
}

/* @path's directory, opened inside the root (made as needed); its base in *@base */
static int open_parent(struct vfd_root *root, const char *path, char *dir, size_t size,
		       const char **base)
{
	const char *slash = strrchr(path, '/');
	int r;

	if (!slash || (size_t)(slash - path) >= size)
		return -EINVAL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	*base = slash + 1;
	r = vfd_root_mkdirs(root, dir);
	if (r < 0)
		return r;
	return vfd_root_openat(root, dir, O_PATH | O_DIRECTORY);
}

int vfd_root_write_file(struct vfd_root *root, const char *path, const char *data, size_t len,
			unsigned int mode)
{
	char dir[PATH_MAX];
	const char *base;
	int dfd, r;

	if (!vfd_root_is_writable(root))
		return -EROFS;
	dfd = open_parent(root, path, dir, sizeof(dir), &base);
	if (dfd < 0)
		return dfd;
	r = vfd_atomic_write(dfd, base, data, len, mode, VFD_ATOMIC_KEEP_OWNER);
	close(dfd);
	return r;
}

/* the stores whose files are links into read-only trees (NixOS, Guix) */
static bool in_readonly_store(const char *path)
{
	return strncmp(path, "nix/store/", 10) == 0 || strncmp(path, "gnu/store/", 10) == 0;
}

int root_resolve_links(struct vfd_root *root, const char *path, char **out)
{
	char done[PATH_MAX] = "", rest[PATH_MAX], next[PATH_MAX];
	unsigned int hops = 0;

	*out = NULL;
	if (snprintf(rest, sizeof(rest), "%s", path) >= (int)sizeof(rest))
		return -ENAMETOOLONG;
	while (*rest) {
		char *slash = strchr(rest, '/'), comp[NAME_MAX + 1], cand[PATH_MAX];
		size_t cl = slash ? (size_t)(slash - rest) : strlen(rest);
		char *target = NULL;
		int r;

		if (cl > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, rest, cl);
		comp[cl] = '\0';
		memmove(rest, rest + cl + (slash ? 1 : 0), strlen(rest + cl + (slash ? 1 : 0)) + 1);
		if (!*comp || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *up = strrchr(done, '/');

			/* ".." at the top would leave the root */
			if (!*done)
				return -EXDEV;
			if (up)
				*up = '\0';
			else
				*done = '\0';
			continue;
		}
		if (snprintf(cand, sizeof(cand), "%s%s%s", done, *done ? "/" : "", comp) >=
		    (int)sizeof(cand))
			return -ENAMETOOLONG;
		r = vfd_root_readlinkf(root, &target, "%s", cand);
		/* a directory reached through a link must be there: no directories made behind one */
		if (r == -ENOENT && hops && *rest)
			return -ENOENT;
		if (r == -EINVAL || r == -ENOENT) {
			/* not a link (or not there yet): the path goes on from here */
			memcpy(done, cand, strlen(cand) + 1);
			continue;
		}
		if (r < 0)
			return r;
		/* the kernel's limit on links followed in one lookup (fs/namei.c MAXSYMLINKS) */
		if (++hops > 40) {
			free(target);
			return -ELOOP;
		}
		if (snprintf(next, sizeof(next), "%s%s%s", target, *rest ? "/" : "", rest) >=
		    (int)sizeof(next)) {
			free(target);
			return -ENAMETOOLONG;
		}
		/* an absolute target starts again at the root's top */
		if (*target == '/')
			*done = '\0';
		free(target);
		memcpy(rest, next, strlen(next) + 1);
	}
	if (!*done)
		return -EINVAL;
	if (in_readonly_store(done))
		return -EROFS;
	*out = strdup(done);
	return *out ? 0 : -ENOMEM;
}

int root_edit_file(struct vfd_root *root, const char *path, const char *data, size_t len,
		   unsigned int mode)
{
	char *real = NULL;
	int r;

	if (!vfd_root_is_writable(root))
		return -EROFS;
	r = root_resolve_links(root, path, &real);
	if (r == 0)
		r = vfd_root_write_file(root, real, data, len, mode);
	free(real);
	return r;
}
