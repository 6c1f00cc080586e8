// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One PCI function of the host model: the IDs and driver the scan found, and
 * the attributes read on first use and kept (override, reset methods,
 * boot_vga, NUMA node, physfn, VFs, config space).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pci-model.h"

int vfd_group_get_number(const struct vfd_group *group)
{
	return group->number;
}

size_t vfd_group_count_devices(const struct vfd_group *group)
{
	return group->n;
}

struct vfd_pcidev *vfd_group_device(const struct vfd_group *group, size_t index)
{
	return index < group->n ? group->devices[index] : NULL;
}

const char *vfd_pcidev_get_slot(const struct vfd_pcidev *dev)
{
	return dev->slot;
}

uint16_t vfd_pcidev_get_vendor(const struct vfd_pcidev *dev)
{
	return dev->vendor;
}

uint16_t vfd_pcidev_get_device(const struct vfd_pcidev *dev)
{
	return dev->device;
}

uint16_t vfd_pcidev_get_subsys_vendor(const struct vfd_pcidev *dev)
{
	return dev->subsys_vendor;
}

uint16_t vfd_pcidev_get_subsys_device(const struct vfd_pcidev *dev)
{
	return dev->subsys_device;
}

uint32_t vfd_pcidev_get_class(const struct vfd_pcidev *dev)
{
	return dev->class_code;
}

uint8_t vfd_pcidev_get_revision(const struct vfd_pcidev *dev)
{
	return dev->revision;
}

int vfd_pcidev_get_header_type(const struct vfd_pcidev *dev)
{
	return dev->header_type & 0x7f;
}

bool vfd_pcidev_is_multifunction(const struct vfd_pcidev *dev)
{
	return dev->header_type & 0x80;
}

bool vfd_pcidev_is_bridge(const struct vfd_pcidev *dev)
{
	return (dev->header_type & 0x7f) == 1 || (dev->header_type & 0x7f) == 2;
}

const char *vfd_pcidev_unassignable(const struct vfd_pcidev *dev, const char **id)
{
	/*
	 * vfio-pci refuses every function whose header is not type 0 (a PCI-to-PCI
	 * or CardBus bridge): vfio_pci_probe in drivers/vfio/pci/vfio_pci.c before
	 * 5.15, vfio_pci_core_register_device in vfio_pci_core.c since, both
	 * "if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) return -EINVAL"
	 */
	if (vfd_pcidev_is_bridge(dev)) {
		*id = "bridge";
		return (dev->header_type & 0x7f) == 2
		       ? "a CardBus bridge (header type 2): vfio-pci refuses every device whose "
			 "header is not type 0 (its probe fails with -22)"
		       : "a PCI bridge (header type 1): vfio-pci refuses every device whose "
			 "header is not type 0 (its probe fails with -22)";
	}
	/*
	 * A host bridge (class 06 00) has a type 0 header, so vfio-pci would take
	 * it, but it is the root complex's own function: it leads nowhere a guest
	 * could use, and AMD boards put "dummy host bridges" into the groups of
	 * their root ports, where binding them only hides what the group holds.
	 * Without a driver it does not block its group's viability.
	 */
	if ((dev->class_code >> 8) == 0x0600) {
		*id = "host-bridge";
		return "a host bridge (class 0600): the root complex's own function, nothing a "
		       "guest can use; it stays with the host and, with no driver, does not "
		       "keep its group from being viable";
	}
	*id = NULL;
	return NULL;
}

const char *vfd_pcidev_get_driver(const struct vfd_pcidev *dev)
{
	return dev->driver;
}

int vfd_pcidev_get_group(const struct vfd_pcidev *dev)
{
	return dev->group;
}

const char *vfd_pcidev_get_physfn(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_PHYSFN)) {
		char *base = NULL;

		dev->loaded |= LAZY_PHYSFN;
		/* physfn -> ../0000:03:00.0 */
		if (vfd_root_readlinkf_base(dev->host->root, &base, "sys/bus/pci/devices/%s/physfn",
					    dev->slot) == 0)
			dev->physfn = base;
	}
	return dev->physfn;
}

const char *vfd_pcidev_get_driver_override(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_OVERRIDE)) {
		char *s = NULL;
		int r;

		dev->loaded |= LAZY_OVERRIDE;
		r = vfd_root_readf_str(dev->host->root, &s, "sys/bus/pci/devices/%s/driver_override",
				       dev->slot);

		host_note_refused(dev->host, r, "sys/bus/pci/devices/%s/driver_override", dev->slot);
		if (r == 0) {
			if (*s && strcmp(s, "(null)") != 0)
				dev->driver_override = s;
			else
				free(s);
		}
	}
	return dev->driver_override;
}

const char *vfd_pcidev_get_reset_method(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_RESET)) {
		dev->loaded |= LAZY_RESET;
		/* absent before 5.15, and when the device has no reset at all */
		if (vfd_root_readf_str(dev->host->root, &dev->reset_method,
				       "sys/bus/pci/devices/%s/reset_method", dev->slot) < 0) {
			if (!vfd_root_existsf(dev->host->root, "sys/bus/pci/devices/%s/reset",
					      dev->slot) &&
			    vfd_root_existsf(dev->host->root, "sys/bus/pci/devices/%s/config",
					     dev->slot) &&
			    vfd_host_kernel_version(dev->host) >= (5u << 16 | 15u << 8))
				dev->reset_method = strdup("");
		}
	}
	return dev->reset_method;
}

int vfd_pcidev_get_boot_vga(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_BOOTVGA)) {
		int64_t v;
		int r;

		dev->loaded |= LAZY_BOOTVGA;
		r = vfd_root_readf_s64(dev->host->root, &v, "sys/bus/pci/devices/%s/boot_vga",
				       dev->slot);

		host_note_refused(dev->host, r, "sys/bus/pci/devices/%s/boot_vga", dev->slot);
		if (r == 0)
			dev->boot_vga = v != 0;
	}
	return dev->boot_vga;
}

int vfd_pcidev_get_numa_node(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_NUMA)) {
		int64_t v;

		dev->loaded |= LAZY_NUMA;
		if (vfd_root_readf_s64(dev->host->root, &v, "sys/bus/pci/devices/%s/numa_node",
				       dev->slot) == 0 && v >= 0 && v < 65536)
			dev->numa_node = (int)v;
	}
	return dev->numa_node;
}

int vfd_pcidev_get_num_vfs(struct vfd_pcidev *dev)
{
	if (!(dev->loaded & LAZY_VFS)) {
		uint64_t v;

		dev->loaded |= LAZY_VFS;
		if (vfd_root_readf_u64(dev->host->root, &v, "sys/bus/pci/devices/%s/sriov_numvfs",
				       dev->slot) == 0 && v < 65536)
			dev->num_vfs = (int)v;
	}
	return dev->num_vfs;
}

const uint8_t *vfd_pcidev_get_config(struct vfd_pcidev *dev, size_t *len)
{
	if (!(dev->loaded & LAZY_CONFIG)) {
		char *buf = NULL;
		size_t n = 0;

		dev->loaded |= LAZY_CONFIG;
		if (vfd_root_read_filef(dev->host->root, 4096, &buf, &n,
					"sys/bus/pci/devices/%s/config", dev->slot) == 0) {
			dev->config = (uint8_t *)buf;
			dev->config_len = (uint16_t)n;
		}
	}
	*len = dev->config_len;
	return dev->config;
}

bool vfd_class_is_display(uint32_t c)
{
	return (c >> 16) == 0x03;
}

bool vfd_class_is_audio(uint32_t c)
{
	/* multimedia audio (0x0401) and HD audio (0x0403) */
	return (c >> 8) == 0x0401 || (c >> 8) == 0x0403;
}

bool vfd_class_is_usb(uint32_t c)
{
	return (c >> 8) == 0x0c03;
}

bool vfd_class_is_network(uint32_t c)
{
	return (c >> 16) == 0x02;
}

bool vfd_class_is_storage(uint32_t c)
{
	return (c >> 16) == 0x01;
}
