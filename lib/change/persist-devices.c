// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The devices persist sets up: taken through the one device selection
 * (lib/checks/select.c) and judged as bind judges them, findings named
 * "persist.*"; the host drivers vfio-pci must load before; and the devices
 * --undo takes out of the record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persist-plan.h"

/* the module behind a PCI driver: drivers/NAME/module -> .../module/MODULE */
static char *driver_module(struct vfd_root *root, const char *drv)
{
	char *m = NULL;

	if (vfd_root_readlinkf_base(root, &m, "sys/bus/pci/drivers/%s/module", drv) == 0)
		return m;
	m = strdup(drv);
	for (char *p = m; p && *p; p++)
		if (*p == '-')
			*p = '_';
	return m;
}

/*
 * The host drivers vfio-pci must load before: the device's driver now (or,
 * when bind moved it, the one bind recorded) and the drivers of its kind
 * (GPUs by vendor, HD audio). Built-in ones are left out: a softdep cannot
 * order what is never loaded.
 */
static char **native_modules(struct work *w, struct vfd_pcidev *d)
{
	struct strv_builder b = { 0 };
	struct vfd_binding_record rec;
	const char *drv = vfd_pcidev_get_driver(d);
	uint32_t cls = vfd_pcidev_get_class(d);
	uint16_t vendor = vfd_pcidev_get_vendor(d);
	const char *names[3] = { NULL, NULL, NULL };
	bool have_rec = vfd_record_load(w->root, vfd_pcidev_get_slot(d), &rec) == 0;

	names[0] = drv;
	names[1] = have_rec ? rec.driver : NULL;
	for (size_t i = 0; i < 2; i++) {
		char *m;

		if (!names[i] || strcmp(names[i], "vfio-pci") == 0 ||
		    strcmp(names[i], "pci-stub") == 0 || strcmp(names[i], "pcieport") == 0)
			continue;
		m = driver_module(w->root, names[i]);
		if (!m) {
			b.oom = true;
			continue;
		}
		if (w->mods && vfd_modules_state(w->mods, m) == VFD_MODULE_BUILTIN) {
			const char *slot = vfd_pcidev_get_slot(d);
			struct vfd_finding *f;

			f = persist_problem(w, "persist.driver-builtin", VFD_INFO, slot,
					    "%s: its driver %s is built into the kernel "
					    "and binds first at boot; the udev rule "
					    "takes the device from it", slot, names[i]);

			if (f)
				finding_evidence(f, "/sys/module/%s: built in", m);
		} else {
			persist_add_module(&b, m);
		}
		free(m);
	}
	if (have_rec)
		vfd_record_clear(&rec);
	if (vfd_class_is_display(cls)) {
		/* the drivers that claim GPUs of this vendor (nvidia: the proprietary one) */
		if (vendor == 0x10de) {
			persist_add_module(&b, "nouveau");
			persist_add_module(&b, "nvidia");
		} else if (vendor == 0x1002) {
			persist_add_module(&b, "amdgpu");
			persist_add_module(&b, "radeon");
		} else if (vendor == 0x8086) {
			persist_add_module(&b, "i915");
			persist_add_module(&b, "xe");
		}
	} else if (vfd_class_is_audio(cls) && (cls >> 8) == 0x0403) {
		persist_add_module(&b, "snd_hda_intel");
	}
	if (b.oom) {
		strv_builder_clear(&b);
		return NULL;
	}
	if (b.n)
		qsort(b.v, b.n, sizeof(*b.v), persist_str_cmp);
	return strv_take(&b);
}

/*
 * No group at all, and the firmware describes an IOMMU that the command line
 * keeps off (or this kernel does not turn on by itself): the one case where
 * persist must go on, since the edit that fixes it is its own. Not where no
 * file or tool holds the command line.
 */
static bool iommu_comes_on(struct work *w)
{
	if (vfd_host_count_groups(w->host) > 0 || w->sys.kargs == VFD_KARGS_NONE)
		return false;
	return vfd_root_existsf(w->root, "sys/firmware/acpi/tables/DMAR") ||
	       vfd_root_existsf(w->root, "sys/firmware/acpi/tables/IVRS");
}

static bool on_vfio(const struct vfd_pcidev *d)
{
	const char *drv = vfd_pcidev_get_driver(d);

	return drv && strcmp(drv, "vfio-pci") == 0;
}

/*
 * What bind would refuse or warn about for these devices, judged by the one
 * judgement of taking a device (select.c) with persist's name on the
 * findings: each device, then the host's use of those not on vfio-pci yet,
 * then their groups (a group left non-viable is a warning: the devices of
 * a group can be persisted one run at a time).
 */
int persist_judge_devices(struct work *w, const struct vfd_selection *sel)
{
	struct vfd_take_opts take = {
		.prefix = "persist", .force = w->opts->force, .allow_nonviable = true,
	};
	struct vfd_report *rep = &w->plan->problems;
	const char **taken = calloc(sel->n + 1, sizeof(*taken));
	size_t n = 0;
	bool ok = true;

	if (!taken)
		return -ENOMEM;
	for (size_t i = 0; i < sel->n; i++) {
		struct vfd_pcidev *d = sel->devs[i];
		const char *slot = vfd_pcidev_get_slot(d), *why_id;

		if (!vfd_pcidev_unassignable(d, &why_id) &&
		    !vfd_host_find_group(w->host, vfd_pcidev_get_group(d)) && iommu_comes_on(w)) {
			/* the group appears once the command line below turns the IOMMU on */
			struct vfd_finding *f;

			f = persist_problem(w, "persist.no-group-yet", VFD_WARN, slot,
					    "%s has no IOMMU group yet: the IOMMU is off now; "
					    "the kernel command line below turns it on, and "
					    "vfio-pci takes the device after the reboot", slot);
			if (f)
				finding_fix(f, "after the reboot: vfio-doctor check %s", slot);
			continue;
		}
		if (!vfd_take_judge_device(w->host, d, &take, rep))
			ok = false;
		else if (!on_vfio(d))
			taken[n++] = slot;
	}
	for (size_t i = 0; i < n; i++)
		ok &= vfd_take_judge_use(w->host, vfd_host_find(w->host, taken[i]), &take, rep);
	ok &= vfd_take_judge_groups(w->host, taken, n, &take, rep);
	w->plan->refused |= !ok;
	free(taken);
	return 0;
}

int persist_take_devices(struct work *w, const struct vfd_selection *sel)
{
	for (size_t i = 0; i < sel->n; i++) {
		struct pdev *p = pstate_add_dev(&w->now, vfd_pcidev_get_slot(sel->devs[i]));

		if (!p)
			return -ENOMEM;
		p->by_id = w->opts->by_id;
		p->vendor = vfd_pcidev_get_vendor(sel->devs[i]);
		p->device = vfd_pcidev_get_device(sel->devs[i]);
		p->mods = native_modules(w, sel->devs[i]);
		if (!p->mods)
			return -ENOMEM;
	}
	return 0;
}

/* --by-id takes every device with the IDs: name the ones not meant */
void persist_warn_shared(struct work *w)
{
	for (size_t i = 0; i < w->now.ndevs; i++) {
		const struct pdev *d = &w->now.devs[i];
		bool seen = false;

		for (size_t k = 0; k < i; k++)
			seen |= w->now.devs[k].by_id && w->now.devs[k].vendor == d->vendor &&
				w->now.devs[k].device == d->device;
		if (!d->by_id || seen)
			continue;
		for (size_t k = 0; k < vfd_host_count_devices(w->host); k++) {
			struct vfd_pcidev *h = vfd_host_device(w->host, k);
			const char *name;
			struct vfd_finding *f;

			if (vfd_pcidev_get_vendor(h) != d->vendor ||
			    vfd_pcidev_get_device(h) != d->device ||
			    pstate_dev(&w->now, vfd_pcidev_get_slot(h)))
				continue;
			name = vfd_host_device_name(w->host, d->vendor, d->device);
			f = persist_problem(w, "persist.shared-ids", VFD_WARN, vfd_pcidev_get_slot(h),
					    "options vfio-pci ids=%04x:%04x also gives %s to "
					    "vfio-pci at boot (%s, now on %s)", d->vendor,
					    d->device, vfd_pcidev_get_slot(h),
					    name ? name : "the same model",
					    driver_name_or_none(h));
			if (f)
				finding_fix(f, "persist by address instead (without --by-id): the "
					       "udev rule names %s alone", d->slot);
		}
	}
}

/* --undo DEVICE...: the recorded devices an argument names */
void persist_drop_devices(struct work *w, const struct vfd_selection *sel)
{
	for (size_t a = 0; a < sel->nargs; a++) {
		const struct vfd_devspec spec = sel->specs[a];
		char slot[16];
		bool any = false;

		vfd_bdf_format(&spec.bdf, slot, sizeof(slot));
		for (size_t i = w->now.ndevs; i-- > 0;) {
			const struct pdev *p = &w->now.devs[i];

			if (spec.by_id ? p->vendor == spec.vendor && p->device == spec.device
				       : strcmp(p->slot, slot) == 0) {
				pstate_drop_dev(&w->now, i);
				any = true;
			}
		}
		if (!any) {
			struct vfd_finding *f;

			f = persist_problem(w, "persist.not-persisted", VFD_FAIL, NULL,
					    "'%s' is not persisted: nothing to undo for "
					    "it", sel->args[a]);

			if (f)
				finding_evidence(f, "/" STATE_PATH ": no such device");
			w->plan->refused = true;
		}
	}
}
