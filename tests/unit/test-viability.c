// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel's group viability rule, and why groups are shared. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tree.h"
#include "vfd.h"

static void driver_rule(void **state)
{
	assert_true(vfd_driver_allows_shared_dma(NULL));
	assert_true(vfd_driver_allows_shared_dma("vfio-pci"));
	assert_true(vfd_driver_allows_shared_dma("mlx5_vfio_pci"));
	assert_true(vfd_driver_allows_shared_dma("pci-stub"));
	assert_true(vfd_driver_allows_shared_dma("pcieport"));
	assert_false(vfd_driver_allows_shared_dma("e1000e"));
	assert_false(vfd_driver_allows_shared_dma("snd_hda_intel"));
	assert_false(vfd_driver_allows_shared_dma("shpchp"));
}

/* a GPU and its HDMI audio in one group: the audio driver blocks */
static void gpu_with_audio(void **state)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_host *host;
	struct vfd_group *g;

	tree_device(dir, "pci0000:00/0000:00:01.0", 0x8086, 0x1901, 0x060400, 1, 4, true,
		    "pcieport", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:01:00.0", 0x10de, 0x1f06, 0x030000, 0x80,
		    0, false, "vfio-pci", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:01:00.1", 0x10de, 0x10f9, 0x040300, 0x80,
		    0, false, "snd_hda_intel", 1);
	host = tree_open_host(dir, &root);
	assert_int_equal(vfd_host_count_devices(host), 3);
	assert_int_equal(vfd_host_count_groups(host), 1);
	g = vfd_host_find_group(host, 1);
	assert_non_null(g);
	assert_int_equal(vfd_group_count_devices(g), 3);
	assert_false(vfd_group_is_viable(host, g));
	assert_string_equal(vfd_pcidev_get_parent(vfd_host_find(host, "0000:01:00.1")),
			    "0000:00:01.0");
	assert_string_equal(vfd_pcidev_get_driver(vfd_host_find(host, "0000:01:00.1")),
			    "snd_hda_intel");
	{
		char culprit[16];

		assert_int_equal(vfd_group_share_reason(host, g, culprit, sizeof(culprit)),
				 VFD_SHARE_MULTIFUNCTION);
		assert_string_equal(culprit, "0000:01:00.0");
	}
	vfd_host_free(host);
	vfd_root_unref(root);
	/* unbinding the audio function makes the group viable */
	tree_free(dir);
	dir = tree_new();
	tree_device(dir, "pci0000:00/0000:00:01.0", 0x8086, 0x1901, 0x060400, 1, 4, true,
		    "pcieport", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:01:00.0", 0x10de, 0x1f06, 0x030000, 0x80,
		    0, false, "vfio-pci", 1);
	tree_device(dir, "pci0000:00/0000:00:01.0/0000:01:00.1", 0x10de, 0x10f9, 0x040300, 0x80,
		    0, false, NULL, 1);
	host = tree_open_host(dir, &root);
	assert_true(vfd_group_is_viable(host, vfd_host_find_group(host, 1)));
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

/* two NICs behind a conventional PCI bridge share its group */
static void pci_bridge(void **state)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_host *host;
	struct vfd_group *g;
	char culprit[16];

	tree_device(dir, "pci0000:00/0000:00:1c.0", 0x8086, 0x2448, 0x060400, 1, 4, true,
		    "pcieport", 5);
	tree_device(dir, "pci0000:00/0000:00:1c.0/0000:01:00.0", 0x1b36, 0x000e, 0x060400, 1, 7,
		    false, NULL, 5);
	tree_device(dir, "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:01.0", 0x8086, 0x100e,
		    0x020000, 0, -1, false, "e1000", 5);
	tree_device(dir, "pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:02.0", 0x10ec, 0x8139,
		    0x020000, 0, -1, false, "vfio-pci", 5);
	host = tree_open_host(dir, &root);
	g = vfd_host_find_group(host, 5);
	assert_false(vfd_group_is_viable(host, g));
	assert_int_equal(vfd_group_share_reason(host, g, culprit, sizeof(culprit)),
			 VFD_SHARE_PCI_BRIDGE);
	assert_string_equal(culprit, "0000:01:00.0");
	assert_true(vfd_pcidev_is_bridge(vfd_host_find(host, "0000:01:00.0")));
	/* on a 5.18 kernel the bridge rule was different, the NIC still blocks */
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

/* before 5.19 a bridge on any driver was allowed; since then it blocks */
static void old_kernel_bridges(void **state)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_host *host;
	struct vfd_pcidev *bridge;

	tree_device(dir, "pci0000:00/0000:00:1e.0", 0x8086, 0x244e, 0x060401, 1, -1, false,
		    "shpchp", 2);
	host = tree_open_host(dir, &root);
	bridge = vfd_host_find(host, "0000:00:1e.0");
	assert_true(vfd_pcidev_is_viability_ok(bridge, 5u << 16 | 4u << 8));
	assert_false(vfd_pcidev_is_viability_ok(bridge, 6u << 16 | 1u << 8));
	assert_false(vfd_group_is_viable(host, vfd_host_find_group(host, 2)));
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

/* no IOMMU: no groups, every device reports -1 */
static void no_iommu(void **state)
{
	char *dir = tree_new();
	struct vfd_root *root;
	struct vfd_host *host;

	tree_device(dir, "pci0000:00/0000:00:02.0", 0x8086, 0x10d3, 0x020000, 0, 0, false,
		    "e1000e", -1);
	host = tree_open_host(dir, &root);
	assert_int_equal(vfd_host_count_groups(host), 0);
	assert_int_equal(vfd_pcidev_get_group(vfd_host_find(host, "0000:00:02.0")), -1);
	assert_int_equal(vfd_pcidev_get_vendor(vfd_host_find(host, "0000:00:02.0")), 0x8086);
	assert_int_equal(vfd_pcidev_get_class(vfd_host_find(host, "0000:00:02.0")), 0x020000);
	vfd_host_free(host);
	vfd_root_unref(root);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(driver_rule),
		cmocka_unit_test(gpu_with_audio),
		cmocka_unit_test(pci_bridge),
		cmocka_unit_test(old_kernel_bridges),
		cmocka_unit_test(no_iommu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
