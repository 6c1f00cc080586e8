// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing the snapshot's archive (libarchive, pax): each directory once and
 * parents first, links as links, files with their mode and owner, and
 * interfaces named after their MAC renamed in names and contents alike.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dlib.h"
#include "snapshot-internal.h"

int snap_open(struct snap *s, int fd)
{
	if (vfd_dl_libarchive() < 0)
		return -ELIBACC;
	s->ar = archive_write_new();
	if (!s->ar)
		return -ENOMEM;
	archive_write_set_format_pax_restricted(s->ar);
	if (s->opts->compress == VFD_SNAPSHOT_XZ)
		archive_write_add_filter_xz(s->ar);
	else if (s->opts->compress == VFD_SNAPSHOT_GZIP)
		archive_write_add_filter_gzip(s->ar);
	if (archive_write_open_fd(s->ar, fd) != ARCHIVE_OK) {
		archive_write_free(s->ar);
		s->ar = NULL;
		return -EIO;
	}
	return 0;
}

int snap_close(struct snap *s)
{
	int r = s->err;

	if (archive_write_close(s->ar) != ARCHIVE_OK && !r)
		r = -EIO;
	archive_write_free(s->ar);
	s->ar = NULL;
	for (size_t i = 0; i < s->ndirs; i++)
		free(s->dirs[i]);
	free(s->dirs);
	s->dirs = NULL;
	s->ndirs = s->capdirs = 0;
	return r;
}

/*
 * systemd's MAC-based interface names (systemd.net-naming-scheme(7), "x"
 * followed by the 12 hex digits of the address): en, wl or ww, then "x".
 */
static bool mac_named(const char *name)
{
	if (strlen(name) != 15 || name[2] != 'x' ||
	    (strncmp(name, "en", 2) != 0 && strncmp(name, "wl", 2) != 0 &&
	     strncmp(name, "ww", 2) != 0))
		return false;
	for (int i = 3; i < 15; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return false;
	return true;
}

/* give every MAC-named interface a stand-in of the same length: enx000000000001, ... */
void snap_collect_ifnames(struct snap *s)
{
	DIR *dir = vfd_root_opendirf(s->root, "sys/class/net");
	struct dirent *de;

	while (s->opts->redact && dir && (de = readdir(dir)))
		if (mac_named(de->d_name) && s->nifnames < ARRAY_SIZE(s->ifnames)) {
			memcpy(s->ifnames[s->nifnames][0], de->d_name, 16);
			snprintf(s->ifnames[s->nifnames][1], 16, "%.3s%012zx", de->d_name,
				 s->nifnames + 1);
			s->nifnames++;
		}
	if (dir)
		closedir(dir);
}

/* @text with the stand-ins for MAC-named interfaces (same length); a copy when changed */
static const char *rename_ifs(const struct snap *s, const char *text, size_t len, char **copy)
{
	*copy = NULL;
	for (size_t i = 0; i < s->nifnames; i++) {
		if (!memmem(*copy ? *copy : text, len, s->ifnames[i][0], 15))
			continue;
		if (!*copy) {
			*copy = malloc(len + 1);
			if (!*copy)
				return text;
			memcpy(*copy, text, len);
			(*copy)[len] = '\0';
		}
		snap_replace_all(*copy, len, s->ifnames[i][0], s->ifnames[i][1]);
	}
	return *copy ? *copy : text;
}

static void entry_names(const struct snap *s, struct archive_entry *e, const char *path,
			const char *target)
{
	char *p, *t = NULL;

	archive_entry_set_pathname(e, rename_ifs(s, path, strlen(path), &p));
	if (target)
		archive_entry_set_symlink(e, rename_ifs(s, target, strlen(target), &t));
	free(p);
	free(t);
}

static bool dir_seen(struct snap *s, const char *path)
{
	for (size_t i = 0; i < s->ndirs; i++)
		if (strcmp(s->dirs[i], path) == 0)
			return true;
	return false;
}

static void write_header(struct snap *s, struct archive_entry *e)
{
	if (s->err)
		return;
	/*
	 * ARCHIVE_WARN: a name the locale cannot turn into UTF-8 (any byte above
	 * 0x7f under LC_ALL=C; an interface may be called anything) went in as its
	 * raw bytes, with a "hdrcharset=BINARY" pax record for that member alone
	 * (archive_write_set_format_pax.c); the member is whole
	 */
	if (archive_write_header(s->ar, e) < ARCHIVE_WARN)
		s->err = -EIO;
}

/* directories are written once, parents first */
void snap_add_dir(struct snap *s, const char *path)
{
	char buf[4096];
	struct archive_entry *e;
	char *slash;

	if (!*path || dir_seen(s, path) || strlen(path) >= sizeof(buf))
		return;
	strcpy(buf, path);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		snap_add_dir(s, buf);
	}
	if (s->ndirs == s->capdirs) {
		size_t ncap = s->capdirs ? s->capdirs * 2 : 256;
		char **nd = realloc(s->dirs, ncap * sizeof(*nd));

		if (!nd) {
			s->err = -ENOMEM;
			return;
		}
		s->dirs = nd;
		s->capdirs = ncap;
	}
	s->dirs[s->ndirs] = strdup(path);
	if (!s->dirs[s->ndirs]) {
		s->err = -ENOMEM;
		return;
	}
	s->ndirs++;
	e = archive_entry_new();
	entry_names(s, e, path, NULL);
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0755);
	archive_entry_set_mtime(e, s->now, 0);
	write_header(s, e);
	archive_entry_free(e);
}

static void add_parent(struct snap *s, const char *path)
{
	char buf[4096];
	char *slash;

	if (strlen(path) >= sizeof(buf))
		return;
	strcpy(buf, path);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		snap_add_dir(s, buf);
	}
}

void snap_add_data(struct snap *s, const char *path, const void *data, size_t len,
		   unsigned int mode, unsigned int uid, unsigned int gid)
{
	struct archive_entry *e;
	char *renamed;

	add_parent(s, path);
	data = rename_ifs(s, data, len, &renamed);
	e = archive_entry_new();
	entry_names(s, e, path, NULL);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, mode & 07777);
	archive_entry_set_uid(e, uid);
	archive_entry_set_gid(e, gid);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, s->now, 0);
	write_header(s, e);
	if (!s->err && len && archive_write_data(s->ar, data, len) != (la_ssize_t)len)
		s->err = -EIO;
	archive_entry_free(e);
	free(renamed);
}

static void add_symlink(struct snap *s, const char *path, const char *target)
{
	struct archive_entry *e;

	add_parent(s, path);
	e = archive_entry_new();
	entry_names(s, e, path, target);
	archive_entry_set_filetype(e, AE_IFLNK);
	archive_entry_set_perm(e, 0777);
	archive_entry_set_mtime(e, s->now, 0);
	write_header(s, e);
	archive_entry_free(e);
}

/* copy one file as it is, up to @max bytes; a missing file is not an error */
void snap_copy_file_max(struct snap *s, const char *path, size_t max)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;

	if (vfd_root_statf(s->root, &st, "%s", path) < 0 || S_ISDIR(st.st_mode))
		return;
	if (vfd_root_read_filef(s->root, max, &buf, &len, "%s", path) < 0)
		return;
	snap_add_data(s, path, buf, len, st.st_mode, st.st_uid, st.st_gid);
	free(buf);
}

void snap_copy_file(struct snap *s, const char *path)
{
	snap_copy_file_max(s, path, ATTR_MAX);
}

/* a device node or any file whose presence, mode and owner are what counts */
void snap_copy_node(struct snap *s, const char *path)
{
	struct stat st;

	if (vfd_root_statf(s->root, &st, "%s", path) == 0)
		snap_add_data(s, path, "", 0, st.st_mode, st.st_uid, st.st_gid);
}

char *snap_copy_link(struct snap *s, const char *path)
{
	char *target = NULL;

	if (vfd_root_readlinkf(s->root, &target, "%s", path) < 0)
		return NULL;
	add_symlink(s, path, target);
	return target;
}

/* "sys/bus/pci/devices" + "../../../devices/pci0000:00/x" -> "sys/devices/pci0000:00/x" */
char *snap_resolve(const char *dir, const char *target)
{
	char *out = malloc(strlen(dir) + strlen(target) + 2);
	char *seg, *save = NULL, *copy;

	if (!out)
		return NULL;
	if (target[0] == '/') {
		out[0] = '\0';
	} else {
		strcpy(out, dir);
	}
	copy = strdup(target);
	if (!copy) {
		free(out);
		return NULL;
	}
	for (seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			char *slash = strrchr(out, '/');

			if (slash)
				*slash = '\0';
			else
				out[0] = '\0';
			continue;
		}
		if (*out)
			strcat(out, "/");
		strcat(out, seg);
	}
	free(copy);
	/* a link that climbs to the top (or past it) names no device: nothing to copy */
	if (!*out) {
		free(out);
		return NULL;
	}
	return out;
}

/* replace every occurrence of @what in @buf (same length or shorter) */
size_t snap_replace_all(char *buf, size_t len, const char *what, const char *with)
{
	size_t wl = strlen(what), nl = strlen(with), out = 0;

	if (!wl || nl > wl)
		return len;
	for (size_t i = 0; i < len;) {
		if (i + wl <= len && memcmp(buf + i, what, wl) == 0) {
			memcpy(buf + out, with, nl);
			out += nl;
			i += wl;
		} else {
			buf[out++] = buf[i++];
		}
	}
	return out;
}
