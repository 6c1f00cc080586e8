/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host model's own view of its objects, shared by the files that make it
 * up: pci.c (the scan and the host), pci-device.c (a function's attributes),
 * pci-topology.c (parent links) and pci-names.c (pci.ids). Nothing outside
 * lib/host/pci*.c includes it: the rest of libvfd goes through vfd-pci.h.
 */
#ifndef VFD_PCI_MODEL_H
#define VFD_PCI_MODEL_H

#include <stdint.h>

#include "bytes.h"
#include "internal.h"

/* what another module keeps per host (host_cache() in internal.h) */
struct host_cache {
	void *data;
	void (*free_fn)(void *data);
};
#define HOST_CACHES 4

#define LAZY_OVERRIDE	0x01
#define LAZY_RESET	0x02
#define LAZY_BOOTVGA	0x04
#define LAZY_NUMA	0x08
#define LAZY_PHYSFN	0x10
#define LAZY_CONFIG	0x20
#define LAZY_VFS	0x40
#define LAZY_PARENT	0x80

#define PCI_EXT_CAP_ID_SRIOV	0x10
#define PCI_SRIOV_CTRL		0x08	/* bit 0: VF Enable */
#define PCI_SRIOV_NUM_VF	0x10
#define PCI_SRIOV_VF_OFFSET	0x14
#define PCI_SRIOV_VF_STRIDE	0x16
#define PCI_SRIOV_VF_DID	0x1a

struct vfd_pcidev {
	/* pointers first, then by size: 112 bytes a function, not 128 (16,384 on large hosts) */
	struct vfd_host *host;
	const char *driver;	/* the host's copy */
	char *parent;
	char *driver_override;
	char *reset_method;
	char *physfn;
	uint8_t *config;
	char slot[16];
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class_code;
	int group;
	unsigned int loaded;	/* LAZY_* already read */
	int boot_vga;
	int numa_node;
	int num_vfs;
	uint16_t config_len;	/* at most 4096 */
	uint8_t revision;
	uint8_t header_type;	/* raw byte: bit 7 is multi-function */
	bool vf_like;		/* its ID registers read all ones: a VF */
	bool ids_pending;	/* vendor and device of such a one still to be found */
	bool driver_listed;	/* its driver came from the drivers' directories */
};

struct vfd_group {
	int number;
	size_t n;
	struct vfd_pcidev **devices;	/* a slice of the host's members */
};

struct vfd_host {
	struct vfd_root *root;
	struct vfd_pcidev *devices;
	size_t n;
	struct vfd_group *groups;
	size_t n_groups;
	struct vfd_pcidev **members;	/* every group's devices, group after group */
	struct strv_builder drivers;	/* driver names, one copy each (devices point here) */
	int busfd;		/* sys/bus/pci/devices, for the topology links */
	bool release_read;
	char *release;
	bool version_read;
	unsigned int version;
	struct host_cache caches[HOST_CACHES];
	struct strv_builder refused;	/* files read with EACCES or EPERM, once each */
	bool topology_checked;
	char *topology_error;	/* what was wrong with the parent links, or NULL */
};

/* note the file at @fmt when @r says it was refused (host_refused()) */
void host_note_refused(struct vfd_host *host, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* pci-topology.c: the parent links checked once for the whole host */
void check_topology(struct vfd_host *host);

#endif
