// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers that build sysfs-shaped trees for the unit tests. */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"
#include "vfd.h"

static void mkdirs(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	mkdir(buf, 0755);
}

void tree_file(const char *dir, const char *rel, const char *text)
{
	char path[4096], parent[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(parent, sizeof(parent), "%s", path);
	*strrchr(parent, '/') = '\0';
	mkdirs(parent);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

void tree_link(const char *dir, const char *rel, const char *target)
{
	char path[4096], parent[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(parent, sizeof(parent), "%s", path);
	*strrchr(parent, '/') = '\0';
	mkdirs(parent);
	unlink(path);
	if (symlink(target, path) < 0)
		abort();
}

char *tree_new(void)
{
	char tmpl[] = "/tmp/vfd-tree-XXXXXX";
	char *dir = mkdtemp(tmpl);
	char path[4096];

	if (!dir)
		abort();
	dir = strdup(dir);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices", dir);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/sys/kernel/iommu_groups", dir);
	mkdirs(path);
	tree_file(dir, "proc/sys/kernel/osrelease", "6.1.0-test\n");
	return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

void tree_free(char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

void tree_device(const char *dir, const char *path, uint16_t vendor, uint16_t device,
		 uint32_t class_code, int header, int pcie_type, bool acs, const char *driver,
		 int group)
{
	const char *slot = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char full[2048], link[4096], target[2048];
	uint8_t cfg[4096] = { 0 };
	FILE *f;

	snprintf(full, sizeof(full), "%s/sys/devices/%s", dir, path);
	mkdirs(full);
	/* bus/pci/devices/SLOT -> ../../../devices/PATH */
	snprintf(link, sizeof(link), "%s/sys/bus/pci/devices/%s", dir, slot);
	snprintf(target, sizeof(target), "../../../devices/%s", path);
	symlink(target, link);
	cfg[0] = (uint8_t)vendor;
	cfg[1] = (uint8_t)(vendor >> 8);
	cfg[2] = (uint8_t)device;
	cfg[3] = (uint8_t)(device >> 8);
	cfg[9] = (uint8_t)class_code;
	cfg[10] = (uint8_t)(class_code >> 8);
	cfg[11] = (uint8_t)(class_code >> 16);
	cfg[0x0e] = (uint8_t)header;
	if (pcie_type >= 0) {
		cfg[0x06] = 0x10;
		cfg[0x34] = 0x40;
		cfg[0x40] = 0x10;
		cfg[0x42] = (uint8_t)(2 | pcie_type << 4);
	}
	if (acs)
		put32(cfg, 0x100, 0x0d | 1u << 16);
	snprintf(link, sizeof(link), "%s/config", full);
	f = fopen(link, "w");
	if (f) {
		fwrite(cfg, 1, sizeof(cfg), f);
		fclose(f);
	}
	if (driver) {
		char drvdir[4096];

		snprintf(drvdir, sizeof(drvdir), "%s/sys/bus/pci/drivers/%s", dir, driver);
		mkdirs(drvdir);
		snprintf(link, sizeof(link), "%s/driver", full);
		/* relative to the device directory, however deep it is */
		target[0] = '\0';
		for (const char *p = path; p; p = strchr(p + 1, '/'))
			strcat(target, "../");
		strcat(target, "../bus/pci/drivers/");
		strcat(target, driver);
		symlink(target, link);
	}
	if (group >= 0) {
		char gdir[2048], gl[4096];

		snprintf(gdir, sizeof(gdir), "%s/sys/kernel/iommu_groups/%d/devices", dir, group);
		mkdirs(gdir);
		snprintf(gl, sizeof(gl), "%s/%s", gdir, slot);
		snprintf(target, sizeof(target), "../../../../devices/%s", path);
		symlink(target, gl);
		snprintf(link, sizeof(link), "%s/iommu_group", full);
		target[0] = '\0';
		for (const char *p = path; p; p = strchr(p + 1, '/'))
			strcat(target, "../");
		snprintf(gl, sizeof(gl), "%s../kernel/iommu_groups/%d", target, group);
		symlink(gl, link);
	}
}

struct vfd_host *tree_open_host(const char *dir, struct vfd_root **root)
{
	struct vfd_host *host;

	*root = vfd_root_new(dir);
	if (!*root)
		abort();
	host = vfd_host_new(*root);
	if (!host)
		abort();
	return host;
}
