/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: PCI addresses, config space, the host model (functions, groups) and device usage. Include "vfd.h", not this file. */
#ifndef LIBVFD_PCI_H
#define LIBVFD_PCI_H

#include "vfd-root.h"


/* ----------------------------------------------------------- addresses */

struct vfd_bdf {
	unsigned int domain, bus, dev, fn;
};

/* Parse "DDDD:BB:DD.F" or "BB:DD.F" (domain 0). Returns 0 or -EINVAL. */
int vfd_bdf_parse(const char *s, struct vfd_bdf *out);
/* Formats "DDDD:BB:DD.F" into buf (at least 13 bytes). */
void vfd_bdf_format(const struct vfd_bdf *bdf, char *buf, size_t size);

/* A device argument: an address, or vendor:device IDs ("10de:1f06"). */
struct vfd_devspec {
	bool by_id;
	struct vfd_bdf bdf;
	uint16_t vendor, device;
};

/* Returns 0, or -EINVAL when @s is none of "DDDD:BB:DD.F", "BB:DD.F", "VVVV:DDDD". */
int vfd_devspec_parse(const char *s, struct vfd_devspec *out);

/* ----------------------------------------------------- config space */

/* PCI 3.0 6.7 capability IDs and PCIe 4.0 7.6 extended capability IDs we use */
#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_EXP		0x10
#define PCI_CAP_ID_AF		0x13
#define PCI_EXT_CAP_ID_ACS	0x0d
#define PCI_EXT_CAP_ID_DSN	0x03

/*
 * vfd_config_find_cap - offset of a standard capability in config space
 * Walks the list at 0x34 with a bound on the number of hops (loops in broken
 * devices are common). Returns the offset (> 0), or -ENOENT, or -EINVAL when
 * @len is too short to hold a header.
 */
int vfd_config_find_cap(const uint8_t *cfg, size_t len, uint8_t cap_id);
/* the same for extended capabilities from 0x100 (needs len >= 4096 to see all) */
int vfd_config_find_ext_cap(const uint8_t *cfg, size_t len, uint16_t cap_id);
/* PCIe Device Capabilities: Function Level Reset supported */
bool vfd_config_has_flr(const uint8_t *cfg, size_t len);
/* PCIe port type from the Express capability, or -1 (PCIe 4.0 7.5.3.2) */
int vfd_config_pcie_type(const uint8_t *cfg, size_t len);

/* ------------------------------------------------------- host model */

struct vfd_host;
struct vfd_pcidev;
struct vfd_group;

/*
 * vfd_host_new - enumerate every PCI function under sys/bus/pci/devices
 * Reads, per function, the IDs (from config space, one read), the driver,
 * IOMMU group and parent links. Everything else is read on first use.
 * Returns: a new host, or NULL with errno (ENOENT when the root has no PCI bus
 *          directory; ENOMEM).
 */
struct vfd_host *vfd_host_new(struct vfd_root *root);
void vfd_host_free(struct vfd_host *host);
struct vfd_root *vfd_host_get_root(const struct vfd_host *host);

/*
 * The deepest path from a root bus, in functions: every bridge on it takes a
 * bus number of its own, and there are 256. Parent links that form a cycle or
 * go deeper are dropped (vfd_pcidev_get_parent() returns NULL for that device),
 * so every walk up the tree ends.
 */
#define VFD_PCI_MAX_DEPTH 256
/*
 * What was wrong with the sysroot's parent links (the first fault, one line,
 * owned by the host), or NULL for a sound tree. Reads the topology on first use.
 */
const char *vfd_host_get_topology_error(struct vfd_host *host);
size_t vfd_host_count_devices(const struct vfd_host *host);
/* devices sorted by address; index < count */
struct vfd_pcidev *vfd_host_device(const struct vfd_host *host, size_t index);
struct vfd_pcidev *vfd_host_find(const struct vfd_host *host, const char *slot);
/* position of @dev in the sorted device list */
size_t vfd_host_index(const struct vfd_host *host, const struct vfd_pcidev *dev);
/* Resolves a device argument; for IDs, the first match (see _next for more). */
int vfd_host_lookup(const struct vfd_host *host, const struct vfd_devspec *spec,
		    size_t *index);
/* matching devices of spec after @start (index), 0 or 1 when none left */
int vfd_host_lookup_next(const struct vfd_host *host, const struct vfd_devspec *spec,
			 size_t start, size_t *index);

/*
 * kernel release (proc/sys/kernel/osrelease), or NULL (also for one that is
 * not a release: see vfd_release_is_valid()); owned by host
 */
const char *vfd_host_get_release(struct vfd_host *host);
/*
 * @release can be a kernel release and a path component: 1 to 64 letters,
 * digits and ". _ + ~ -", no "..". A sysroot's osrelease names directories
 * (lib/modules/RELEASE, boot/config-RELEASE), so "../../.." must not pass.
 */
bool vfd_release_is_valid(const char *release);
/* kernel version as major*65536+minor*256, or 0 when unknown */
unsigned int vfd_host_kernel_version(struct vfd_host *host);

size_t vfd_host_count_groups(const struct vfd_host *host);
struct vfd_group *vfd_host_group(const struct vfd_host *host, size_t index);
struct vfd_group *vfd_host_find_group(const struct vfd_host *host, int number);

/* Names from pci.ids through libpci; NULL when unknown. Owned by the host. */
const char *vfd_host_vendor_name(struct vfd_host *host, uint16_t vendor);
const char *vfd_host_device_name(struct vfd_host *host, uint16_t vendor, uint16_t device);
const char *vfd_host_class_name(struct vfd_host *host, uint32_t class_code);

const char *vfd_pcidev_get_slot(const struct vfd_pcidev *dev);
uint16_t vfd_pcidev_get_vendor(const struct vfd_pcidev *dev);
uint16_t vfd_pcidev_get_device(const struct vfd_pcidev *dev);
uint16_t vfd_pcidev_get_subsys_vendor(const struct vfd_pcidev *dev);
uint16_t vfd_pcidev_get_subsys_device(const struct vfd_pcidev *dev);
/* 24-bit class code: base class, subclass, programming interface */
uint32_t vfd_pcidev_get_class(const struct vfd_pcidev *dev);
uint8_t vfd_pcidev_get_revision(const struct vfd_pcidev *dev);
bool vfd_pcidev_is_bridge(const struct vfd_pcidev *dev);
/*
 * vfd_pcidev_unassignable - why @dev cannot be given to a guest, or NULL
 * when nothing in its header or class forbids it. *@id is set to the finding
 * id of the reason ("bridge", "host-bridge"). The string is static.
 */
const char *vfd_pcidev_unassignable(const struct vfd_pcidev *dev, const char **id);
/* bound driver name, or NULL when unbound */
const char *vfd_pcidev_get_driver(const struct vfd_pcidev *dev);
/* IOMMU group number, or -1 when the device has none */
int vfd_pcidev_get_group(const struct vfd_pcidev *dev);
/* slot of the upstream bridge, or NULL on a root bus */
const char *vfd_pcidev_get_parent(const struct vfd_pcidev *dev);
/* slot of the SR-IOV physical function, or NULL */
const char *vfd_pcidev_get_physfn(struct vfd_pcidev *dev);
/* driver_override, or NULL when "(null)"/absent */
const char *vfd_pcidev_get_driver_override(struct vfd_pcidev *dev);
/* reset_method ("flr bus", ...), "" when the kernel has none, NULL when unknown */
const char *vfd_pcidev_get_reset_method(struct vfd_pcidev *dev);
/* 1, 0, or -1 when the attribute is absent (non-VGA devices) */
int vfd_pcidev_get_boot_vga(struct vfd_pcidev *dev);
/* NUMA node, -1 when none or unknown */
int vfd_pcidev_get_numa_node(struct vfd_pcidev *dev);
/* class helpers */
bool vfd_class_is_display(uint32_t class_code);
bool vfd_class_is_audio(uint32_t class_code);
bool vfd_class_is_usb(uint32_t class_code);
bool vfd_class_is_network(uint32_t class_code);
bool vfd_class_is_storage(uint32_t class_code);

/* ---------------------------------------------------------- groups */

int vfd_group_get_number(const struct vfd_group *group);
size_t vfd_group_count_devices(const struct vfd_group *group);
struct vfd_pcidev *vfd_group_device(const struct vfd_group *group, size_t index);

/*
 * vfd_driver_allows_shared_dma - the kernel's test for a device that may stay
 * bound in a group used by VFIO (drivers setting driver_managed_dma since
 * 5.19: vfio-pci and its variants, pci-stub, pcieport). NULL (unbound) is
 * allowed. The flag is not in sysfs, so this is a name list.
 */
bool vfd_driver_allows_shared_dma(const char *driver);
/* true when @dev does not keep its group from being viable on @kernel_version */
bool vfd_pcidev_is_viability_ok(const struct vfd_pcidev *dev, unsigned int kernel_version);
/* every device of the group passes vfd_pcidev_is_viability_ok */
bool vfd_group_is_viable(struct vfd_host *host, const struct vfd_group *group);
/* Why several devices share one group. */
enum vfd_share_reason {
	VFD_SHARE_NONE,			/* one device (or one device and its bridges) */
	VFD_SHARE_PCI_BRIDGE,		/* behind a conventional PCI bridge: no isolation possible */
	VFD_SHARE_MULTIFUNCTION,	/* functions of one slot without ACS */
	VFD_SHARE_NO_ACS,		/* an upstream port without ACS */
	VFD_SHARE_UNKNOWN,		/* config space unreadable (needs root) or no culprit seen */
};

/*
 * vfd_group_share_reason - why the devices of @group are grouped together
 * Fills @slot with the device to blame (the bridge, function 0, or the port
 * lacking ACS), "" when none.
 */
enum vfd_share_reason vfd_group_share_reason(struct vfd_host *host, const struct vfd_group *group,
					     char *slot, size_t size);

#endif
