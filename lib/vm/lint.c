// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lint: a VM definition (libvirt domain or QEMU command line, already read
 * into struct vfd_vm_conf) checked against the host it will run on. Every
 * host fact comes through the root, so a sysroot answers for its own host.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm-internal.h"

int vfd_vm_parse(const char *buf, size_t len, struct vfd_vm_conf *out, struct vfd_vm_error *err)
{
	size_t i = 0;

	/* a UTF-8 byte order mark, then blanks, then '<' for XML */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i < len && buf[i] == '<')
		return vfd_vm_parse_libvirt(buf, len, out, err);
	if (vfd_vm_is_pve(buf, len))
		return vfd_vm_parse_pve(buf, len, out, err);
	return vfd_vm_parse_qemu(buf, len, out, err);
}

void vfd_vm_conf_clear(struct vfd_vm_conf *c)
{
	for (size_t i = 0; i < c->n_hostdevs; i++) {
		free(c->hostdevs[i].host_text);
		free(c->hostdevs[i].romfile);
		free(c->hostdevs[i].guest_bus);
		free(c->hostdevs[i].mdev);
		free(c->hostdevs[i].mdev_type);
		free(c->hostdevs[i].mapping);
	}
	free(c->hostdevs);
	free(c->name);
	free(c->machine);
	free(c->firmware_path);
	free(c->bad_option);
	free(c->start_error);
	memset(c, 0, sizeof(*c));
}

struct lint {
	struct vfd_host *host;
	struct vfd_root *root;
	const struct vfd_vm_conf *c;
	struct vfd_report *rep;
	const char *user;
	bool user_given;		/* --user named it (else the default QEMU user) */
	const char *what;		/* "the domain", "the command line" */
	struct vfd_pcidev **devs;	/* per hostdev: the host device, or NULL */
};

static const char *source_name(const struct vfd_vm_conf *c)
{
	return c->source == VFD_VM_SOURCE_LIBVIRT ? "libvirt domain"
	       : c->source == VFD_VM_SOURCE_PVE ? "Proxmox VM configuration"
	       : "QEMU command line";
}

/* the generator whose output places a slot's functions right, for fixes */
static const char *generator(const struct vfd_vm_conf *c)
{
	return c->source == VFD_VM_SOURCE_LIBVIRT ? "libvirt-xml" : "qemu-args";
}

static char *fmt_size(uint64_t bytes)
{
	char buf[32];

	vfd_format_size(bytes, buf, sizeof(buf));
	return strdup(buf);
}

static bool has_express(struct vfd_pcidev *d)
{
	size_t len = 0;
	const uint8_t *cfg = vfd_pcidev_get_config(d, &len);

	return cfg && vfd_config_find_cap(cfg, len, PCI_CAP_ID_EXP) > 0;
}

static bool is_passed(const struct lint *l, const struct vfd_pcidev *d)
{
	for (size_t i = 0; i < l->c->n_hostdevs; i++)
		if (l->devs[i] == d)
			return true;
	return false;
}

static void lint_summary(struct lint *l)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_finding *f;
	char *mem = c->memory ? fmt_size(c->memory) : NULL;

	f = report_add(l->rep, "vm.definition", "vm", VFD_INFO, NULL,
		       "%s%s%s%s: machine %s, firmware %s, memory %s, %zu passed-through device%s",
		       source_name(c), c->name ? " '" : "", c->name ? c->name : "", c->name ? "'" : "",
		       c->machine ? c->machine : "pc (QEMU's default)",
		       vfd_vm_firmware_name(c->firmware), mem ? mem : "not given", c->n_hostdevs,
		       c->n_hostdevs == 1 ? "" : "s");
	if (c->firmware_path)
		finding_evidence(f, "firmware: %s", c->firmware_path);
	free(mem);
	if (c->start_error) {
		f = report_add(l->rep, "vm.proxmox", "vm", VFD_FAIL, NULL, "%s", c->start_error);
		finding_evidence(f, "line %u", c->start_error_line);
	}
	if (c->bad_option) {
		/* vl.c lookup_opt: error_report("invalid option") and exit */
		f = report_add(l->rep, "vm.qemu-option", "vm", VFD_FAIL, NULL,
			       "-%s is an option of no QEMU version from %s: QEMU stops with "
			       "\"-%s: invalid option\"", c->bad_option, vfd_vm_qemu_versions(),
			       c->bad_option);
		finding_evidence(f, "line %u", c->bad_option_line);
		finding_fix(f, "remove it or correct its name (qemu-system-x86_64 -help lists "
			       "the options)");
	}
}

static void lint_machine(struct lint *l)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_finding *f = NULL;

	if (c->machine_type == VFD_MACHINE_Q35) {
		report_add(l->rep, "vm.machine", "vm", VFD_OK, NULL,
			   "machine %s: PCI Express, devices keep their PCIe capability", c->machine);
		return;
	}
	if (c->machine_type != VFD_MACHINE_I440FX) {
		report_add(l->rep, "vm.machine", "vm", VFD_INFO, NULL,
			   "machine %s: not an x86 PC machine type, not checked",
			   c->machine ? c->machine : "unknown");
		return;
	}
	for (size_t i = 0; i < c->n_hostdevs; i++) {
		struct vfd_pcidev *d = l->devs[i];

		if (!d || !(vfd_class_is_display(vfd_pcidev_get_class(d)) || has_express(d)))
			continue;
		if (!f) {
			f = report_add(l->rep, "vm.machine", "vm", VFD_WARN, NULL,
				       "machine %s (i440fx) has no PCI Express bus: the passed "
				       "PCIe devices appear as conventional PCI, without their "
				       "link, which GPU drivers read",
				       c->machine ? c->machine : "pc");
			finding_fix(f, c->source == VFD_VM_SOURCE_LIBVIRT
				       ? "make a new domain with machine='q35' (changing the machine "
					 "of an existing one re-addresses every device)"
				       : c->source == VFD_VM_SOURCE_PVE
				       ? "machine: q35 and pcie=1 on each hostpciN (qm set ID "
					 "--machine q35); the guest sees its devices move"
				       : "use -machine q35 and a pcie-root-port per device "
					 "(vfio-doctor qemu-args)");
		}
		finding_evidence(f, "%s: %s%s", vfd_pcidev_get_slot(d),
				 vfd_class_is_display(vfd_pcidev_get_class(d)) ? "display controller"
				 : "PCIe device",
				 has_express(d) ? " with a PCI Express capability" : "");
	}
	if (!f)
		report_add(l->rep, "vm.machine", "vm", VFD_OK, NULL,
			   "machine %s (i440fx): no PCIe device is passed", c->machine ? c->machine
			   : "pc");
}

/* the device's ROM where it can be read without writing: a sysroot's saved copy */
static int device_rom(struct lint *l, struct vfd_pcidev *d, struct vfd_rom_info *info)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	/* lint writes nothing: on the live host the ROM would have to be switched on */
	if (vfd_root_is_live(l->root))
		return -EPERM;
	r = vfd_rom_read(l->root, vfd_pcidev_get_slot(d), 16u << 20, &buf, &len, NULL);
	if (r < 0)
		return r;
	vfd_rom_parse(buf, len, info);
	free(buf);
	return 0;
}

static void lint_firmware(struct lint *l)
{
	const struct vfd_vm_conf *c = l->c;

	for (size_t i = 0; i < c->n_hostdevs; i++) {
		const struct vfd_vm_hostdev *h = &c->hostdevs[i];
		struct vfd_pcidev *d = l->devs[i];
		const char *slot = d ? vfd_pcidev_get_slot(d) : NULL;
		struct vfd_rom_info *info;
		struct vfd_finding *f;
		int r;

		if (!d || !vfd_class_is_display(vfd_pcidev_get_class(d)))
			continue;
		/* a romfile is checked against the firmware with the hostdev (vm.romfile) */
		if (h->romfile)
			continue;
		if (h->rombar == 0) {
			f = report_add(l->rep, "vm.firmware", "vm",
				       c->firmware == VFD_FIRMWARE_BIOS ? VFD_WARN : VFD_INFO, slot,
				       "the GPU's ROM is hidden (rombar off): %s cannot start it, the "
				       "screen stays dark until the guest's driver loads",
				       c->firmware == VFD_FIRMWARE_BIOS ? "SeaBIOS" : "OVMF");
			continue;
		}
		info = calloc(1, sizeof(*info));
		if (!info)
			return;
		r = device_rom(l, d, info);
		if (r == -EPERM) {
			f = report_add(l->rep, "vm.firmware", "vm", VFD_INFO, slot,
				       "firmware %s; the GPU's ROM was not read (lint does not switch "
				       "ROMs on)", vfd_vm_firmware_name(c->firmware));
			finding_fix(f, "vfio-doctor rom dump %s -o gpu.rom, then give it as "
				       "romfile to see what the firmware can run", slot);
		} else if (r < 0) {
			report_add(l->rep, "vm.firmware", "vm", VFD_INFO, slot,
				   "firmware %s; the GPU has no readable ROM in this snapshot",
				   vfd_vm_firmware_name(c->firmware));
		} else if (c->firmware == VFD_FIRMWARE_BIOS && !vfd_rom_has_legacy(info)) {
			f = report_add(l->rep, "vm.firmware", "vm", VFD_FAIL, slot,
				       "SeaBIOS needs the legacy x86 image of the GPU's ROM, and this "
				       "ROM has none%s: the guest needs OVMF",
				       vfd_rom_has_uefi(info, VFD_EFI_MACHINE_X64) ? " (UEFI only)"
				       : "");
			finding_fix(f, c->source == VFD_VM_SOURCE_LIBVIRT
				       ? "<os firmware='efi'> (new domain, q35)"
				       : c->source == VFD_VM_SOURCE_PVE
				       ? "bios: ovmf, with an efidisk0 for its variables"
				       : "boot OVMF: -drive if=pflash,... (vfio-doctor vm)");
		} else if (c->firmware == VFD_FIRMWARE_EFI &&
			   !vfd_rom_has_uefi(info, VFD_EFI_MACHINE_X64)) {
			f = report_add(l->rep, "vm.firmware", "vm", VFD_WARN, slot,
				       "OVMF needs an EFI image in the GPU's ROM and this ROM has "
				       "none: no picture until the guest's driver loads");
			finding_fix(f, "use a ROM with a UEFI GOP image as romfile, or SeaBIOS");
		} else {
			report_add(l->rep, "vm.firmware", "vm", VFD_OK, slot,
				   "firmware %s can run the GPU's ROM",
				   vfd_vm_firmware_name(c->firmware));
		}
		free(info);
	}
}

static void lint_exists(struct lint *l, size_t i)
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
struct mapping {
	struct vfd_bdf bdf;
	bool all;			/* a path without a function: the whole slot */
	unsigned int vendor, device;	/* id= (0 when not given) */
	char node[64], path[64];
};

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
static int resolve_mapping(struct vfd_host *host, const char *name, struct mapping *m)
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
static bool lint_mapping(struct lint *l, size_t i)
{
	const struct vfd_vm_hostdev *h = &l->c->hostdevs[i];
	struct vfd_finding *f;
	struct vfd_pcidev *d;
	struct mapping m;
	char slot[16];
	int r = resolve_mapping(l->host, h->mapping, &m);

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
static void lint_mdev(struct lint *l, size_t i)
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
static void lint_mdev_type(struct lint *l, size_t i)
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

static void lint_driver(struct lint *l, size_t i)
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

static void lint_siblings(struct lint *l, size_t i)
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

static void lint_groups(struct lint *l)
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

static void lint_xvga(struct lint *l, size_t i)
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

static void lint_memlock(struct lint *l)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_memlock_conf mc;
	struct vfd_account acct;
	struct vfd_finding *f;
	char *mem, *lim;
	uint64_t limit;
	const char *from;
	int r;

	if (!c->n_hostdevs || !c->memory)
		return;
	mem = fmt_size(c->memory);
	if (c->source == VFD_VM_SOURCE_LIBVIRT) {
		if (c->hard_limit && c->hard_limit < c->memory) {
			lim = fmt_size(c->hard_limit);
			f = report_add(l->rep, "vm.memlock", "vm", VFD_FAIL, NULL,
				       "<hard_limit> %s is below the guest's memory %s: libvirt "
				       "makes it the memlock limit and VFIO cannot pin the memory",
				       lim ? lim : "?", mem ? mem : "?");
			finding_fix(f, "raise <memtune><hard_limit> to the memory plus 1 GiB, or "
				       "remove it");
			free(lim);
		} else {
			f = report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
				       "libvirt raises the memlock limit of QEMU itself for a domain "
				       "with hostdevs: to %s", c->hard_limit ? "<hard_limit>"
				       : c->locked ? "unlimited (<locked/>, no <hard_limit>)"
				       : "the guest's memory plus 1 GiB");
			finding_evidence(f, "limits.conf does not apply: libvirtd starts QEMU "
					    "without a PAM session");
		}
		free(mem);
		return;
	}
	if (c->source == VFD_VM_SOURCE_PVE) {
		/* qemu-server starts every guest's QEMU as root */
		report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
			   "Proxmox runs QEMU as root: CAP_IPC_LOCK lifts the memlock limit");
		free(mem);
		return;
	}
	/*
	 * A script that raises its own limit (vm writes one) runs as whoever
	 * starts it, not as the QEMU user of libvirt: without --user there is
	 * no account to check it against.
	 */
	if (c->ulimit_memlock && !l->user_given && c->ulimit_memlock < c->memory) {
		lim = fmt_size(c->ulimit_memlock);
		f = report_add(l->rep, "vm.memlock", "vm", VFD_FAIL, NULL,
			       "the script sets its memlock limit to %s (ulimit -l), below the "
			       "guest's %s: VFIO pins every guest page and the mapping fails",
			       lim ? lim : "?", mem ? mem : "?");
		finding_fix(f, "ulimit -l unlimited (as root), or at least the memory plus 1 GiB");
		free(lim);
		free(mem);
		return;
	}
	if (c->ulimit_memlock && !l->user_given) {
		lim = fmt_size(c->ulimit_memlock);
		f = report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
			       "the script raises its memlock limit (ulimit -l %s) before QEMU "
			       "pins the guest's %s", c->ulimit_memlock == VFD_UNLIMITED
			       ? "unlimited" : lim ? lim : "?", mem ? mem : "?");
		finding_evidence(f, "it works as root, or for an account whose hard memlock "
				    "limit covers %s: name it with --user to check", mem ? mem : "?");
		free(lim);
		free(mem);
		return;
	}
	r = vfd_account_lookup(l->root, l->user, &acct);
	if (r < 0) {
		f = report_add(l->rep, "vm.memlock", "vm", VFD_SKIP, NULL,
			       "memlock limit not checked: user %s is not in etc/passwd", l->user);
		finding_fix(f, "name the account that runs QEMU: vfio-doctor lint --user NAME");
		free(mem);
		return;
	}
	if (acct.uid == 0) {
		report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
			   "QEMU runs as root: CAP_IPC_LOCK lifts the memlock limit");
		free(mem);
		return;
	}
	r = vfd_limits_read(l->root, &acct, &mc);
	/* the kernel's default RLIMIT_MEMLOCK: 8 MiB since 5.16, 64 KiB before */
	limit = vfd_host_kernel_version(l->host) >= (5u << 16 | 16u << 8) ? 8ull << 20 : 64ull << 10;
	from = "the kernel's default";
	if (r >= 0 && !mc.no_limits && mc.soft_set) {
		limit = mc.soft;
		from = mc.soft_file;
	} else if (r >= 0 && !mc.no_limits && mc.hard_set && mc.hard < limit) {
		limit = mc.hard;
		from = mc.hard_file;
	}
	/* a script's "ulimit -l" raises the soft limit as far as the hard one lets it */
	if (c->ulimit_memlock && limit != VFD_UNLIMITED) {
		uint64_t hard = r >= 0 && !mc.no_limits && mc.hard_set ? mc.hard : limit;
		uint64_t raised = c->ulimit_memlock < hard ? c->ulimit_memlock : hard;

		if (raised > limit) {
			limit = raised;
			from = "the script's ulimit -l, within the hard limit";
		}
	}
	lim = fmt_size(limit);
	if (limit != VFD_UNLIMITED && limit < c->memory) {
		f = report_add(l->rep, "vm.memlock", "vm", VFD_FAIL, NULL,
			       "the guest's memory %s is over the memlock limit %s of %s: VFIO "
			       "pins every guest page and the mapping fails", mem ? mem : "?",
			       lim ? lim : "?", l->user);
		if (mc.soft_set)
			finding_evidence(f, "%s:%u: soft memlock for %s", mc.soft_file, mc.soft_line,
					 l->user);
		else
			finding_evidence(f, "no memlock entry for %s in etc/security/limits.conf or "
					    "limits.d: %s applies", l->user, from);
		finding_evidence(f, "limits.conf applies to PAM sessions (a login shell); a "
				    "systemd service has its own LimitMEMLOCK=");
		finding_fix(f, "echo '%s - memlock unlimited' > /etc/security/limits.d/"
			       "90-vfio.conf, then log in again", l->user);
	} else {
		f = report_add(l->rep, "vm.memlock", "vm", VFD_OK, NULL,
			       "memlock limit of %s is %s, enough for %s", l->user, lim ? lim : "?",
			       mem ? mem : "?");
		finding_evidence(f, "set by %s", from);
	}
	free(lim);
	free(mem);
}

static void lint_hugepages(struct lint *l)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_meminfo mi = { 0 };
	struct vfd_finding *f;
	uint64_t size = c->hugepage_size, total = 0, free_pages = 0;
	char *buf = NULL, *sz, *mem;
	size_t len = 0;
	bool have = false;

	if (!c->hugepages)
		return;
	if (vfd_root_read_filef(l->root, 1 << 20, &buf, &len, "proc/meminfo") == 0)
		vfd_meminfo_parse(buf, len, &mi);
	free(buf);
	if (!size)
		size = mi.hp_size;
	if (size) {
		have = vfd_root_readf_u64(l->root, &total,
					  "sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages",
					  (unsigned long long)(size >> 10)) == 0;
		vfd_root_readf_u64(l->root, &free_pages,
				   "sys/kernel/mm/hugepages/hugepages-%llukB/free_hugepages",
				   (unsigned long long)(size >> 10));
	}
	if (!have && size && size == mi.hp_size && (mi.found & (1u << 2))) {
		total = mi.hp_total;
		free_pages = mi.hp_free;
		have = true;
	}
	sz = fmt_size(size);
	mem = c->memory ? fmt_size(c->memory) : NULL;
	if (!have) {
		f = report_add(l->rep, "vm.hugepages", "vm", VFD_FAIL, NULL,
			       "hugepages requested, but the host has no %s pages",
			       size ? sz : "huge");
		finding_evidence(f, "sys/kernel/mm/hugepages/hugepages-%llukB: absent",
				 (unsigned long long)(size >> 10));
	} else if (c->memory && total * size < c->memory) {
		f = report_add(l->rep, "vm.hugepages", "vm", VFD_FAIL, NULL,
			       "hugepages requested, but only %llu pages of %s are reserved, less "
			       "than the guest's %s", (unsigned long long)total, sz ? sz : "?",
			       mem ? mem : "?");
		finding_evidence(f, "sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages: %llu",
				 (unsigned long long)(size >> 10), (unsigned long long)total);
		finding_fix(f, "echo %llu > /sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages "
			       "(or hugepages=%llu on the kernel command line)",
			    (unsigned long long)((c->memory + size - 1) / size),
			    (unsigned long long)(size >> 10),
			    (unsigned long long)((c->memory + size - 1) / size));
	} else if (c->memory && free_pages * size < c->memory) {
		f = report_add(l->rep, "vm.hugepages", "vm", VFD_WARN, NULL,
			       "%llu pages of %s are reserved but only %llu are free now, less "
			       "than the guest's %s", (unsigned long long)total, sz ? sz : "?",
			       (unsigned long long)free_pages, mem ? mem : "?");
		finding_evidence(f, "sys/kernel/mm/hugepages/hugepages-%llukB/free_hugepages: %llu",
				 (unsigned long long)(size >> 10), (unsigned long long)free_pages);
	} else {
		report_add(l->rep, "vm.hugepages", "vm", VFD_OK, NULL,
			   "%llu pages of %s reserved, %llu free", (unsigned long long)total,
			   sz ? sz : "?", (unsigned long long)free_pages);
	}
	free(sz);
	free(mem);
}

static bool same_slot_bdf(const struct vfd_bdf *a, const struct vfd_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
}

/*
 * Proxmox: a hostpciN address without a function means every function of the
 * slot as the host has them at start (PCI.pm parse_hostpci, SysFSTools lspci),
 * all in one guest slot, numbered in order, multifunction on the first
 * (print_hostpci_devices). The copy shares the strings of @c: free only the
 * array. Returns NULL on ENOMEM.
 */
static struct vfd_vm_hostdev *expand_functions(struct vfd_host *host, const struct vfd_vm_conf *c,
					       size_t *count)
{
	size_t ndev = vfd_host_count_devices(host), cap = c->n_hostdevs + 1, k = 0;
	struct vfd_vm_hostdev *v;

	for (size_t i = 0; i < c->n_hostdevs; i++)
		if ((c->hostdevs[i].all_functions && c->hostdevs[i].has_host) ||
		    c->hostdevs[i].mapping)
			cap += 8;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < c->n_hostdevs; i++) {
		struct vfd_vm_hostdev mapped = c->hostdevs[i];
		const struct vfd_vm_hostdev *h = &mapped;
		struct mapping m;
		bool first = true;

		/* a mapping that resolves here is linted as its device (the mapping kept) */
		if (h->mapping && resolve_mapping(host, h->mapping, &m) == 0) {
			mapped.has_host = true;
			mapped.host = m.bdf;
			mapped.all_functions = m.all;
		}

		/* an mdev is made of the one device (Proxmox refuses several) */
		for (size_t j = 0; h->all_functions && h->has_host && !h->mdev_type && j < ndev;
		     j++) {
			struct vfd_bdf b;

			if (vfd_bdf_parse(vfd_pcidev_get_slot(vfd_host_device(host, j)), &b) < 0 ||
			    !same_slot_bdf(&b, &h->host))
				continue;
			v[k] = *h;
			v[k].host.fn = b.fn;
			if (!first) {
				v[k].romfile = NULL;
				v[k].rombar = -1;
				v[k].x_vga = false;
			}
			first = false;
			k++;
		}
		/* none there: kept as written, lint_exists says so */
		if (first)
			v[k++] = *h;
	}
	for (size_t a = 0; a < k; a++) {
		size_t before = 0, all = 0;

		if (!v[a].guest_bus || strncmp(v[a].guest_bus, "hostpci", 7) || v[a].mdev)
			continue;
		for (size_t b = 0; b < k; b++) {
			if (!v[b].guest_bus || strcmp(v[a].guest_bus, v[b].guest_bus))
				continue;
			before += b < a;
			all++;
		}
		v[a].guest_fn = (unsigned int)before;
		v[a].multifunction = before == 0 && all > 1;
	}
	*count = k;
	return v;
}

int vfd_vm_lint(struct vfd_host *host, const struct vfd_vm_conf *given,
		const struct vfd_lint_opts *opts, struct vfd_report *report)
{
	struct vfd_vm_conf expanded = *given, *conf = &expanded;
	bool mapped_ok = true;
	struct lint l = {
		.host = host,
		.root = vfd_host_get_root(host),
		.c = conf,
		.rep = report,
	};

	l.user = vm_user(l.root, opts ? opts->user : NULL);
	l.user_given = opts && opts->user;
	expanded.hostdevs = expand_functions(host, given, &expanded.n_hostdevs);
	if (!expanded.hostdevs)
		return -ENOMEM;
	l.devs = calloc(conf->n_hostdevs + 1, sizeof(*l.devs));
	if (!l.devs) {
		free(expanded.hostdevs);
		return -ENOMEM;
	}
	lint_summary(&l);
	for (size_t i = 0; i < conf->n_hostdevs; i++) {
		const struct vfd_vm_hostdev *h = &conf->hostdevs[i];

		if (h->mdev) {
			lint_mdev(&l, i);
			continue;
		}
		/* the first function of a mapped slot speaks for the mapping */
		if (h->mapping && h->guest_fn == 0)
			mapped_ok = lint_mapping(&l, i);
		if (h->mapping && (!h->has_host || !mapped_ok))
			continue;
		if (h->mdev_type && h->has_host)
			lint_mdev_type(&l, i);
		else
			lint_exists(&l, i);
	}
	lint_machine(&l);
	lint_firmware(&l);
	for (size_t i = 0; i < conf->n_hostdevs; i++) {
		if (!l.devs[i])
			continue;
		lint_driver(&l, i);
		lint_siblings(&l, i);
		if (conf->hostdevs[i].romfile) {
			int r = vm_check_romfile(l.root, l.user, conf->hostdevs[i].romfile, l.devs[i],
						 conf->firmware, "vm.romfile", report);

			if (r < 0 && r != -ENOENT) {
				free(l.devs);
				free(expanded.hostdevs);
				return r;
			}
		}
		lint_xvga(&l, i);
	}
	lint_groups(&l);
	lint_memlock(&l);
	lint_hugepages(&l);
	free(l.devs);
	free(expanded.hostdevs);
	return 0;
}
