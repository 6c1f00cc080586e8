// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel model behind fixture trees for the bind tests. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmodel.h"

/* sys/devices/... directory of @slot, from the bus link */
static int device_dir(const char *dir, const char *slot, char *out, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/sys/bus/pci/devices/%s", dir, slot);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -ENODEV;
	target[n] = '\0';
	/* "../../../devices/PATH" */
	snprintf(out, size, "%s/sys/%s", dir, strstr(target, "devices/"));
	return 0;
}

const char *kmodel_driver(const char *dir, const char *slot)
{
	static char name[256];
	char dev[PATH_MAX], link[PATH_MAX + 8], target[PATH_MAX];
	ssize_t n;

	name[0] = '\0';
	if (device_dir(dir, slot, dev, sizeof(dev)) < 0)
		return name;
	snprintf(link, sizeof(link), "%s/driver", dev);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		snprintf(name, sizeof(name), "%s", strrchr(target, '/') + 1);
	}
	return name;
}

const char *kmodel_override(const char *dir, const char *slot)
{
	static char value[256];
	char dev[PATH_MAX], path[PATH_MAX + 24];
	FILE *f;

	strcpy(value, "(null)");
	if (device_dir(dir, slot, dev, sizeof(dev)) < 0)
		return value;
	snprintf(path, sizeof(path), "%s/driver_override", dev);
	f = fopen(path, "r");
	if (f) {
		if (fgets(value, sizeof(value), f))
			value[strcspn(value, "\n")] = '\0';
		fclose(f);
	}
	return value;
}

static int set_driver(struct kmodel *m, const char *slot, const char *driver)
{
	char dev[PATH_MAX], link[PATH_MAX + 8], target[PATH_MAX], drvdir[PATH_MAX];
	const char *rel;
	int depth = 0;

	if (device_dir(m->dir, slot, dev, sizeof(dev)) < 0)
		return -ENODEV;
	snprintf(link, sizeof(link), "%s/driver", dev);
	if (!driver)
		return unlink(link) < 0 ? -errno : 0;
	snprintf(drvdir, sizeof(drvdir), "%s/sys/bus/pci/drivers/%s", m->dir, driver);
	if (access(drvdir, F_OK) < 0)
		return -ENODEV;
	/* as deep as the device directory is below sys/ */
	rel = dev + strlen(m->dir) + strlen("/sys/");
	for (const char *p = rel; *p; p++)
		depth += *p == '/';
	target[0] = '\0';
	for (int i = 0; i <= depth; i++)
		strcat(target, "../");
	strcat(target, "bus/pci/drivers/");
	strcat(target, driver);
	return symlink(target, link) < 0 ? -errno : 0;
}

static const char *native_driver(const struct kmodel *m, const char *slot)
{
	for (size_t i = 0; i < sizeof(m->native) / sizeof(m->native[0]); i++)
		if (m->native[i].slot && strcmp(m->native[i].slot, slot) == 0)
			return m->native[i].driver;
	return NULL;
}

static int probe(struct kmodel *m, const char *slot, const char *driver)
{
	char dev[PATH_MAX], group[PATH_MAX + 16];

	if (strcmp(driver, "vfio-pci") == 0) {
		/* vfio-pci's probe fails without an IOMMU group, or when told to */
		if (m->no_probe && strcmp(m->no_probe, slot) == 0)
			return 0;
		if (device_dir(m->dir, slot, dev, sizeof(dev)) < 0)
			return -ENODEV;
		snprintf(group, sizeof(group), "%s/iommu_group", dev);
		if (access(group, F_OK) < 0)
			return 0;
	}
	return set_driver(m, slot, driver);
}

int kmodel_write(void *data, const char *path, const char *value)
{
	struct kmodel *m = data;
	char slot[64], driver[128], val[256];
	const char *ovr;

	if (m->fail_at && ++m->writes == m->fail_at)
		return m->fail_err;
	snprintf(val, sizeof(val), "%s", value);
	val[strcspn(val, "\n")] = '\0';
	if (sscanf(path, "sys/bus/pci/devices/%63[^/]/driver_override", slot) == 1 &&
	    strstr(path, "/driver_override")) {
		char dev[PATH_MAX], file[PATH_MAX + 24];
		FILE *f;

		if (device_dir(m->dir, slot, dev, sizeof(dev)) < 0)
			return -ENODEV;
		snprintf(file, sizeof(file), "%s/driver_override", dev);
		f = fopen(file, "w");
		if (!f)
			return -errno;
		fprintf(f, "%s\n", *val ? val : "(null)");
		fclose(f);
		return 0;
	}
	if (sscanf(path, "sys/bus/pci/drivers/%127[^/]/unbind", driver) == 1 &&
	    strstr(path, "/unbind")) {
		if (strcmp(kmodel_driver(m->dir, val), driver) != 0)
			return -ENODEV;
		return set_driver(m, val, NULL);
	}
	if (sscanf(path, "sys/bus/pci/drivers/%127[^/]/bind", driver) == 1 && strstr(path, "/bind")) {
		if (*kmodel_driver(m->dir, val))
			return -EBUSY;
		ovr = kmodel_override(m->dir, val);
		if (strcmp(ovr, "(null)") != 0 && strcmp(ovr, driver) != 0)
			return -ENODEV;
		return probe(m, val, driver);
	}
	if (strcmp(path, "sys/bus/pci/drivers_probe") == 0) {
		const char *target;

		if (*kmodel_driver(m->dir, val))
			return 0;
		ovr = kmodel_override(m->dir, val);
		target = strcmp(ovr, "(null)") != 0 ? ovr : native_driver(m, val);
		if (!target)
			return 0;
		/* a probe that fails binds nothing, and drivers_probe still succeeds */
		probe(m, val, target);
		return 0;
	}
	return -ENOENT;
}
