// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The root context: the only door to /sys, /proc, /dev and /etc.
 *
 * Every path is relative to one directory fd opened at construction, so a
 * sysroot (a snapshot tree) and the live host are read by the same code.
 * In a sysroot, links are resolved inside the root: with openat2
 * (RESOLVE_IN_ROOT) where the kernel has it, otherwise by a walk a component
 * at a time that reads each link and resolves it here (open_confined()). A
 * sysroot is a stranger's tree: nothing it names may lead out of it, and no
 * FIFO in it may block a read.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

struct vfd_root {
	int refcount;
	int dirfd;
	bool live;
	bool writable;		/* files may be written below it (VFD_ROOT_WRITABLE) */
	bool have_openat2;
	char *prefix;
	vfd_log_fn log_fn;
	void *log_data;
	int log_priority;
	vfd_write_fn write_fn;
	void *write_data;
	/* the files refused as not regular, so that each is named once */
	char *refused[16];
	size_t n_refused;
};

struct vfd_root *vfd_root_new(const char *prefix)
{
	return vfd_root_open(prefix, 0);
}

struct vfd_root *vfd_root_open(const char *prefix, unsigned int flags)
{
	struct vfd_root *root;
	struct stat st;
	const char *dir = prefix && *prefix ? prefix : "/";
	const char *env;

	root = calloc(1, sizeof(*root));
	if (!root)
		return NULL;
	root->refcount = 1;
	root->live = strcmp(dir, "/") == 0;
	/* the live host is the machine itself: its kernel and file modes decide */
	root->writable = root->live || (flags & VFD_ROOT_WRITABLE);
	root->have_openat2 = true;
	/* warnings (a file refused as not regular) by default, all with VFD_DEBUG */
	root->log_priority = 4;
	env = getenv("VFD_DEBUG");
	if (env && *env)
		root->log_priority = 7;
	root->prefix = strdup(dir);
	if (!root->prefix)
		goto fail;
	root->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root->dirfd < 0)
		goto fail;
	/* A tree without sys/ cannot be a sysroot: say so at once. */
	if (fstatat(root->dirfd, "sys", &st, 0) < 0 || !S_ISDIR(st.st_mode)) {
		close(root->dirfd);
		errno = ENOTDIR;
		goto fail;
	}
	return root;
fail:
	{
		int saved = errno;

		free(root->prefix);
		free(root);
		errno = saved;
	}
	return NULL;
}

struct vfd_root *vfd_root_ref(struct vfd_root *root)
{
	if (root)
		root->refcount++;
	return root;
}

void vfd_root_unref(struct vfd_root *root)
{
	if (!root || --root->refcount > 0)
		return;
	close(root->dirfd);
	for (size_t i = 0; i < root->n_refused; i++)
		free(root->refused[i]);
	free(root->prefix);
	free(root);
}

bool vfd_root_is_live(const struct vfd_root *root)
{
	return root->live;
}

const char *vfd_root_get_prefix(const struct vfd_root *root)
{
	return root->prefix;
}

void vfd_root_set_log_fn(struct vfd_root *root, vfd_log_fn fn, void *data)
{
	root->log_fn = fn;
	root->log_data = data;
}

void vfd_log(const struct vfd_root *root, int priority, const char *fmt, ...)
{
	va_list ap;

	if (!root || !root->log_fn || priority > root->log_priority)
		return;
	va_start(ap, fmt);
	root->log_fn(root->log_data, priority, fmt, ap);
	va_end(ap);
}

/* Paths are always taken relative to the root: strip leading slashes. */
static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

static __attribute__((format(printf, 3, 0))) int vformat(char *buf, size_t size,
							  const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Without openat2 (kernels before 5.6, seccomp profiles that answer ENOSYS
 * or EPERM) walk @rel one component at a time, never letting the kernel
 * follow a link: each link's text is read and walked from here, an absolute
 * one from the root, and ".." stops at the root. That is RESOLVE_IN_ROOT done
 * in user space (fs/namei.c: nd_jump_root(), follow_dotdot() clamped at
 * nd->root; MAXSYMLINKS is 40 in include/linux/namei.h).
 */
#define ROOT_MAX_LINKS 40

/*
 * Open again the directory @cur, a path of plain directories below the root
 * walked before: a component at a time with O_NOFOLLOW, since one of them may
 * have been swapped for a link since.
 */
static int reopen_walked(int rootfd, const char *cur)
{
	char copy[PATH_MAX];
	char *save = NULL, *name;
	int fd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	snprintf(copy, sizeof(copy), "%s", cur);
	for (name = strtok_r(copy, "/", &save); name && fd >= 0;
	     name = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		close(fd);
		fd = next;
	}
	return fd < 0 ? -errno : fd;
}

static int open_confined(int rootfd, const char *rel, int flags)
{
	/* what is still to walk, and the plain directories walked so far */
	char rest[PATH_MAX], cur[PATH_MAX] = "";
	size_t curlen = 0;
	int links = 0, dfd;

	if (strlen(rel) >= sizeof(rest))
		return -ENAMETOOLONG;
	strcpy(rest, rel);
	dfd = reopen_walked(rootfd, "");
	if (dfd < 0)
		return dfd;
	for (;;) {
		char name[NAME_MAX + 1], target[PATH_MAX];
		char *p = rest, *end;
		size_t len;
		bool last;
		struct stat st;
		ssize_t n;
		int fd;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len > NAME_MAX) {
			close(dfd);
			return -ENAMETOOLONG;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		while (*end == '/')
			end++;
		last = *end == '\0';
		memmove(rest, end, strlen(end) + 1);
		if (len == 0 || strcmp(name, ".") == 0) {
			if (!last)
				continue;
			fd = openat(dfd, ".", flags | O_CLOEXEC);
			close(dfd);
			return fd < 0 ? -errno : fd;
		}
		if (strcmp(name, "..") == 0) {
			char *slash = strrchr(cur, '/');

			/* ".." of the root is the root */
			curlen = slash ? (size_t)(slash - cur) : 0;
			cur[curlen] = '\0';
			close(dfd);
			dfd = reopen_walked(rootfd, cur);
			if (dfd < 0)
				return dfd;
			if (last) {
				fd = openat(dfd, ".", flags | O_CLOEXEC);
				close(dfd);
				return fd < 0 ? -errno : fd;
			}
			continue;
		}
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			int r = -errno;

			/* a file the caller creates is not there yet */
			if (r == -ENOENT && last && (flags & O_CREAT)) {
				fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
				close(dfd);
				return fd < 0 ? -errno : fd;
			}
			close(dfd);
			return r;
		}
		if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
			size_t tlen, rlen = strlen(rest);

			if (++links > ROOT_MAX_LINKS) {
				close(dfd);
				return -ELOOP;
			}
			n = readlinkat(dfd, name, target, sizeof(target) - 1);
			if (n < 0) {
				int r = -errno;

				close(dfd);
				return r;
			}
			tlen = (size_t)n;
			target[tlen] = '\0';
			if (tlen + 1 + rlen >= sizeof(rest)) {
				close(dfd);
				return -ENAMETOOLONG;
			}
			/* the link's text comes first, then what was left of the path */
			memmove(rest + tlen + 1, rest, rlen + 1);
			memcpy(rest, target, tlen);
			rest[tlen] = rlen ? '/' : '\0';
			if (target[0] == '/') {
				cur[0] = '\0';
				curlen = 0;
				close(dfd);
				dfd = reopen_walked(rootfd, "");
				if (dfd < 0)
					return dfd;
			}
			continue;
		}
		if (last) {
			fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
			close(dfd);
			return fd < 0 ? -errno : fd;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(dfd);
			return -ENOTDIR;
		}
		fd = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		if (fd < 0)
			return -errno;
		dfd = fd;
		if (curlen + 1 + len >= sizeof(cur)) {
			close(dfd);
			return -ENAMETOOLONG;
		}
		if (curlen)
			cur[curlen++] = '/';
		memcpy(cur + curlen, name, len + 1);
		curlen += len;
	}
}

/* the kind of a file that is not a regular file or a directory, for messages */
static const char *file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "FIFO";
	if (S_ISSOCK(mode))
		return "socket";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISLNK(mode))
		return "symbolic link";
	return "special file";
}

/* name a refused file once: a scan asks for the same attribute again and again */
static void log_refused(struct vfd_root *root, const char *dir, const char *name, mode_t mode)
{
	char rel[PATH_MAX];
	size_t i, plen = strlen(root->prefix);

	snprintf(rel, sizeof(rel), "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
	for (i = 0; i < root->n_refused; i++)
		if (strcmp(root->refused[i], rel) == 0)
			return;
	if (i < ARRAY_SIZE(root->refused)) {
		root->refused[i] = strdup(rel);
		if (root->refused[i])
			root->n_refused++;
	}
	vfd_log(root, 4, "'%s%s%s' is a %s, not a regular file: not read", root->prefix,
		plen && root->prefix[plen - 1] == '/' ? "" : "/", rel, file_kind(mode));
}

/*
 * A FIFO where a file is expected would block open() and read() for ever, a
 * socket cannot be read, and a device node in a sysroot would be read on the
 * machine looking at the tree, not on the one it came from (the sysroot keeps
 * device nodes as plain files). Only the live root opens device nodes.
 */
static int check_opened(struct vfd_root *root, const char *dir, const char *name, int fd,
			int flags)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
	    (!root->live && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))) {
		log_refused(root, dir, name, st.st_mode);
		close(fd);
		return -VFD_ENOTREG;
	}
	/* the caller did not ask for O_NONBLOCK: a device node reads as it expects */
	if (!(flags & (O_NONBLOCK | O_PATH)) && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* openat2 is there, or the kernel or a seccomp profile refuses it outright */
static bool openat2_refused(int dirfd, int err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int fd;

	if (err == ENOSYS)
		return true;
	if (err != EPERM)
		return false;
	/* EPERM may be the file's own answer: ask again for the root itself */
	fd = (int)syscall(SYS_openat2, dirfd, ".", &how, sizeof(how));
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EPERM || errno == ENOSYS;
}

static int open_resolved(struct vfd_root *root, const char *rel, int flags)
{
	int fd;

	if (root->live) {
		fd = openat(root->dirfd, rel, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	if (root->have_openat2) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};

		/*
		 * A rename anywhere on the system while a ".." is walked makes the
		 * kernel give up with EAGAIN rather than risk an escape; sysfs links
		 * are all "../../..", so on a busy host this happens: try again.
		 */
		for (int tries = 0; tries < 64; tries++) {
			fd = (int)syscall(SYS_openat2, root->dirfd, rel, &how, sizeof(how));
			if (fd >= 0)
				return fd;
			if (errno != EAGAIN)
				break;
		}
		if (!openat2_refused(root->dirfd, errno))
			return -errno;
		root->have_openat2 = false;
	}
	return open_confined(root->dirfd, rel, flags);
}

int vfd_root_openat(struct vfd_root *root, const char *path, int flags)
{
	const char *rel = relative(path);
	int fd;

	/* O_PATH opens nothing: there is nothing to block on or to check */
	if (flags & O_PATH)
		return open_resolved(root, rel, flags);
	fd = open_resolved(root, rel, flags | O_NONBLOCK);
	/* open() answers ENXIO for a socket (and a FIFO opened O_WRONLY): say what it is */
	if (fd == -ENXIO) {
		int pfd = open_resolved(root, rel, O_PATH);

		if (pfd >= 0) {
			fd = check_opened(root, NULL, rel, pfd, O_PATH);
			if (fd >= 0) {
				close(fd);
				fd = -ENXIO;
			}
		}
	}
	return fd < 0 ? fd : check_opened(root, NULL, rel, fd, flags);
}

/* open the formatted path: an fd, or -errno (-ENAMETOOLONG for a path too long) */
static __attribute__((format(printf, 3, 0))) int vopenf(struct vfd_root *root, int flags,
							 const char *fmt, va_list ap)
{
	char path[PATH_MAX];
	int r = vformat(path, sizeof(path), fmt, ap);

	return r < 0 ? r : vfd_root_openat(root, path, flags);
}

int vfd_root_openf(struct vfd_root *root, int flags, const char *fmt, ...)
{
	va_list ap;
	int fd;

	va_start(ap, fmt);
	fd = vopenf(root, flags, fmt, ap);
	va_end(ap);
	return fd;
}

/*
 * Where a file's content is read, only a regular file will do: sysfs
 * attributes, procfs files and a sysroot's stand-ins all are; a directory or a
 * device node there (a live /dev/kmsg is read by its own reader) is not.
 */
static int expect_regular(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISREG(st.st_mode) ? 0 : -VFD_ENOTREG;
}

/* Read at most max bytes of an open fd into a new NUL-terminated buffer. */
static int read_all(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = 4096 < max ? 4096 : max, n = 0;
	char *buf;
	int r = expect_regular(fd);

	if (r < 0)
		return r;
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t got;

		if (n == cap) {
			size_t ncap;
			char *nbuf;

			if (cap >= max)
				break;
			ncap = cap * 2 < max ? cap * 2 : max;
			nbuf = realloc(buf, ncap + 1);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap = ncap;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -errno;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int vfd_root_read_filef(struct vfd_root *root, size_t max, char **out, size_t *len,
			const char *fmt, ...)
{
	va_list ap;
	int fd, r;

	va_start(ap, fmt);
	fd = vopenf(root, O_RDONLY, fmt, ap);
	va_end(ap);
	if (fd < 0)
		return fd;
	r = read_all(fd, max, out, len);
	close(fd);
	return r;
}

/*
 * One attribute from @fd (closed here; a negative @fd is passed through) into
 * @buf as a string: its length, or -errno.
 */
static int read_value(int fd, char *buf, size_t size)
{
	ssize_t n;
	int r;

	if (fd < 0)
		return fd;
	r = expect_regular(fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	/* sysfs attributes end in one newline; values never carry it */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return (int)n;
}

static __attribute__((format(printf, 3, 0))) int vread_str(struct vfd_root *root, char **out,
							    const char *fmt, va_list ap)
{
	char buf[4096];
	int r = read_value(vopenf(root, O_RDONLY, fmt, ap), buf, sizeof(buf));

	if (r < 0)
		return r;
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

int vfd_root_readf_str(struct vfd_root *root, char **out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vread_str(root, out, fmt, ap);
	va_end(ap);
	return r;
}

/* read one attribute and parse it with @parse */
static __attribute__((format(printf, 4, 0))) int vread_num(struct vfd_root *root,
							    int (*parse)(const char *, void *),
							    void *out, const char *fmt, va_list ap)
{
	char *s = NULL;
	int r = vread_str(root, &s, fmt, ap);

	if (r < 0)
		return r;
	r = parse(s, out);
	free(s);
	return r;
}

static int parse_u64(const char *s, void *out)
{
	return vfd_parse_u64(s, out);
}

static int parse_s64(const char *s, void *out)
{
	return vfd_parse_s64(s, out);
}

int vfd_root_readf_u64(struct vfd_root *root, uint64_t *out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vread_num(root, parse_u64, out, fmt, ap);
	va_end(ap);
	return r;
}

int vfd_root_readf_s64(struct vfd_root *root, int64_t *out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vread_num(root, parse_s64, out, fmt, ap);
	va_end(ap);
	return r;
}

int vfd_root_readlinkf(struct vfd_root *root, char **out, const char *fmt, ...)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *rel;
	va_list ap;
	ssize_t n;
	int r;

	va_start(ap, fmt);
	r = vformat(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	rel = relative(path);
	if (!root->live && strchr(rel, '/')) {
		/* resolve the directories inside the root, read the last link */
		char *slash = strrchr(rel, '/');
		char dir[PATH_MAX];
		int dfd;

		memcpy(dir, rel, (size_t)(slash - rel));
		dir[slash - rel] = '\0';
		dfd = vfd_root_openat(root, dir, O_PATH | O_DIRECTORY);
		if (dfd < 0)
			return dfd;
		n = readlinkat(dfd, slash + 1, target, sizeof(target) - 1);
		r = n < 0 ? -errno : 0;
		close(dfd);
	} else {
		n = readlinkat(root->dirfd, rel, target, sizeof(target) - 1);
		r = n < 0 ? -errno : 0;
	}
	if (r < 0)
		return r;
	target[n] = '\0';
	*out = strdup(target);
	return *out ? 0 : -ENOMEM;
}

int vfd_root_readlinkf_base(struct vfd_root *root, char **out, const char *fmt, ...)
{
	char path[PATH_MAX];
	char *target = NULL, *base;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vformat(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	r = vfd_root_readlinkf(root, &target, "%s", path);
	if (r < 0)
		return r;
	base = strrchr(target, '/');
	*out = strdup(base ? base + 1 : target);
	free(target);
	return *out ? 0 : -ENOMEM;
}

DIR *vfd_root_opendirf(struct vfd_root *root, const char *fmt, ...)
{
	va_list ap;
	DIR *dir;
	int fd, r;

	va_start(ap, fmt);
	fd = vopenf(root, O_RDONLY | O_DIRECTORY, fmt, ap);
	va_end(ap);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	dir = fdopendir(fd);
	if (!dir) {
		r = errno;
		close(fd);
		errno = r;
	}
	return dir;
}

int vfd_root_statf(struct vfd_root *root, struct stat *st, const char *fmt, ...)
{
	va_list ap;
	int fd, r;

	va_start(ap, fmt);
	fd = vopenf(root, O_PATH, fmt, ap);
	va_end(ap);
	if (fd < 0)
		return fd;
	r = fstat(fd, st) < 0 ? -errno : 0;
	close(fd);
	return r;
}

bool vfd_root_existsf(struct vfd_root *root, const char *fmt, ...)
{
	va_list ap;
	int fd;

	va_start(ap, fmt);
	fd = vopenf(root, O_PATH, fmt, ap);
	va_end(ap);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

void vfd_root_set_write_fn(struct vfd_root *root, vfd_write_fn fn, void *data)
{
	root->write_fn = fn;
	root->write_data = data;
}

bool vfd_root_is_writable(const struct vfd_root *root)
{
	return root->writable;
}

/* sysfs takes one write() per value; a short write is an error */
static int write_live(struct vfd_root *root, const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, r = 0;

	fd = vfd_root_openat(root, path, O_WRONLY);
	if (fd < 0)
		return fd;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int vfd_root_writef(struct vfd_root *root, const char *value, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vformat(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	if (root->write_fn)
		return root->write_fn(root->write_data, relative(path), value);
	/* a snapshot is evidence, not a machine: never write into it */
	if (!root->live)
		return -EROFS;
	return write_live(root, path, value);
}

/* a number was read from @s up to @end, and only blanks and a newline follow it */
static bool number_ends(const char *s, const char *end)
{
	if (end == s)
		return false;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return *end == '\0';
}

int vfd_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -errno;
	if (!number_ends(s, end))
		return -EINVAL;
	*out = v;
	return 0;
}

int vfd_parse_s64(const char *s, int64_t *out)
{
	long long v;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno)
		return -errno;
	if (!number_ends(s, end))
		return -EINVAL;
	*out = v;
	return 0;
}

/* the path the kernel gives an open fd, read through /proc/self/fd */
static int fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	/* an unreachable or deleted directory is no path to hand on */
	return buf[0] == '/' && !strstr(buf, " (deleted)") ? 0 : -ENOENT;
}

int root_real_dir(struct vfd_root *root, const char *rel, const char *const *files, char **out)
{
	char top[PATH_MAX], dir[PATH_MAX];
	size_t tlen;
	int dfd, r;

	dfd = vfd_root_openat(root, rel, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return dfd;
	/* the directory as resolved inside the root, then below the root's own path */
	r = fd_path(dfd, dir, sizeof(dir));
	if (r == 0)
		r = fd_path(root->dirfd, top, sizeof(top));
	tlen = strlen(top);
	if (r == 0 && !(strcmp(top, "/") == 0 ||
			(strncmp(dir, top, tlen) == 0 && (dir[tlen] == '/' || !dir[tlen]))))
		r = -EXDEV;
	for (size_t i = 0; r == 0 && files && files[i]; i++) {
		struct stat st;

		if (fstatat(dfd, files[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode))
			r = -ELOOP;
		else if (!S_ISREG(st.st_mode))
			r = -VFD_ENOTREG;
		if (r < 0)
			vfd_log(root, 4, "'%s/%s' is a %s, not a regular file: not read", rel,
				files[i], file_kind(st.st_mode));
	}
	close(dfd);
	if (r < 0)
		return r;
	*out = strdup(dir);
	return *out ? 0 : -ENOMEM;
}

/*
 * Directory-relative access for scans that read several entries of one
 * directory: the caller opens the directory once with vfd_root_openf()
 * (O_PATH | O_DIRECTORY) and reads its entries with one short lookup each
 * instead of a walk from the root per entry. Only a plain name is looked up
 * that way; a name with a slash, or an entry that is itself a symlink, is
 * opened from the root as before, so links still resolve inside it.
 */
int root_open_child(struct vfd_root *root, int dfd, const char *dir, const char *name,
		    int flags)
{
	int fd;

	if (dfd >= 0 && !strchr(name, '/') && !(flags & O_PATH)) {
		fd = openat(dfd, name, flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			return check_opened(root, dir, name, fd, flags);
		if (errno != ELOOP)
			return -errno;
	}
	return vfd_root_openf(root, flags, "%s/%s", dir, name);
}

int root_read_child(struct vfd_root *root, int dfd, const char *dir, const char *name,
		    char *buf, size_t size)
{
	if (size < 2)
		return -EINVAL;
	return read_value(root_open_child(root, dfd, dir, name, O_RDONLY), buf, size);
}

int root_readlink_child(struct vfd_root *root, int dfd, const char *dir, const char *name,
			char **out)
{
	char target[PATH_MAX];
	ssize_t n;

	/* readlink never follows the last component: only the directory must be safe */
	if (dfd < 0 || strchr(name, '/'))
		return vfd_root_readlinkf(root, out, "%s/%s", dir, name);
	n = readlinkat(dfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	*out = strdup(target);
	return *out ? 0 : -ENOMEM;
}
