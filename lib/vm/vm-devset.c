// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which host functions go to the guest together, and where they sit there.
 *
 * A named device brings the other functions of its slot (a GPU's HDMI audio
 * shares its reset and, often, its driver's expectations) and every device of
 * its IOMMU group that is not a bridge (the group is the unit of ownership:
 * QEMU opens it whole). The functions of one host slot become one guest slot,
 * a multi-function device, on a PCIe root port of its own for q35.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "select.h"
#include "vm-internal.h"

struct pick {
	struct vfd_pcidev *dev;
	bool named;
	char *why;
};

struct picks {
	struct pick *v;
	size_t n, cap;
};

static int picks_find(const struct picks *p, const struct vfd_pcidev *dev)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].dev == dev)
			return (int)i;
	return -1;
}

/* add @dev unless there; @why is taken (freed when not used) */
static int picks_add(struct picks *p, struct vfd_pcidev *dev, bool named, char *why)
{
	int i = picks_find(p, dev);

	if (i >= 0) {
		if (named && !p->v[i].named) {
			p->v[i].named = true;
			free(p->v[i].why);
			p->v[i].why = NULL;
		}
		free(why);
		return 0;
	}
	if (!named && !why)
		return -ENOMEM;
	if (array_reserve((void **)&p->v, &p->cap, p->n, sizeof(*p->v), 8) < 0) {
		free(why);
		return -ENOMEM;
	}
	p->v[p->n++] = (struct pick){ dev, named, named ? NULL : why };
	if (named)
		free(why);
	return 0;
}

static void picks_clear(struct picks *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].why);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* same domain, bus and device: "DDDD:BB:DD" */
static bool same_slot(const struct vfd_pcidev *a, const struct vfd_pcidev *b)
{
	return strncmp(vfd_pcidev_get_slot(a), vfd_pcidev_get_slot(b), 10) == 0;
}

/* the others functions of an SR-IOV VF's slot are other VFs: independent */
static bool is_vf(struct vfd_pcidev *d)
{
	return vfd_pcidev_get_physfn(d) != NULL;
}

/* everything that must come along with the picks, until nothing new is found */
static int close_picks(struct vfd_host *host, struct picks *p)
{
	size_t ndev = vfd_host_count_devices(host);
	const char *why;
	int r;

	for (size_t i = 0; i < p->n; i++) {
		struct vfd_pcidev *d = p->v[i].dev;
		int g = vfd_pcidev_get_group(d);

		for (size_t j = 0; j < ndev && !is_vf(d); j++) {
			struct vfd_pcidev *s = vfd_host_device(host, j);

			if (s == d || !same_slot(s, d) || vfd_pcidev_unassignable(s, &why) ||
			    is_vf(s))
				continue;
			r = picks_add(p, s, false,
				      xasprintf("another function of the slot of %s",
						vfd_pcidev_get_slot(d)));
			if (r < 0)
				return r;
		}
		if (g < 0)
			continue;
		for (size_t j = 0; j < ndev; j++) {
			struct vfd_pcidev *s = vfd_host_device(host, j);

			/* bridges and host bridges stay: nothing a guest can take */
			if (s == d || vfd_pcidev_get_group(s) != g ||
			    vfd_pcidev_unassignable(s, &why))
				continue;
			r = picks_add(p, s, false, xasprintf("in IOMMU group %d with %s", g,
							     vfd_pcidev_get_slot(d)));
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int cmp_pick(const void *a, const void *b)
{
	return strcmp(vfd_pcidev_get_slot(((const struct pick *)a)->dev),
		      vfd_pcidev_get_slot(((const struct pick *)b)->dev));
}

static unsigned int host_fn(const struct vfd_pcidev *d)
{
	const char *slot = vfd_pcidev_get_slot(d);

	return (unsigned int)(slot[11] - '0');
}

/* picks (sorted) -> units, one per host slot */
static int make_units(struct picks *p, const struct vfd_vm_opts *opts, struct vfd_vm_devset *set)
{
	unsigned int first = opts->slot >= 0 ? (unsigned int)opts->slot : 0x10;
	unsigned int index = first;

	/* libvirt: the root ports' controller indexes (their bus numbers) start at --bus */
	if (opts->bus && *opts->bus) {
		uint64_t v;

		if (vfd_parse_u64(opts->bus, &v) == 0 && v > 0 && v < 256)
			index = (unsigned int)v;
	}
	set->units = calloc(p->n ? p->n : 1, sizeof(*set->units));
	if (!set->units)
		return -ENOMEM;
	for (size_t i = 0; i < p->n;) {
		size_t j = i;
		struct vfd_vm_unit *u = &set->units[set->n];
		bool has_fn0 = false;

		while (j < p->n && same_slot(p->v[j].dev, p->v[i].dev))
			j++;
		u->slot = first + (unsigned int)set->n;
		u->index = index + (unsigned int)set->n;
		set->n++;
		u->funcs = calloc(j - i, sizeof(*u->funcs));
		if (!u->funcs)
			return -ENOMEM;
		for (size_t k = i; k < j; k++)
			has_fn0 |= host_fn(p->v[k].dev) == 0;
		for (size_t k = i; k < j; k++) {
			struct vfd_vm_func *f = &u->funcs[u->n];
			struct vfd_pcidev *d = p->v[k].dev;

			snprintf(f->slot, sizeof(f->slot), "%s", vfd_pcidev_get_slot(d));
			f->vendor = vfd_pcidev_get_vendor(d);
			f->device = vfd_pcidev_get_device(d);
			f->class_code = vfd_pcidev_get_class(d);
			/* keep the host's numbering when function 0 is there; else 0, 1, ... */
			f->fn = has_fn0 ? host_fn(d) : (unsigned int)u->n;
			f->named = p->v[k].named;
			f->why = p->v[k].why;
			p->v[k].why = NULL;
			u->n++;
		}
		i = j;
	}
	return 0;
}

static struct vfd_vm_func *find_func(struct vfd_vm_devset *set, const char *slot)
{
	for (size_t u = 0; u < set->n; u++)
		for (size_t i = 0; i < set->units[u].n; i++)
			if (strcmp(set->units[u].funcs[i].slot, slot) == 0)
				return &set->units[u].funcs[i];
	return NULL;
}

/* notes on binding and viability: QEMU opens the group; every member must be free */
static void note_binding(struct vfd_host *host, struct vfd_vm_devset *set, bool libvirt,
			 struct vfd_report *notes)
{
	bool all_vfio = true;

	for (size_t u = 0; u < set->n; u++) {
		for (size_t i = 0; i < set->units[u].n; i++) {
			const struct vfd_vm_func *f = &set->units[u].funcs[i];
			struct vfd_pcidev *d = vfd_host_find(host, f->slot);
			const char *drv = d ? vfd_pcidev_get_driver(d) : NULL;
			struct vfd_finding *n;

			if (!f->named) {
				n = report_add(notes, "vm.siblings", "vm", VFD_INFO, f->slot,
					       "%s (%04x:%04x) comes along: %s", f->slot, f->vendor,
					       f->device, f->why);
			}
			if (drv && strcmp(drv, "vfio-pci") == 0)
				continue;
			if (libvirt) {
				report_add(notes, "vm.hostdev-driver", "vm", VFD_INFO, f->slot,
					   "%s is bound to %s: libvirt binds it to vfio-pci at start "
					   "(managed='yes')", f->slot, drv ? drv : "no driver");
				continue;
			}
			all_vfio = false;
			n = report_add(notes, "vm.hostdev-driver", "vm", VFD_WARN, f->slot,
				       "%s is bound to %s, not vfio-pci: QEMU cannot open it as it "
				       "is", f->slot, drv ? drv : "no driver");
			finding_fix(n, "vfio-doctor bind %s", f->slot);
		}
	}
	/* the set holds every non-bridge member: only a bridge can still block the group */
	for (size_t g = 0; !libvirt && all_vfio && g < vfd_host_count_groups(host); g++) {
		struct vfd_group *grp = vfd_host_group(host, g);
		bool used = false;

		for (size_t i = 0; i < vfd_group_count_devices(grp) && !used; i++)
			used = find_func(set, vfd_pcidev_get_slot(vfd_group_device(grp, i))) != NULL;
		if (used && !vfd_group_is_viable(host, grp)) {
			struct vfd_finding *n = report_add(
				notes, "vm.group", "vm", VFD_WARN, NULL,
				"IOMMU group %d is not viable: a bridge in it is held by a host "
				"driver", vfd_group_get_number(grp));

			finding_fix(n, "vfio-doctor check: it names the device and the fix");
		}
	}
}

static int apply_options(struct vfd_host *host, const struct vfd_vm_opts *opts,
			 struct vfd_vm_devset *set, struct vfd_report *notes)
{
	struct vfd_root *root = vfd_host_get_root(host);
	enum vfd_vm_firmware fw = opts->firmware ? opts->firmware : VFD_FIRMWARE_EFI;
	struct vfd_vm_func *first = NULL;
	bool any_vga = false;
	int r;

	for (size_t u = 0; u < set->n && !first; u++)
		for (size_t i = 0; i < set->units[u].n && !first; i++)
			if (set->units[u].funcs[i].named)
				first = &set->units[u].funcs[i];
	if (opts->romfile && first) {
		r = vm_check_romfile(root, vm_user(root, opts->user), opts->romfile,
				     vfd_host_find(host, first->slot), fw, "vm.romfile", notes);
		if (r < 0)
			return r;
		first->romfile = strdup(opts->romfile);
		if (!first->romfile)
			return -ENOMEM;
	}
	if (!opts->x_vga)
		return 0;
	/*
	 * x-vga=on asks vfio-pci for the VGA region (0xa0000-0xbffff and the
	 * 0x3b0/0x3c0 I/O ranges); the kernel offers it only for class 0300.
	 */
	/* one device only: a guest has one set of legacy VGA ranges; a named one first */
	for (int pass = 0; pass < 2 && !any_vga; pass++)
		for (size_t u = 0; u < set->n && !any_vga; u++)
			for (size_t i = 0; i < set->units[u].n && !any_vga; i++) {
				struct vfd_vm_func *f = &set->units[u].funcs[i];

				if (class_is_vga(f->class_code) && (f->named || pass == 1)) {
					f->x_vga = true;
					any_vga = true;
				}
			}
	if (!any_vga) {
		struct vfd_finding *n = report_add(
			notes, "vm.x-vga", "vm", VFD_WARN, first ? first->slot : NULL,
			"x-vga left out: no VGA-compatible device (class 0300) in the set; QEMU "
			"would stop with \"device does not support requested feature x-vga\"");

		finding_evidence(n, "%s: class %06x", first ? first->slot : "?",
				 first ? first->class_code : 0);
		return 0;
	}
	if (fw == VFD_FIRMWARE_EFI) {
		struct vfd_finding *n = report_add(
			notes, "vm.x-vga", "vm", VFD_WARN, NULL,
			"x-vga with OVMF: UEFI firmware and modern guests never use the legacy "
			"VGA ranges, so x-vga only adds VGA arbitration on the host");

		finding_fix(n, "drop --x-vga (it is for SeaBIOS guests: --firmware bios)");
	}
	if (vm_vga_disabled(root)) {
		struct vfd_finding *n = report_add(
			notes, "vm.x-vga", "vm", VFD_WARN, NULL,
			"vfio-pci runs with disable_vga=1: it offers no VGA region and QEMU will "
			"refuse x-vga");

		finding_evidence(n, "sys/module/vfio_pci/parameters/disable_vga: Y");
		finding_fix(n, "remove disable_vga=1 from the vfio-pci options (modprobe.d)");
	}
	return 0;
}

int vfd_vm_devset_build(struct vfd_host *host, const char *const *devices,
			const struct vfd_vm_opts *opts, struct vfd_vm_devset *set,
			struct vfd_report *notes)
{
	struct vfd_selection sel;
	int r = vfd_select(host, devices, VFD_EXPAND_NONE, &sel);

	if (r == 0)
		r = vfd_vm_devset_build_selected(host, &sel, opts, set, notes);
	else
		memset(set, 0, sizeof(*set));
	vfd_selection_clear(&sel);
	return r;
}

int vfd_vm_devset_build_selected(struct vfd_host *host, const struct vfd_selection *sel,
				 const struct vfd_vm_opts *opts, struct vfd_vm_devset *set,
				 struct vfd_report *notes)
{
	struct picks p = { 0 };
	int r = 0;

	memset(set, 0, sizeof(*set));
	/* vfio-pci refuses bridges; their devices must be named instead */
	if (vfd_selection_first_unassignable(sel) >= 0)
		return -EISDIR;
	for (size_t i = 0; i < sel->n && r == 0; i++)
		if (sel->arg[i] >= 0)
			r = picks_add(&p, sel->devs[i], true, NULL);
	if (r < 0)
		goto out;
	r = close_picks(host, &p);
	if (r < 0)
		goto out;
	qsort(p.v, p.n, sizeof(*p.v), cmp_pick);
	r = make_units(&p, opts, set);
	if (r < 0)
		goto out;
	note_binding(host, set, opts->libvirt, notes);
	r = apply_options(host, opts, set, notes);
out:
	picks_clear(&p);
	if (r < 0)
		vfd_vm_devset_clear(set);
	return r;
}

void vfd_vm_devset_clear(struct vfd_vm_devset *set)
{
	for (size_t u = 0; set->units && u < set->n; u++) {
		struct vfd_vm_unit *unit = &set->units[u];

		for (size_t i = 0; unit->funcs && i < unit->n; i++) {
			free(unit->funcs[i].why);
			free(unit->funcs[i].romfile);
		}
		free(unit->funcs);
	}
	free(set->units);
	memset(set, 0, sizeof(*set));
}
