// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest's PCI functions, as the host model reads them, with what the
 * guest asks of each: was it made by the hypervisor, was it passed through,
 * which modules of the guest kernel match it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guest-internal.h"

/*
 * The hypervisor's own devices. QEMU gives most of them its default
 * subsystem ID 1af4:1100; whole vendors exist only in VMs; a few emulated
 * devices carry a real vendor's IDs with a subsystem no real card has.
 */
static bool is_emulated(const struct gdev *d)
{
	static const uint16_t vendors[] = {
		0x1af4,	/* Red Hat / virtio */
		0x1b36,	/* Red Hat / QEMU */
		0x1234,	/* Bochs / QEMU standard VGA */
		0x80ee,	/* VirtualBox */
		0x15ad,	/* VMware */
		0x1414,	/* Microsoft Hyper-V */
		0x5853,	/* Xen platform device */
		0x1ab8,	/* Parallels */
	};
	static const struct { uint16_t v, d, sv, sd; } ids[] = {
		{ 0x8086, 0x10d3, 0x8086, 0x0000 },	/* QEMU e1000e */
		{ 0x1013, 0x00b8, 0, 0 },		/* Cirrus GD5446: only QEMU has one today */
	};

	for (size_t i = 0; i < ARRAY_SIZE(vendors); i++)
		if (d->vendor == vendors[i])
			return true;
	if (d->svendor == 0x1af4 && d->sdevice == 0x1100)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if (d->vendor == ids[i].v && d->device == ids[i].d &&
		    ((ids[i].sv == 0 && ids[i].sd == 0) ||
		     (d->svendor == ids[i].sv && d->sdevice == ids[i].sd)))
			return true;
	return false;
}

static const char *vendor_short(uint16_t vendor)
{
	switch (vendor) {
	case 0x1002:
		return "AMD";
	case 0x10de:
		return "NVIDIA";
	case 0x8086:
		return "Intel";
	case 0x1af4:
	case 0x1b36:
		return "Red Hat";
	case 0x1234:
		return "QEMU";
	case 0x1013:
		return "Cirrus";
	case 0x15ad:
		return "VMware";
	case 0x80ee:
		return "VirtualBox";
	default:
		return NULL;
	}
}

/* a virtual display's common name, or NULL when @d is not one */
const char *guest_virtual_display_name(const struct gdev *d)
{
	if (!vfd_class_is_display(d->class_code) || !d->emulated)
		return NULL;
	if (d->vendor == 0x1af4 && d->device == 0x1050)
		return "virtio-gpu";
	if (d->vendor == 0x1234 && d->device == 0x1111)
		return "QEMU standard VGA (bochs-drm)";
	if (d->vendor == 0x1b36 && d->device == 0x0100)
		return "QXL";
	if (d->vendor == 0x1013)
		return "Cirrus VGA";
	if (d->vendor == 0x15ad)
		return "VMware SVGA";
	if (d->vendor == 0x80ee)
		return "VirtualBox VGA";
	return "virtual display";
}

bool guest_is_gpu(const struct gdev *d)
{
	return vfd_class_is_display(d->class_code);
}

bool guest_is_nic(const struct gdev *d)
{
	return vfd_class_is_network(d->class_code);
}

static const char *class_word(uint32_t class_code)
{
	switch (class_code >> 16) {
	case 0x01:
		return "storage controller";
	case 0x02:
		return "network controller";
	case 0x03:
		return "GPU";
	case 0x04:
		return "multimedia device";
	case 0x0c:
		return vfd_class_is_usb(class_code) ? "USB controller" : "serial bus controller";
	default:
		return "device";
	}
}

/* "AMD GPU 1002:67df" */
char *guest_describe(const struct gdev *d)
{
	const char *v = vendor_short(d->vendor);

	return xasprintf("%s%s%s %04x:%04x", v ? v : "", v ? " " : "", class_word(d->class_code),
			 d->vendor, d->device);
}

static bool expected_by(const struct gctx *g, const struct gdev *d)
{
	for (size_t i = 0; i < g->opts->n_expect; i++)
		if (g->opts->expect[i].vendor == d->vendor &&
		    g->opts->expect[i].device == d->device)
			return true;
	return false;
}

/* what the host model could not read for want of root, into the guest's list */
static void note_refused(struct gctx *g)
{
	size_t n;
	char *const *paths = host_refused(g->host, &n);

	for (; g->refused_seen < n; g->refused_seen++)
		guest_note_denied(g, paths[g->refused_seen], -EACCES);
}

/*
 * The guest's PCI bus is the host model's (lib/host/pci.c): the IDs from one
 * read of the header, the driver link; this adds what the guest asks of each
 * function (its modalias, whether the hypervisor made it, whether it was
 * passed through).
 */
int guest_scan_pci(struct gctx *g)
{
	size_t n;

	g->host = vfd_host_new(g->root);
	if (!g->host) {
		if (errno == ENOMEM)
			return -ENOMEM;
		g->pci_err = -errno;
		guest_note_denied(g, "sys/bus/pci/devices", g->pci_err);
		return 0;
	}
	note_refused(g);
	n = vfd_host_count_devices(g->host);
	g->devs = calloc(n ? n : 1, sizeof(*g->devs));
	if (!g->devs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct vfd_pcidev *dev = vfd_host_device(g->host, i);
		struct gdev *d = &g->devs[g->n++];
		const char *s;
		char path[96];

		snprintf(d->slot, sizeof(d->slot), "%s", vfd_pcidev_get_slot(dev));
		d->vendor = vfd_pcidev_get_vendor(dev);
		d->device = vfd_pcidev_get_device(dev);
		d->class_code = vfd_pcidev_get_class(dev);
		d->svendor = vfd_pcidev_get_subsys_vendor(dev);
		d->sdevice = vfd_pcidev_get_subsys_device(dev);
		/* a bridge's subsystem IDs are the kernel's (SSVID capability): its attributes */
		if (vfd_pcidev_get_header_type(dev) != 0) {
			d->svendor = (uint16_t)guest_read_hex(g, d->slot, "subsystem_vendor", NULL);
			d->sdevice = (uint16_t)guest_read_hex(g, d->slot, "subsystem_device", NULL);
		}
		d->boot_vga = vfd_pcidev_get_boot_vga(dev);
		note_refused(g);
		s = vfd_pcidev_get_driver(dev);
		d->driver = s ? strdup(s) : NULL;
		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/modalias", d->slot);
		guest_read_str(g, &d->modalias, path);
		s = vfd_pcidev_get_driver_override(dev);
		note_refused(g);
		d->override = s ? strdup(s) : NULL;
		d->emulated = is_emulated(d);
		if (g->opts->n_expect)
			d->wanted = expected_by(g, d);
		else	/* bridges are the VM's own topology, never what was passed */
			d->wanted = !d->emulated && (d->class_code >> 16) != 0x06;
	}
	return 0;
}

struct gdev *guest_find_dev(struct gctx *g, const char *slot)
{
	for (size_t i = 0; slot && *slot && i < g->n; i++)
		if (strcmp(g->devs[i].slot, slot) == 0)
			return &g->devs[i];
	return NULL;
}

/*
 * The PCI device a class device hangs below: the last "DDDD:BB:DD.F" of its
 * link, "../../devices/pci0000:00/0000:00:01.0/virtio0/drm/card0" (virtio-gpu
 * puts a virtio device between). Fills @slot (16 bytes) or leaves it "".
 */
void guest_class_slot(struct gctx *g, const char *cls, const char *name, char *slot)
{
	char *target = NULL, *save = NULL;

	slot[0] = '\0';
	if (vfd_root_readlinkf(g->root, &target, "sys/class/%s/%s", cls, name) < 0)
		return;
	for (char *p = strtok_r(target, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		struct vfd_bdf bdf;

		if (strlen(p) == 12 && vfd_bdf_parse(p, &bdf) == 0)
			snprintf(slot, 16, "%s", p);
	}
	free(target);
}

/*
 * Where this kernel's modules are: the distribution's place, Android-x86's
 * /system/lib/modules, and the GKI vendor partitions, which keep one flat
 * directory with modules.alias and no release in the path.
 */
void guest_find_tree(struct gctx *g)
{
	static const struct { const char *dir; bool release; } dirs[] = {
		{ "lib/modules", true }, { "usr/lib/modules", true },
		{ "system/lib/modules", true }, { "system/lib/modules", false },
		{ "vendor/lib/modules", true }, { "vendor/lib/modules", false },
		{ "vendor_dlkm/lib/modules", false }, { "odm/lib/modules", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !g->has_tree; i++) {
		char *dir;

		if (dirs[i].release && !g->release)
			continue;
		dir = dirs[i].release ? xasprintf("%s/%s", dirs[i].dir, g->release) :
			strdup(dirs[i].dir);
		if (!dir)
			return;
		strv_addf(&g->tree_tried, "/%s", dir);
		if (vfd_root_existsf(g->root, "%s/modules.alias", dir) ||
		    vfd_root_existsf(g->root, "%s/modules.alias.bin", dir)) {
			g->has_tree = true;
			g->tree_dir = dir;
		} else {
			free(dir);
		}
	}
	/* libkmod where the tree has its index and the build has libkmod, else text */
	if (g->has_tree)
		g->mods = modules_new_at(g->root, g->tree_dir);
}

void guest_lookup_modules(struct gctx *g, struct gdev *d)
{
	if (d->looked_up || !g->has_tree || !d->modalias)
		return;
	d->looked_up = true;
	if (g->mods)
		d->modules = modules_alias_names(g->mods, d->modalias, &d->builtin);
}

/* loaded (or built in: a directory without initstate) */
bool guest_module_present(struct gctx *g, const char *name)
{
	enum vfd_module_state st = g->mods ? vfd_modules_state(g->mods, name) : VFD_MODULE_UNKNOWN;

	return st == VFD_MODULE_LOADED || st == VFD_MODULE_BUILTIN;
}
