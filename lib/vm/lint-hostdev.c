// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lint, each passed-through device of a VM definition against the host: it
 * exists and may be passed, a Proxmox mapping resolves on this node, a
 * mediated device or its type exists, the device is on vfio-pci, its slot's
 * other functions and its IOMMU group go along, x-vga fits it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint-internal.h"

/* the generator whose output places a slot's functions right, for fixes */
static const char *generator(const struct vfd_vm_conf *c)
{
	return c->source == VFD_VM_SOURCE_LIBVIRT ? "libvirt-xml" : "qemu-args";
}

static bool is_passed(const struct lint *l, const struct vfd_pcidev *d)
{
	for (size_t i = 0; i < l->c->n_hostdevs; i++)
		if (l->devs[i] == d)
			return true;
	return false;
}

void lint_exists(struct lint *l, size_t i)
{
	const struct vfd_vm_hostdev *h = &l->c->hostdevs[i];
	const char *why, *why_id;
	struct vfd_finding *f;
	char slot[16];

	if (!h->has_host) {
		f = report_add(l->rep, "vm.hostdev", "vm", VFD_FAIL, NULL,
			       "hostdev address '%s' is not a PCI address",
			       h->host_text ? h->host_text : "(none)");
		if (h->line)
			finding_evidence(f, "line %u", h->line);
		return;
	}
	vfd_bdf_format(&h->host, slot, sizeof(slot));
	for (size_t j = 0; j < i; j++)
		if (l->c->hostdevs[j].has_host && !l->c->hostdevs[j].mdev_type &&
		    !memcmp(&l->c->hostdevs[j].host, &h->host, sizeof(h->host))) {
			report_add(l->rep, "vm.hostdev", "vm", VFD_FAIL, slot, "passed twice");
			return;
		}
	l->devs[i] = vfd_host_find(l->host, slot);
	if (!l->devs[i]) {
		f = report_add(l->rep, "vm.hostdev", "vm", VFD_FAIL, slot,
			       "no such PCI device on this host");
		if (h->line)
			finding_evidence(f, "line %u: %s", h->line, h->host_text);
		finding_evidence(f, "sys/bus/pci/devices/%s: absent", slot);
		finding_fix(f, "vfio-doctor groups: find the device's address on this host");
		return;
	}
	why = vfd_pcidev_unassignable(l->devs[i], &why_id);
	if (why) {
		/* no bind fix: bind refuses it too */
		f = report_add(l->rep, "vm.hostdev", "vm", VFD_FAIL, slot, "cannot be passed: %s",
			       why);
		finding_fix(f, "remove it from the definition; pass the endpoints of its group");
		l->devs[i] = NULL;
		return;
	}
	report_add(l->rep, "vm.hostdev", "vm", VFD_OK, slot, "present: %04x:%04x, class %06x",
		   vfd_pcidev_get_vendor(l->devs[i]), vfd_pcidev_get_device(l->devs[i]),
		   vfd_pcidev_get_class(l->devs[i]));
}

/* a Proxmox cluster mapping's device on this node */

/* this host's node name: the short host name (PVE::INotify::nodename) */
static int node_name(struct vfd_root *root, char *buf, size_t size)
{
	char *text = NULL;
	size_t n;

	if (vfd_root_readf_str(root, &text, "etc/hostname") < 0)
		return -ENOENT;
	n = strcspn(text, ".\n \t");
	snprintf(buf, size, "%.*s", (int)n, text);
	free(text);
	return n ? 0 : -ENOENT;
}

/*
 * Resolve mapping @name from etc/pve/mapping/pci.cfg, a PVE::SectionConfig
 * file (pve-guest-common PVE/Mapping/PCI.pm): a line with the mapping's id,
 * then indented "map node=N,path=P[;P2...],id=VVVV:DDDD,..." lines, one per
 * node; the first path of this node's map that the host has is used.
 * Returns 0; -ENOENT (no file), -ESRCH (no such mapping), -EHOSTUNREACH (no
 * map for this node, or its name unknown), -ENODEV (none of its paths here).
 */
int lint_resolve_mapping(struct vfd_host *host, const char *name, struct lint_mapping *m)
{
	struct vfd_root *root = vfd_host_get_root(host);
	char *text = NULL, *save = NULL, node[64];
	bool in = false, seen = false, mine = false;
	int r = -ESRCH;

	memset(m, 0, sizeof(*m));
	if (vfd_root_read_filef(root, 1 << 20, &text, NULL, "etc/pve/mapping/pci.cfg") < 0)
		return -ENOENT;
	if (node_name(root, node, sizeof(node)) < 0)
		node[0] = '\0';
	for (char *line = strtok_r(text, "\n", &save); line && !mine;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = line + strspn(line, " \t"), *props, *psave = NULL;

		if (p == line) {
			line[strcspn(line, " \t\r")] = '\0';
			in = !strcmp(line, name);
			seen |= in;
			continue;
		}
		if (!in || strncmp(p, "map", 3) || (p[3] != ' ' && p[3] != '\t'))
			continue;
		props = p + 4 + strspn(p + 4, " \t");
		memset(m, 0, sizeof(*m));
		for (char *kv = strtok_r(props, ",\r", &psave); kv; kv = strtok_r(NULL, ",\r", &psave)) {
			if (!strncmp(kv, "node=", 5))
				snprintf(m->node, sizeof(m->node), "%s", kv + 5);
			else if (!strncmp(kv, "path=", 5))
				snprintf(m->path, sizeof(m->path), "%s", kv + 5);
			else if (!strncmp(kv, "id=", 3))
				sscanf(kv + 3, "%4x:%4x", &m->vendor, &m->device);
		}
		mine = node[0] && !strcmp(m->node, node);
	}
	free(text);
	if (!seen)
		return -ESRCH;
	if (!mine)
		return -EHOSTUNREACH;
	/* path: "0000:01:00.0" or "0000:01:00", several joined by ';' */
	r = -ENODEV;
	for (char *alt = strtok_r(m->path, ";", &save); alt && r; alt = strtok_r(NULL, ";", &save)) {
		char full[32], slot[16];

		m->all = !strchr(alt, '.');
		snprintf(full, sizeof(full), "%s%s", alt, m->all ? ".0" : "");
		if (vfd_bdf_parse(full, &m->bdf) < 0)
			continue;
		vfd_bdf_format(&m->bdf, slot, sizeof(slot));
		if (vfd_host_find(host, slot))
			r = 0;
	}
	return r;
}

/*
 * a Proxmox mapping: which device it is on this node, or why it is none.
 * Returns false when Proxmox would refuse it (its device is not linted).
 */
bool lint_mapping(struct lint *l, size_t i)
{
	const struct vfd_vm_hostdev *h = &l->c->hostdevs[i];
	struct vfd_finding *f;
	struct vfd_pcidev *d;
	struct lint_mapping m;
	char slot[16];
	int r = lint_resolve_mapping(l->host, h->mapping, &m);

	if (r < 0) {
		f = report_add(l->rep, "vm.mapping", "vm", r == -ENOENT ? VFD_SKIP : VFD_FAIL, NULL,
			       "hostpci mapping %s: %s", h->mapping,
			       r == -ENOENT ? "no etc/pve/mapping/pci.cfg here: its device is not "
					      "checked"
			       : r == -ESRCH ? "no such mapping: Proxmox refuses to start the guest"
			       : r == -EHOSTUNREACH ? "no map for this node (etc/hostname): Proxmox "
						      "refuses to start the guest here"
			       : "none of its paths is on this host");
		finding_evidence(f, "line %u", h->line);
		if (r != -ENOENT && r != -ESRCH)
			finding_evidence(f, "etc/pve/mapping/pci.cfg: %s: node %s, path %s", h->mapping,
					 m.node[0] ? m.node : "?", m.path[0] ? m.path : "?");
		return false;
	}
	vfd_bdf_format(&m.bdf, slot, sizeof(slot));
	d = vfd_host_find(l->host, slot);
	/* PVE::Mapping::PCI::assert_valid: the device must still carry the id */
	if (d && m.vendor && (vfd_pcidev_get_vendor(d) != m.vendor ||
			      vfd_pcidev_get_device(d) != m.device)) {
		f = report_add(l->rep, "vm.mapping", "vm", VFD_FAIL, slot,
			       "hostpci mapping %s expects %04x:%04x here, the device is %04x:%04x: "
			       "Proxmox refuses to start (\"PCI device mapping invalid\")",
			       h->mapping, m.vendor, m.device, vfd_pcidev_get_vendor(d),
			       vfd_pcidev_get_device(d));
		finding_fix(f, "update the mapping (Datacenter > Resource Mappings)");
		return false;
	}
	f = report_add(l->rep, "vm.mapping", "vm", VFD_INFO, slot,
		       "hostpci mapping %s is %s%s on node %s", h->mapping, m.all ? "the slot of " : "",
		       slot, m.node);
	finding_evidence(f, "etc/pve/mapping/pci.cfg: map node=%s,path=%s", m.node, m.path);
	return true;
}

/* the parents of mediated devices and their types, as evidence (sys/class/mdev_bus) */
static void mdev_parents(struct lint *l, struct vfd_finding *f)
{
	DIR *d = vfd_root_opendirf(l->root, "sys/class/mdev_bus");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) && n < 16) {
		DIR *t;
		struct dirent *te;
		struct tbuf types = { 0 };

		if (e->d_name[0] == '.')
			continue;
		t = vfd_root_opendirf(l->root, "sys/class/mdev_bus/%s/mdev_supported_types",
				      e->d_name);
		while (t && (te = readdir(t)))
			if (te->d_name[0] != '.')
				tbuf_addf(&types, "%s%s", types.len ? ", " : "", te->d_name);
		if (t)
			closedir(t);
		finding_evidence(f, "sys/class/mdev_bus/%s: types %s", e->d_name,
				 types.p ? types.p : "none");
		free(types.p);
		n++;
	}
	if (d)
		closedir(d);
	if (!n)
		finding_evidence(f, "sys/class/mdev_bus: no device of this host offers mediated "
				    "devices");
}

/* a mediated device named by its UUID: it must exist when the guest starts */
void lint_mdev(struct lint *l, size_t i)
{
	const struct vfd_vm_hostdev *h = &l->c->hostdevs[i];
	char *target = NULL, *type = NULL, *name = NULL, *parent = NULL, *p;
	struct vfd_pcidev *pd = NULL;
	struct vfd_finding *f;

	if (!vm_is_uuid(h->mdev)) {
		f = report_add(l->rep, "vm.mdev", "vm", VFD_FAIL, NULL,
			       "mediated device '%s' is not a UUID (8-4-4-4-12 hex digits)",
			       h->mdev);
		if (h->line)
			finding_evidence(f, "line %u", h->line);
		return;
	}
	if (vfd_root_readlinkf(l->root, &target, "sys/bus/mdev/devices/%s", h->mdev) < 0) {
		f = report_add(l->rep, "vm.mdev", "vm", VFD_FAIL, NULL,
			       "mediated device %s does not exist on this host: QEMU cannot open "
			       "it", h->mdev);
		if (h->line)
			finding_evidence(f, "line %u", h->line);
		finding_evidence(f, "sys/bus/mdev/devices/%s: absent", h->mdev);
		mdev_parents(l, f);
		finding_fix(f, "create it before the guest starts: echo %s > /sys/class/mdev_bus/"
			       "PARENT/mdev_supported_types/TYPE/create (or mdevctl)", h->mdev);
		return;
	}
	/* mdev/devices/UUID -> ../../../devices/pci0000:00/0000:00:02.0/UUID */
	p = strrchr(target, '/');
	if (p) {
		*p = '\0';
		p = strrchr(target, '/');
		parent = strdup(p ? p + 1 : target);
	}
	pd = parent ? vfd_host_find(l->host, parent) : NULL;
	vfd_root_readlinkf_base(l->root, &type, "sys/bus/mdev/devices/%s/mdev_type", h->mdev);
	vfd_root_readf_str(l->root, &name, "sys/bus/mdev/devices/%s/mdev_type/name", h->mdev);
	f = report_add(l->rep, "vm.mdev", "vm", VFD_OK, pd ? vfd_pcidev_get_slot(pd) : NULL,
		       "mediated device %s: type %s%s%s%s of %s, bound to %s", h->mdev,
		       type ? type : "unknown", name ? " (" : "", name ? name : "", name ? ")" : "",
		       parent ? parent : "an unknown parent", pd ? driver_name_or_none(pd) : "?");
	finding_evidence(f, "sys/bus/mdev/devices/%s -> %s/%s", h->mdev, target, h->mdev);
	free(target);
	free(type);
	free(name);
	free(parent);
}

/* Proxmox mdev=TYPE: an instance of TYPE of the device is made at start */
void lint_mdev_type(struct lint *l, size_t i)
{
	const struct vfd_vm_hostdev *h = &l->c->hostdevs[i];
	struct vfd_pcidev *d;
	struct vfd_finding *f;
	uint64_t avail = 0;
	char slot[16];

	vfd_bdf_format(&h->host, slot, sizeof(slot));
	d = vfd_host_find(l->host, slot);
	if (!d) {
		f = report_add(l->rep, "vm.mdev", "vm", VFD_FAIL, slot,
			       "no such PCI device on this host to make a %s mediated device of",
			       h->mdev_type);
		finding_evidence(f, "sys/bus/pci/devices/%s: absent", slot);
		return;
	}
	if (!vfd_root_existsf(l->root, "sys/bus/pci/devices/%s/mdev_supported_types/%s", slot,
			      h->mdev_type)) {
		f = report_add(l->rep, "vm.mdev", "vm", VFD_FAIL, slot,
			       "offers no mediated device type %s (bound to %s)", h->mdev_type,
			       driver_name_or_none(d));
		finding_evidence(f, "sys/bus/pci/devices/%s/mdev_supported_types/%s: absent", slot,
				 h->mdev_type);
		mdev_parents(l, f);
		finding_fix(f, "use a type the device offers, with the driver that offers it "
			       "(i915 GVT-g, NVIDIA vGPU)");
		return;
	}
	if (vfd_root_readf_u64(l->root, &avail,
			       "sys/bus/pci/devices/%s/mdev_supported_types/%s/available_instances",
			       slot, h->mdev_type) == 0 && avail == 0) {
		f = report_add(l->rep, "vm.mdev", "vm", VFD_FAIL, slot,
			       "no instance of mediated device type %s is left: Proxmox cannot "
			       "make one at start", h->mdev_type);
		finding_evidence(f, "sys/bus/pci/devices/%s/mdev_supported_types/%s/"
				    "available_instances: 0", slot, h->mdev_type);
		finding_fix(f, "stop a guest that uses one, or pick a smaller type");
		return;
	}
	report_add(l->rep, "vm.mdev", "vm", VFD_OK, slot,
		   "mediated device type %s: Proxmox makes an instance at start (%llu available)",
		   h->mdev_type, (unsigned long long)avail);
}

void lint_driver(struct lint *l, size_t i)
{
	const struct vfd_vm_hostdev *h = &l->c->hostdevs[i];
	struct vfd_pcidev *d = l->devs[i];
	const char *slot = vfd_pcidev_get_slot(d);
	const char *drv = vfd_pcidev_get_driver(d);
	struct vfd_finding *f;

	if (drv && !strcmp(drv, "vfio-pci")) {
		report_add(l->rep, "vm.hostdev-driver", "vm", VFD_OK, slot, "bound to vfio-pci");
		return;
	}
	if (h->managed == 1) {
		report_add(l->rep, "vm.hostdev-driver", "vm", VFD_OK, slot,
			   l->c->source == VFD_VM_SOURCE_PVE
			   ? "bound to %s; Proxmox binds it to vfio-pci at start"
			   : "bound to %s; managed='yes': libvirt binds it to vfio-pci at start",
			   drv ? drv : "no driver");
		return;
	}
	f = report_add(l->rep, "vm.hostdev-driver", "vm", VFD_FAIL, slot,
		       "bound to %s, not vfio-pci, and %s", drv ? drv : "no driver",
		       l->c->source == VFD_VM_SOURCE_PVE ? "driver=keep leaves it there"
		       : h->managed == 0 ? "managed='no' leaves the binding to you"
		       : "QEMU does not bind devices itself");
	finding_evidence(f, "sys/bus/pci/devices/%s/driver: %s", slot, drv ? drv : "none");
	finding_fix(f, "vfio-doctor bind %s", slot);
	if (h->managed == 0 && l->c->source == VFD_VM_SOURCE_PVE)
		finding_fix(f, "or drop driver=keep from the hostpci line: Proxmox then binds it "
			       "at start");
	else if (h->managed == 0)
		finding_fix(f, "or let libvirt do it: <hostdev ... managed='yes'>");
}

/* the guest slot of hostdev @i as "bus/slot", for comparing placements */
static bool guest_place(const struct vfd_vm_hostdev *h, char *buf, size_t size)
{
	if (!h->has_guest_addr)
		return false;
	snprintf(buf, size, "%s/%u", h->guest_bus ? h->guest_bus : "", h->guest_slot);
	return true;
}

void lint_siblings(struct lint *l, size_t i)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_pcidev *d = l->devs[i];
	const char *slot = vfd_pcidev_get_slot(d);
	size_t n = vfd_host_count_devices(l->host);
	struct vfd_finding *f = NULL;
	bool together = true, any = false, fn0_multi = false;
	char here[64], there[64];

	if (vfd_pcidev_get_physfn(d))
		return;
	for (size_t j = 0; j < n; j++) {
		struct vfd_pcidev *s = vfd_host_device(l->host, j);
		uint32_t cls = vfd_pcidev_get_class(s);

		if (s == d || strncmp(vfd_pcidev_get_slot(s), slot, 10) != 0 ||
		    vfd_pcidev_is_bridge(s) || vfd_pcidev_get_physfn(s))
			continue;
		any = true;
		if (is_passed(l, s))
			continue;
		if (!f) {
			f = report_add(l->rep, "vm.siblings", "vm", VFD_WARN, slot,
				       "passed without the other functions of its slot");
			if (c->source == VFD_VM_SOURCE_PVE)
				finding_fix(f, "name the slot without a function, which passes "
					       "every function as one device: hostpciN: %.10s", slot);
			else
				finding_fix(f, "pass them too, in the same guest slot: "
					       "vfio-doctor %s %s", generator(c), slot);
		}
		finding_evidence(f, "%s: %s (class %06x), bound to %s", vfd_pcidev_get_slot(s),
				 vfd_class_is_audio(cls) ? "audio function (HDMI/DP audio)"
				 : vfd_class_is_usb(cls) ? "USB controller (USB-C on the card)"
				 : "function", cls, driver_name_or_none(s));
	}
	if (f || !any)
		return;
	/* all there: are they one multi-function device in the guest? Once, at function 0 */
	for (size_t j = 0; j < c->n_hostdevs; j++)
		if (l->devs[j] && l->devs[j] != d && !strncmp(vfd_pcidev_get_slot(l->devs[j]),
							      slot, 10) && j < i)
			return;
	if (!guest_place(&c->hostdevs[i], here, sizeof(here)))
		together = false;
	for (size_t j = 0; j < c->n_hostdevs && together; j++) {
		if (!l->devs[j] || strncmp(vfd_pcidev_get_slot(l->devs[j]), slot, 10))
			continue;
		if (!guest_place(&c->hostdevs[j], there, sizeof(there)) || strcmp(here, there))
			together = false;
		if (c->hostdevs[j].guest_fn == 0 && c->hostdevs[j].multifunction)
			fn0_multi = true;
	}
	if (together && fn0_multi) {
		report_add(l->rep, "vm.siblings", "vm", VFD_OK, slot,
			   "the functions of %.10s are one multi-function device in the guest",
			   slot);
		return;
	}
	f = report_add(l->rep, "vm.siblings", "vm", VFD_WARN, slot,
		       "the functions of %.10s are passed but %s", slot,
		       together ? "function 0 lacks multifunction='on'"
		       : "not placed in one guest slot");
	finding_evidence(f, "on the host they are one device; a guest driver (HDMI audio next "
			    "to its GPU) may expect the same");
	if (c->source == VFD_VM_SOURCE_PVE)
		finding_fix(f, "one hostpciN line for the slot, without a function: "
			       "hostpciN: %.10s", slot);
	else
		finding_fix(f, "give them the same guest bus and slot, functions as on the host, "
			       "multifunction='on' on function 0 (vfio-doctor %s)", generator(c));
}

void lint_groups(struct lint *l)
{
	size_t ng = vfd_host_count_groups(l->host);
	unsigned int kv = vfd_host_kernel_version(l->host);

	for (size_t g = 0; g < ng; g++) {
		struct vfd_group *grp = vfd_host_group(l->host, g);
		size_t nd = vfd_group_count_devices(grp);
		struct vfd_finding *f = NULL, *u = NULL;
		const char *why;
		bool used = false;

		for (size_t i = 0; i < nd && !used; i++)
			used = is_passed(l, vfd_group_device(grp, i));
		if (!used)
			continue;
		for (size_t i = 0; i < nd; i++) {
			struct vfd_pcidev *s = vfd_group_device(grp, i);
			const char *ss = vfd_pcidev_get_slot(s);

			if (is_passed(l, s) || vfd_pcidev_unassignable(s, &why))
				continue;
			if (!vfd_pcidev_is_viability_ok(s, kv)) {
				if (!f) {
					f = report_add(l->rep, "vm.group", "vm", VFD_FAIL, NULL,
						       "IOMMU group %d is not viable: QEMU cannot "
						       "open it while a host driver holds a member",
						       vfd_group_get_number(grp));
					finding_fix(f, "pass the whole group, or bind the rest: "
						       "vfio-doctor bind --group %s", ss);
				}
				finding_evidence(f, "%s: bound to %s, not passed", ss,
						 driver_name_or_none(s));
				continue;
			}
			if (!u)
				u = report_add(l->rep, "vm.group", "vm", VFD_INFO, NULL,
					       "IOMMU group %d has devices this guest leaves unused; "
					       "no other guest can have them while it runs",
					       vfd_group_get_number(grp));
			finding_evidence(u, "%s: %s, not passed", ss, driver_name_or_none(s));
		}
		if (!f && !u)
			report_add(l->rep, "vm.group", "vm", VFD_OK, NULL,
				   "IOMMU group %d is passed whole", vfd_group_get_number(grp));
	}
}

void lint_xvga(struct lint *l, size_t i)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_pcidev *d = l->devs[i];
	const char *slot = vfd_pcidev_get_slot(d);
	uint32_t cls = vfd_pcidev_get_class(d);
	struct vfd_finding *f;

	if (!c->hostdevs[i].x_vga)
		return;
	if (!class_is_vga(cls)) {
		f = report_add(l->rep, "vm.x-vga", "vm", VFD_FAIL, slot,
			       "x-vga on a device that is not VGA-compatible: QEMU stops with "
			       "\"device does not support requested feature x-vga\"");
		finding_evidence(f, "%s: class %06x (x-vga needs 0300xx)", slot, cls);
		finding_fix(f, "remove x-vga from this device");
		return;
	}
	if (vm_vga_disabled(l->root)) {
		f = report_add(l->rep, "vm.x-vga", "vm", VFD_FAIL, slot,
			       "x-vga, but vfio-pci runs with disable_vga=1 and offers no VGA region");
		finding_evidence(f, "sys/module/vfio_pci/parameters/disable_vga: Y");
		finding_fix(f, "remove disable_vga from the vfio-pci options, or x-vga");
		return;
	}
	if (c->firmware == VFD_FIRMWARE_EFI) {
		f = report_add(l->rep, "vm.x-vga", "vm", VFD_WARN, slot,
			       "x-vga with OVMF: UEFI guests do not use the legacy VGA ranges; it "
			       "only adds VGA arbitration on the host");
		finding_fix(f, "remove x-vga (it is for SeaBIOS guests that use the card's "
			       "VGA BIOS)");
		return;
	}
	if (c->emulated_vga) {
		f = report_add(l->rep, "vm.x-vga", "vm", VFD_WARN, slot,
			       "x-vga next to an emulated display device: both claim the legacy "
			       "VGA ranges");
		finding_fix(f, c->source == VFD_VM_SOURCE_LIBVIRT ? "<video><model type='none'/>"
			       : c->source == VFD_VM_SOURCE_PVE ? "vga: none"
			       : "-vga none (or -nodefaults)");
		return;
	}
	report_add(l->rep, "vm.x-vga", "vm", VFD_OK, slot,
		   "x-vga on a VGA device with SeaBIOS: the card's VGA BIOS drives the console");
}
