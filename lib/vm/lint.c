// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lint: a VM definition (libvirt domain, QEMU command line or Proxmox VM
 * configuration, already read into struct vfd_vm_conf by lint-xml.c,
 * lint-qemu.c or lint-pve.c) checked against the host it will run on. Every
 * host fact comes through the root, so a sysroot answers for its own host.
 * This file: the definition as a whole (machine, firmware and the GPU's ROM)
 * and the run; each hostdev is judged in lint-hostdev.c, the guest's memory
 * in lint-memory.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint-internal.h"

static const char *source_name(const struct vfd_vm_conf *c)
{
	return c->source == VFD_VM_SOURCE_LIBVIRT ? "libvirt domain"
	       : c->source == VFD_VM_SOURCE_PVE ? "Proxmox VM configuration"
	       : "QEMU command line";
}

static bool has_express(struct vfd_pcidev *d)
{
	size_t len = 0;
	const uint8_t *cfg = vfd_pcidev_get_config(d, &len);

	return cfg && vfd_config_find_cap(cfg, len, PCI_CAP_ID_EXP) > 0;
}

static void lint_summary(struct lint *l)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_finding *f;
	char *mem = c->memory ? lint_fmt_size(c->memory) : NULL;

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

#define TYPO_EVIDENCE 8	/* words named in a finding; the rest are counted */

/* the typographic dashes (@dash) or quotes of a QEMU command line, one finding */
static void lint_typography_kind(struct lint *l, bool dash)
{
	const struct vfd_vm_conf *c = l->c;
	struct vfd_finding *f = NULL;
	size_t n = 0, shown = 0;

	for (size_t i = 0; i < c->n_typos; i++)
		n += c->typos[i].dash == dash;
	for (size_t i = 0; i < c->n_typos && n; i++) {
		const struct vfd_vm_typo *t = &c->typos[i];

		if (t->dash != dash)
			continue;
		if (!f) {
			/* softmmu/vl.c qemu_init: a word without '-' is a disk image */
			f = report_add(l->rep, "vm.typography", "vm", VFD_FAIL, NULL, dash
				       ? "%zu option%s begin%s with a typographic dash, not '-': "
					 "QEMU takes '%s' for a disk image and stops (\"Could not "
					 "open\"); read here as the option meant"
				       : "%zu word%s carr%s typographic quotes, which no shell "
					 "removes: QEMU reads them as part of the value ('%s') and "
					 "refuses it; read here as if they were plain quotes",
				       n, n == 1 ? "" : "s", n == 1 ? (dash ? "s" : "ies")
				       : (dash ? "" : "y"), t->word);
			finding_fix(f, dash ? "type a plain '-' (word processors and web pages turn "
					      "'-' and '--' into dashes)"
					    : "type plain quotes, ' or \" (word processors and web "
					      "pages make them curly)");
		}
		if (shown++ < TYPO_EVIDENCE)
			finding_evidence(f, "line %u, word %u: '%s' (U+%04X %s)", t->line, t->index,
					 t->word, t->codepoint, vm_typo_name(t->codepoint));
	}
	if (shown > TYPO_EVIDENCE)
		finding_evidence(f, "and %zu more", shown - TYPO_EVIDENCE);
}

static void lint_typography(struct lint *l)
{
	lint_typography_kind(l, true);
	lint_typography_kind(l, false);
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
		struct lint_mapping m;
		bool first = true;

		/* a mapping that resolves here is linted as its device (the mapping kept) */
		if (h->mapping && lint_resolve_mapping(host, h->mapping, &m) == 0) {
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
	lint_typography(&l);
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
