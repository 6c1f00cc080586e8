// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Group viability, as the kernel decides it.
 *
 * Since 5.19 (drivers/iommu/iommu.c DMA ownership) a group can be claimed by
 * VFIO only while no device in it is bound to a driver that uses the kernel
 * DMA API; drivers that set driver_managed_dma (vfio-pci and its variant
 * drivers, pci-stub, pcieport) and unbound devices do not count. Before 5.19
 * (drivers/vfio/vfio.c vfio_dev_viable) the rule was a list: vfio drivers,
 * pci-stub, and any bridge whatever its driver.
 */
#include <string.h>

#include "internal.h"

#define KERNEL_5_19 (5u << 16 | 19u << 8)
#define PCI_EXP_TYPE_PCI_BRIDGE 0x7
#define PCI_EXP_TYPE_PCIE_BRIDGE 0x8

bool vfd_driver_allows_shared_dma(const char *driver)
{
	if (!driver)
		return true;
	/* vfio-pci, vfio-platform and variants (mlx5_vfio_pci, nvgrace_gpu_vfio_pci...) */
	if (strstr(driver, "vfio"))
		return true;
	return strcmp(driver, "pci-stub") == 0 || strcmp(driver, "pcieport") == 0;
}

bool vfd_pcidev_is_viability_ok(const struct vfd_pcidev *dev, unsigned int kernel_version)
{
	const char *driver = vfd_pcidev_get_driver(dev);

	if (vfd_driver_allows_shared_dma(driver))
		return true;
	/* the old rule let every bridge stay on any driver */
	if (kernel_version && kernel_version < KERNEL_5_19 && vfd_pcidev_is_bridge(dev))
		return true;
	return false;
}

bool vfd_group_is_viable(struct vfd_host *host, const struct vfd_group *group)
{
	unsigned int kv = vfd_host_kernel_version(host);

	for (size_t i = 0; i < vfd_group_count_devices(group); i++)
		if (!vfd_pcidev_is_viability_ok(vfd_group_device(group, i), kv))
			return false;
	return true;
}

static bool same_slot(const char *a, const char *b)
{
	/* "DDDD:BB:DD" is the first 10 characters */
	return strncmp(a, b, 10) == 0;
}

static void copy_slot(char *out, size_t size, const char *slot)
{
	if (size) {
		strncpy(out, slot, size - 1);
		out[size - 1] = '\0';
	}
}

/* true when @dev is a bridge to conventional PCI (no requester IDs behind it) */
static bool is_pci_bridge(struct vfd_pcidev *dev)
{
	const uint8_t *cfg;
	size_t len;
	int type;

	if (!vfd_pcidev_is_bridge(dev))
		return false;
	cfg = vfd_pcidev_get_config(dev, &len);
	type = cfg ? vfd_config_pcie_type(cfg, len) : -1;
	if (type == PCI_EXP_TYPE_PCI_BRIDGE)
		return true;
	/* a bridge without an Express capability is conventional PCI itself */
	return cfg && len >= 0x40 && type < 0 && vfd_pcidev_get_parent(dev) != NULL;
}

/* 1 has ACS, 0 lacks it, -1 cannot tell (extended config needs root) */
static int has_acs(struct vfd_pcidev *dev)
{
	const uint8_t *cfg;
	size_t len;

	cfg = vfd_pcidev_get_config(dev, &len);
	if (!cfg || len < 260)
		return -1;
	return vfd_config_find_ext_cap(cfg, len, PCI_EXT_CAP_ID_ACS) > 0;
}

enum vfd_share_reason vfd_group_share_reason(struct vfd_host *host, const struct vfd_group *group,
					     char *slot, size_t size)
{
	size_t endpoints = 0, up_hops = 0;
	struct vfd_pcidev *first = NULL;
	bool one_slot = true;

	copy_slot(slot, size, "");
	for (size_t i = 0; i < vfd_group_count_devices(group); i++) {
		struct vfd_pcidev *d = vfd_group_device(group, i);

		if (vfd_pcidev_is_bridge(d))
			continue;
		endpoints++;
		if (!first)
			first = d;
		else if (!same_slot(vfd_pcidev_get_slot(first), vfd_pcidev_get_slot(d)))
			one_slot = false;
	}
	if (endpoints < 2 || !first)
		return VFD_SHARE_NONE;
	/* a conventional PCI bridge upstream of (or in) the group */
	for (size_t i = 0; i < vfd_group_count_devices(group); i++) {
		struct vfd_pcidev *d = vfd_group_device(group, i);
		const char *up = vfd_pcidev_get_slot(d);

		for (int hops = 0; up && hops < 32; hops++) {
			struct vfd_pcidev *b = vfd_host_find(host, up);

			if (!b)
				break;
			if (b != d && is_pci_bridge(b)) {
				copy_slot(slot, size, vfd_pcidev_get_slot(b));
				return VFD_SHARE_PCI_BRIDGE;
			}
			up = vfd_pcidev_get_parent(b);
		}
	}
	if (one_slot) {
		char fn0[16];
		struct vfd_pcidev *f0;

		memcpy(fn0, vfd_pcidev_get_slot(first), 10);
		strcpy(fn0 + 10, ".0");
		f0 = vfd_host_find(host, fn0);
		copy_slot(slot, size, f0 ? vfd_pcidev_get_slot(f0) : vfd_pcidev_get_slot(first));
		return f0 && has_acs(f0) < 0 ? VFD_SHARE_UNKNOWN : VFD_SHARE_MULTIFUNCTION;
	}
	/* the nearest upstream port of the first endpoint that lacks ACS */
	/* the host ends every parent walk (VFD_PCI_MAX_DEPTH); the bound says so here too */
	for (const char *up = vfd_pcidev_get_parent(first); up && up_hops < VFD_PCI_MAX_DEPTH; up_hops++) {
		struct vfd_pcidev *b = vfd_host_find(host, up);
		int acs;

		if (!b)
			break;
		acs = has_acs(b);
		if (acs < 0)
			return VFD_SHARE_UNKNOWN;
		if (acs == 0) {
			copy_slot(slot, size, vfd_pcidev_get_slot(b));
			return VFD_SHARE_NO_ACS;
		}
		up = vfd_pcidev_get_parent(b);
	}
	/* endpoints on the root bus: root-complex devices grouped for lack of ACS */
	copy_slot(slot, size, vfd_pcidev_get_slot(first));
	return has_acs(first) < 0 ? VFD_SHARE_UNKNOWN : VFD_SHARE_NO_ACS;
}
