// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host scan's sources for a function's IDs: config space; for a VF (whose
 * ID registers read all ones) its PF's SR-IOV capability, else its modalias or
 * the two ID attributes; the attribute files when config is unreadable; and
 * the topology link read on first use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tree.h"
#include "vfd.h"

#define PF "pci0000:00/0000:00:03.0/0000:02:00.0"
#define VF1 "pci0000:00/0000:00:03.0/0000:02:10.0"
#define VF2 "pci0000:00/0000:00:03.0/0000:02:10.2"
#define DEAD "pci0000:00/0000:00:03.0/0000:02:00.1"

static void attr(const char *dir, const char *path, const char *name, const char *text)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "sys/devices/%s/%s", path, name);
	tree_file(dir, rel, text);
}

/* give the PF at @path an enabled SR-IOV capability at 0x100: @num VFs from 02:10.0 */
static void add_sriov(const char *dir, const char *path, int num)
{
	char file[512];
	uint8_t cfg[4096];
	FILE *f;

	snprintf(file, sizeof(file), "%s/sys/devices/%s/config", dir, path);
	f = fopen(file, "r+b");
	assert_non_null(f);
	assert_int_equal(fread(cfg, 1, sizeof(cfg), f), sizeof(cfg));
	memset(cfg + 0x100, 0, 0x40);
	cfg[0x100] = 0x10;		/* SR-IOV, version 1, last */
	cfg[0x102] = 0x01;
	cfg[0x108] = 0x09;		/* VF Enable, VF MSE */
	cfg[0x110] = (uint8_t)num;	/* NumVFs */
	cfg[0x114] = 0x80;		/* First VF Offset: 02:00.0 + 0x80 = 02:10.0 */
	cfg[0x116] = 0x02;		/* VF Stride */
	cfg[0x11a] = 0xed;		/* VF Device ID 0x10ed */
	cfg[0x11b] = 0x10;
	rewind(f);
	assert_int_equal(fwrite(cfg, 1, sizeof(cfg), f), sizeof(cfg));
	fclose(f);
}

/* a root port (group 1) and below it the PF 02:00.0 (group 2) */
static void add_port_and_pf(const char *dir)
{
	tree_device(dir, "pci0000:00/0000:00:03.0", 0x8086, 0x2030, 0x060400, 1, 4, true,
		    "pcieport", 1);
	tree_device(dir, PF, 0x8086, 0x10fb, 0x020000, 0x80, 0, false, "ixgbe", 2);
}

static void vf_ids(void **state)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_host *host;
	struct vfd_pcidev *d;

	(void)state;
	add_port_and_pf(dir);
	/* VFs: config says 0xffff, the kernel's modalias and attributes say who they are */
	tree_device(dir, VF1, 0xffff, 0xffff, 0x020000, 0, 0, false, "ixgbevf", 3);
	attr(dir, VF1, "modalias", "pci:v00008086d000010EDsv00008086sd0000000Cbc02sc00i00\n");
	attr(dir, VF1, "vendor", "0x1111\n");
	attr(dir, VF1, "device", "0x2222\n");
	tree_device(dir, VF2, 0xffff, 0xffff, 0x020000, 0, 0, false, "vfio-pci", 4);
	attr(dir, VF2, "vendor", "0x8086\n");
	attr(dir, VF2, "device", "0x10ed\n");
	host = tree_open_host(dir, &root);

	d = vfd_host_find(host, "0000:02:10.0");
	assert_non_null(d);
	assert_int_equal(vfd_pcidev_get_vendor(d), 0x8086);
	assert_int_equal(vfd_pcidev_get_device(d), 0x10ed);
	assert_int_equal(vfd_pcidev_get_class(d), 0x020000);
	assert_string_equal(vfd_pcidev_get_driver(d), "ixgbevf");
	assert_int_equal(vfd_pcidev_get_group(d), 3);
	/* no modalias: the two ID attributes */
	d = vfd_host_find(host, "0000:02:10.2");
	assert_non_null(d);
	assert_int_equal(vfd_pcidev_get_vendor(d), 0x8086);
	assert_int_equal(vfd_pcidev_get_device(d), 0x10ed);
	assert_int_equal(vfd_pcidev_get_class(d), 0x020000);
	assert_string_equal(vfd_pcidev_get_driver(d), "vfio-pci");
	/* the topology link, read when asked */
	assert_string_equal(vfd_pcidev_get_parent(d), "0000:00:03.0");
	assert_null(vfd_pcidev_get_parent(vfd_host_find(host, "0000:00:03.0")));
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

/* the PF's SR-IOV capability names its VFs; one it does not cover reads its modalias */
static void vf_ids_from_pf(void **state)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_host *host;
	struct vfd_pcidev *d;

	(void)state;
	add_port_and_pf(dir);
	add_sriov(dir, PF, 2);
	tree_device(dir, VF1, 0xffff, 0xffff, 0x020000, 0, 0, false, "ixgbevf", 3);
	tree_device(dir, VF2, 0xffff, 0xffff, 0x020000, 0, 0, false, "ixgbevf", 4);
	tree_device(dir, "pci0000:00/0000:00:03.0/0000:02:10.4", 0xffff, 0xffff, 0x020000, 0, 0,
		    false, NULL, 5);
	attr(dir, "pci0000:00/0000:00:03.0/0000:02:10.4", "modalias",
	     "pci:v00008086d00001515sv00008086sd00000000bc02sc00i00\n");
	host = tree_open_host(dir, &root);
	d = vfd_host_find(host, "0000:02:10.0");
	assert_int_equal(vfd_pcidev_get_vendor(d), 0x8086);
	assert_int_equal(vfd_pcidev_get_device(d), 0x10ed);
	d = vfd_host_find(host, "0000:02:10.2");
	assert_int_equal(vfd_pcidev_get_vendor(d), 0x8086);
	assert_int_equal(vfd_pcidev_get_device(d), 0x10ed);
	assert_int_equal(vfd_pcidev_get_class(d), 0x020000);
	/* NumVFs is 2: the third is not the PF's, its modalias says what it is */
	d = vfd_host_find(host, "0000:02:10.4");
	assert_int_equal(vfd_pcidev_get_vendor(d), 0x8086);
	assert_int_equal(vfd_pcidev_get_device(d), 0x1515);
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

/* drivers/NAME/SLOT, the link the driver core makes beside SLOT/driver */
static void back_link(const char *dir, const char *driver, const char *slot)
{
	char link[512];

	snprintf(link, sizeof(link), "%s/sys/bus/pci/drivers/%s", dir, driver);
	mkdir(link, 0755);
	snprintf(link, sizeof(link), "%s/sys/bus/pci/drivers/%s/%s", dir, driver, slot);
	assert_int_equal(symlink("../../../../devices/pci0000:00/0000:00:03.0", link), 0);
}

/*
 * With many more functions than drivers the scan lists the drivers'
 * directories instead of reading a link per function: a function only a
 * listing names (a snapshot taken while it was being bound) gets its driver
 * that way; with few functions a driver each, the function's own link counts.
 */
static void drivers_listed(void **state)
{
	for (int many = 1; many >= 0; many--) {
		char *dir = tree_new();
		struct vfd_root *root;
		struct vfd_host *host;

		(void)state;
		add_port_and_pf(dir);
		for (int i = 1; i <= 10; i++) {
			char path[128];

			snprintf(path, sizeof(path), "pci0000:00/0000:00:03.0/0000:02:%02x.0", i);
			tree_device(dir, path, 0x8086, 0x10ed, 0x020000, 0, 0, false,
				    i == 1 ? NULL : "ixgbevf", 2 + i);
		}
		back_link(dir, "ixgbevf", "0000:02:01.0");
		back_link(dir, "ixgbevf", "0000:02:02.0");
		if (!many) {
			/* 6 drivers for 12 functions */
			back_link(dir, "nvme", "0000:09:00.0");
			back_link(dir, "xhci_hcd", "0000:09:00.1");
			back_link(dir, "snd_hda_intel", "0000:09:00.2");
		}
		host = tree_open_host(dir, &root);
		assert_int_equal(vfd_host_count_devices(host), 12);
		if (many)
			assert_string_equal(vfd_pcidev_get_driver(vfd_host_find(host, "0000:02:01.0")),
					    "ixgbevf");
		else
			assert_null(vfd_pcidev_get_driver(vfd_host_find(host, "0000:02:01.0")));
		/* the others the same either way, listed or not */
		assert_string_equal(vfd_pcidev_get_driver(vfd_host_find(host, "0000:02:02.0")),
				    "ixgbevf");
		assert_string_equal(vfd_pcidev_get_driver(vfd_host_find(host, "0000:02:0a.0")),
				    "ixgbevf");
		assert_string_equal(vfd_pcidev_get_driver(vfd_host_find(host, "0000:02:00.0")),
				    "ixgbe");
		vfd_host_free(host);
		vfd_root_unref(root);
		tree_free(dir);
	}
}

static void dead_config(void **state)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_host *host;
	struct vfd_pcidev *d;

	(void)state;
	/* a function gone to all ones (surprise removal): everything from the attributes */
	tree_device(dir, DEAD, 0xffff, 0xffff, 0xffffff, 0xff, -1, false, NULL, 5);
	attr(dir, DEAD, "vendor", "0x8086\n");
	attr(dir, DEAD, "device", "0x10fb\n");
	attr(dir, DEAD, "subsystem_vendor", "0x8086\n");
	attr(dir, DEAD, "subsystem_device", "0x0003\n");
	attr(dir, DEAD, "class", "0x020000\n");
	attr(dir, DEAD, "revision", "0x01\n");
	attr(dir, DEAD, "modalias", "pci:v00008086d000010FBsv00008086sd00000003bc02sc00i00\n");
	host = tree_open_host(dir, &root);
	d = vfd_host_find(host, "0000:02:00.1");
	assert_non_null(d);
	assert_int_equal(vfd_pcidev_get_vendor(d), 0x8086);
	assert_int_equal(vfd_pcidev_get_device(d), 0x10fb);
	assert_int_equal(vfd_pcidev_get_subsys_device(d), 0x0003);
	assert_int_equal(vfd_pcidev_get_class(d), 0x020000);
	assert_int_equal(vfd_pcidev_get_revision(d), 0x01);
	assert_false(vfd_pcidev_is_bridge(d));
	assert_null(vfd_pcidev_get_driver(d));
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vf_ids),
		cmocka_unit_test(vf_ids_from_pf),
		cmocka_unit_test(drivers_listed),
		cmocka_unit_test(dead_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
