// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files written whole: the one way libvfd and the CLI replace a file (state
 * records, persist's configuration files, metrics, snapshots, ROM dumps).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

void (*vfd_test_step_hook)(const char *what, const char *path);

void vfd_test_step(const char *what, const char *path)
{
	if (vfd_test_step_hook)
		vfd_test_step_hook(what, path);
}

static unsigned int umask_now(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return mask;
}

/* the new file's mode and, when it replaces one, that one's owner */
static int set_owner_mode(struct vfd_atomic_file *f, unsigned int mode, unsigned int flags)
{
	struct stat old;
	bool keep = (flags & VFD_ATOMIC_KEEP_OWNER) &&
		    fstatat(f->dfd, f->name, &old, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(old.st_mode);

	if (keep)
		mode = old.st_mode;
	else if (flags & VFD_ATOMIC_UMASK)
		mode &= ~umask_now();
	if (fchmod(f->fd, mode & 07777) < 0)
		return -errno;
	if (keep && (old.st_uid != geteuid() || old.st_gid != getegid()) &&
	    fchown(f->fd, old.st_uid, old.st_gid) < 0)
		return -errno;
	return 0;
}

int vfd_atomic_open(struct vfd_atomic_file *f, int dirfd, const char *path, unsigned int mode,
		    unsigned int flags)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char dir[PATH_MAX];
	int r;

	f->fd = f->dfd = -1;
	f->tmp[0] = '\0';
	/*
	 * ".<name>.<pid>.tmp": hidden, matched by no "*.conf" or "*.prom" glob, and
	 * known for one a killed run left by persist's scan for leftovers (persist.c)
	 */
	if (!*base || strlen(base) + 16 > NAME_MAX)
		return *base ? -ENAMETOOLONG : -EISDIR;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path),
			  path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	snprintf(f->name, sizeof(f->name), "%s", base);
	/* O_RDONLY, not O_PATH: the directory is fsynced after the rename */
	f->dfd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dfd < 0)
		return -errno;
	snprintf(f->tmp, sizeof(f->tmp), ".%s.%d.tmp", base, (int)getpid());
	f->fd = openat(f->dfd, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (f->fd < 0) {
		r = -errno;
		f->tmp[0] = '\0';
		goto fail;
	}
	vfd_test_step("temporary", f->name);
	r = set_owner_mode(f, mode, flags);
	if (r == 0)
		return 0;
fail:
	vfd_atomic_abort(f);
	return r;
}

int vfd_atomic_commit(struct vfd_atomic_file *f)
{
	int r = 0;

	if (fsync(f->fd) < 0)
		r = -errno;
	if (close(f->fd) < 0 && r == 0)
		r = -errno;
	f->fd = -1;
	if (r == 0)
		vfd_test_step("written", f->name);
	/* the rename is the commit: the file is whole or not there */
	if (r == 0 && renameat(f->dfd, f->tmp, f->dfd, f->name) < 0)
		r = -errno;
	if (r < 0) {
		vfd_atomic_abort(f);
		return r;
	}
	f->tmp[0] = '\0';
	vfd_test_step("renamed", f->name);
	/* the new name on disk too */
	if (fsync(f->dfd) < 0)
		r = -errno;
	close(f->dfd);
	f->dfd = -1;
	return r;
}

void vfd_atomic_abort(struct vfd_atomic_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->dfd >= 0 && f->tmp[0])
		unlinkat(f->dfd, f->tmp, 0);
	if (f->dfd >= 0)
		close(f->dfd);
	f->fd = f->dfd = -1;
	f->tmp[0] = '\0';
}

int vfd_atomic_write(int dirfd, const char *path, const void *data, size_t len,
		     unsigned int mode, unsigned int flags)
{
	struct vfd_atomic_file f;
	const char *p = data;
	int r;

	r = vfd_atomic_open(&f, dirfd, path, mode, flags);
	if (r < 0)
		return r;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(f.fd, p + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			vfd_atomic_abort(&f);
			return r;
		}
		off += (size_t)n;
	}
	return vfd_atomic_commit(&f);
}
