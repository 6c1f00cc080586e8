// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What bind changed, kept under run/vfio-doctor/bindings/<slot> so that
 * unbind and restore can put it back after the tool has exited. A record is
 * written before the first change to a device and never overwritten: binding
 * twice must not make vfio-pci the "previous" driver.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define STATE_DIR "run/vfio-doctor/bindings"

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
	char path[128];

	snprintf(path, sizeof(path), STATE_DIR "/%s", slot);
	return root_unlink(root, path, 0);
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
