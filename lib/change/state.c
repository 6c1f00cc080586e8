// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What bind changed, kept under run/vfio-doctor/bindings/<slot> so that
 * unbind and restore can put it back after the tool has exited. A record is
 * written before the first change to a device and never overwritten: binding
 * twice must not make vfio-pci the "previous" driver.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define STATE_DIR "run/vfio-doctor/bindings"

/* writes of our own files are allowed on the live host and in test trees */
static bool may_write_files(struct vfd_root *root)
{
	return vfd_root_is_live(root) || vfd_root_has_write_fn(root);
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

	if (!may_write_files(root))
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

	if (!may_write_files(root))
		return -EROFS;
	r = root_resolve_links(root, path, &real);
	if (r == 0)
		r = vfd_root_write_file(root, real, data, len, mode);
	free(real);
	return r;
}

int vfd_record_save(struct vfd_root *root, const struct vfd_binding_record *rec)
{
	char path[128], *text;
	int r;

	snprintf(path, sizeof(path), STATE_DIR "/%s", rec->slot);
	if (vfd_root_existsf(root, "%s", path))
		return 0;
	text = xasprintf("slot=%s\ndriver=%s\noverride=%s\n", rec->slot,
			 rec->driver ? rec->driver : "", rec->override ? rec->override : "");
	if (!text)
		return -ENOMEM;
	r = vfd_root_write_file(root, path, text, strlen(text), 0644);
	free(text);
	return r < 0 ? r : 1;
}

/* "key=value" lines; an empty value means none */
static char *record_value(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=')
			return len > kl + 1 ? strndup(p + kl + 1, len - kl - 1) : NULL;
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

bool vfd_driver_name_valid(const char *name)
{
	size_t n = strlen(name);

	/* NAME_MAX bounds a sysfs directory name (fs/sysfs/dir.c, kernfs) */
	if (!n || n > 255 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] <= ' ' || name[i] > '~')
			return false;
	return true;
}

int vfd_record_load(struct vfd_root *root, const char *slot, struct vfd_binding_record *rec)
{
	struct vfd_bdf bdf;
	char *text = NULL;
	int r;

	memset(rec, 0, sizeof(*rec));
	if (vfd_bdf_parse(slot, &bdf) < 0)
		return -EINVAL;
	r = vfd_root_read_filef(root, 4096, &text, NULL, STATE_DIR "/%s", slot);
	if (r < 0)
		return r;
	vfd_bdf_format(&bdf, rec->slot, sizeof(rec->slot));
	rec->driver = record_value(text, "driver");
	rec->override = record_value(text, "override");
	free(text);
	if ((rec->driver && !vfd_driver_name_valid(rec->driver)) ||
	    (rec->override && !vfd_driver_name_valid(rec->override)))
		return -EBADMSG;
	return 0;
}

void vfd_record_clear(struct vfd_binding_record *rec)
{
	free(rec->driver);
	free(rec->override);
	memset(rec, 0, sizeof(*rec));
}

int vfd_record_remove(struct vfd_root *root, const char *slot)
{
	int dfd, r = 0;

	if (!may_write_files(root))
		return -EROFS;
	dfd = vfd_root_openat(root, STATE_DIR, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : dfd;
	if (unlinkat(dfd, slot, 0) < 0 && errno != ENOENT)
		r = -errno;
	close(dfd);
	return r;
}

int vfd_record_list(struct vfd_root *root, char ***slots)
{
	struct strv_builder b = { 0 };
	struct dirent *de;
	DIR *dir;

	*slots = NULL;
	dir = vfd_root_opendirf(root, STATE_DIR);
	while (dir && (de = readdir(dir))) {
		struct vfd_bdf bdf;

		if (de->d_name[0] != '.' && vfd_bdf_parse(de->d_name, &bdf) == 0)
			strv_addf(&b, "%s", de->d_name);
	}
	if (dir)
		closedir(dir);
	if (b.oom) {
		strv_builder_clear(&b);
		return -ENOMEM;
	}
	*slots = strv_take(&b);
	return 0;
}
