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

int vfd_root_write_file(struct vfd_root *root, const char *path, const char *data, size_t len,
			unsigned int mode)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dfd, fd, r = 0;
	ssize_t n;

	if (!may_write_files(root))
		return -EROFS;
	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	r = vfd_root_mkdirs(root, dir);
	if (r < 0)
		return r;
	dfd = vfd_root_openat(root, dir, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return dfd;
	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", slash + 1, (int)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		r = -errno;
		close(dfd);
		return r;
	}
	for (size_t off = 0; off < len && r == 0;) {
		n = write(fd, data + off, len - off);
		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	/* rename is the commit: the file is whole or not there */
	if (r == 0 && renameat(dfd, tmp, dfd, slash + 1) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dfd, tmp, 0);
	close(dfd);
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
