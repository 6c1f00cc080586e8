// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Inside the guest: the last failure of the handbook, "the VM boots but the
 * device is not seen or does not work", can only be seen from there. This
 * reads the guest's PCI bus, drivers, DRM nodes, kernel log, module tree and,
 * on Android, the property files that choose the graphics stack; every read
 * goes through the root, so a copy of a guest's files replays with --sysroot.
 * It must run without root (adb shell) and in a static build without libkmod
 * (VFD_NO_KMOD), where modules.alias is matched as text (lib/host/modules.c).
 *
 * This file runs the checks in order and gives the system, device list and
 * access findings; the others: guest-pci.c (the PCI bus on the host model,
 * the module tree), guest-driver.c (drivers, log errors, firmware),
 * guest-gpu.c (DRM, primary display), guest-net.c (NICs), guest-android.c
 * (properties, EGL, Vulkan, gralloc).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "guest-class.h"
#include "guest-internal.h"

static void finding_system(struct gctx *g, struct vfd_guest_info *info)
{
	struct vfd_finding *f;
	char *sys;

	if (g->android) {
		const char *rel = guest_prop(g, "ro.build.version.release", NULL);
		const char *model = guest_prop(g, "ro.product.model", NULL);

		if (!model)
			model = guest_prop(g, "ro.product.device", NULL);
		if (!model)
			model = guest_prop(g, "ro.product.name", NULL);
		sys = xasprintf("Android%s%s%s%s%s", rel ? " " : "", rel ? rel : "",
				model ? " (" : "", model ? model : "", model ? ")" : "");
	} else {
		sys = strdup("Linux");
	}
	f = report_add(g->rep, "guest.system", LAYER, VFD_INFO, NULL, "%s guest, kernel %s",
		       sys ? sys : "?", g->release ? g->release : "unknown");
	if (g->release)
		finding_evidence(f, "/proc/sys/kernel/osrelease: %s", g->release);
	if (g->android) {
		for (size_t i = 0; i < g->propfiles.n; i++)
			finding_evidence(f, "%s", g->propfiles.v[i]);
		if (g->getprop_err == 0)
			finding_evidence(f, "getprop: %zu properties in all", g->props.n);
		else if (g->getprop_err < 0)
			finding_evidence(f, "getprop: could not be run (%s); property files only",
					 g->getprop_err == -ETIME ? "no answer in time"
								  : strerror(-g->getprop_err));
		guest_evidence_prop(f, g, "ro.hardware");
		guest_evidence_prop(f, g, "ro.product.manufacturer");
		guest_evidence_prop(f, g, "ro.product.model");
		guest_evidence_prop(f, g, "ro.product.cpu.abi");
	}
	if (info) {
		info->android = g->android;
		info->system = sys;
		info->kernel = g->release ? strdup(g->release) : NULL;
	} else {
		free(sys);
	}
}

static void finding_devices(struct gctx *g)
{
	struct vfd_finding *f;
	size_t wanted = 0;

	if (g->pci_err) {
		f = report_add(g->rep, "guest.devices", LAYER, VFD_FAIL, NULL,
			       "cannot read the guest's PCI bus: %s",
			       g->pci_err == -ENOENT ? "this system has no PCI bus"
						     : strerror(-g->pci_err));
		finding_evidence(f, "/sys/bus/pci/devices: %s", strerror(-g->pci_err));
		finding_fix(f, "a passed-through device needs a PCI bus in the guest: give the VM "
			       "a PCI machine type (QEMU q35 or pc)");
		return;
	}
	for (size_t i = 0; i < g->opts->n_expect; i++) {
		const struct vfd_devspec *e = &g->opts->expect[i];
		bool seen = false;

		for (size_t j = 0; j < g->n && !seen; j++)
			seen = g->devs[j].vendor == e->vendor && g->devs[j].device == e->device;
		if (seen)
			continue;
		f = report_add(g->rep, "guest.devices", LAYER, VFD_FAIL, NULL,
			       "no device %04x:%04x on the guest's PCI bus", e->vendor, e->device);
		finding_evidence(f, "/sys/bus/pci/devices: %zu functions, none %04x:%04x", g->n,
				 e->vendor, e->device);
		finding_fix(f, "the VM was started without it: check its configuration (QEMU "
			       "-device vfio-pci,host=...; libvirt <hostdev>) and the QEMU log");
		finding_fix(f, "on the host: vfio-doctor check %04x:%04x", e->vendor, e->device);
	}
	for (size_t i = 0; i < g->n; i++)
		wanted += g->devs[i].wanted;
	if (wanted || g->opts->n_expect)
		return;
	f = report_add(g->rep, "guest.devices", LAYER, VFD_WARN, NULL,
		       "no passed-through device on the guest's PCI bus: all %zu are emulated", g->n);
	for (size_t i = 0; i < g->n; i++) {
		const struct gdev *d = &g->devs[i];

		finding_evidence(f, "%s %04x:%04x (subsystem %04x:%04x) class %06x: %s", d->slot,
				 d->vendor, d->device, d->svendor, d->sdevice, d->class_code,
				 (d->class_code >> 16) == 0x06 ? "bridge" : "emulated");
	}
	finding_fix(f, "check the VM configuration on the host (QEMU -device vfio-pci,host=...; "
		       "libvirt <hostdev>) and run: vfio-doctor check");
	finding_fix(f, "or name the device: vfio-doctor guest --expect VENDOR:DEVICE");
}

static void finding_access(struct gctx *g)
{
	struct vfd_finding *f;

	if (g->kmsg_err == -EACCES || g->kmsg_err == -EPERM)
		guest_note_denied(g, "dev/kmsg", g->kmsg_err);
	if (!g->unreadable.n)
		return;
	f = report_add(g->rep, "guest.access", LAYER, VFD_INFO, NULL,
		       "%zu file%s could not be read without root: %s", g->unreadable.n,
		       g->unreadable.n == 1 ? "" : "s",
		       g->kmsg_err == -EACCES || g->kmsg_err == -EPERM ?
		       "firmware and driver errors in the kernel log were not checked" :
		       "some checks are incomplete");
	for (size_t i = 0; i < g->unreadable.n; i++)
		finding_evidence(f, "/%s: permission denied", g->unreadable.v[i]);
	finding_fix(f, "%s", g->android ? "run it as root: adb root, then adb shell again (or su "
					  "-c on a rooted image)" : "run it as root (sudo)");
}

static void ctx_clear(struct gctx *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->devs[i].driver);
		free(g->devs[i].override);
		free(g->devs[i].modalias);
		vfd_strv_free(g->devs[i].modules);
	}
	free(g->devs);
	vfd_host_free(g->host);
	for (size_t i = 0; i < g->n_drm; i++)
		free(g->drm[i].driver);
	free(g->drm);
	vfd_kmsg_clear(&g->kmsg);
	free(g->release);
	free(g->cmdline_raw);
	vfd_cmdline_free(g->cmdline, g->n_cmdline);
	vfd_props_clear(&g->props);
	strv_builder_clear(&g->propfiles);
	strv_builder_clear(&g->unreadable);
	strv_builder_clear(&g->tree_tried);
	free(g->tree_dir);
	vfd_modules_free(g->mods);
	free(g->fw);
	free(g->fw_done);
}

/* the functions checked, for whoever maps them back to the host's (the trial) */
static int list_passed(struct gctx *g, struct vfd_guest_info *info)
{
	for (size_t i = 0; i < g->n; i++) {
		struct vfd_guest_function *nv, *p;

		if (!g->devs[i].wanted)
			continue;
		nv = realloc(info->passed, (info->n_passed + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		info->passed = nv;
		p = &info->passed[info->n_passed++];
		snprintf(p->slot, sizeof(p->slot), "%s", g->devs[i].slot);
		p->vendor = g->devs[i].vendor;
		p->device = g->devs[i].device;
	}
	return 0;
}

int vfd_guest_run(struct vfd_root *root, const struct vfd_guest_opts *opts,
		  struct vfd_guest_info *info, struct vfd_report *report)
{
	static const struct vfd_guest_opts no_opts;
	struct gctx g = { 0 };
	struct gdev *gpu;
	bool any_gpu = false;
	int r;

	if (!root || !report)
		return -EINVAL;
	if (info)
		memset(info, 0, sizeof(*info));
	g.root = root;
	g.rep = report;
	g.opts = opts ? opts : &no_opts;
	if (vfd_root_readf_str(root, &g.release, "proc/sys/kernel/osrelease") < 0 &&
	    vfd_root_is_live(root)) {
		struct utsname u;

		if (uname(&u) == 0)
			g.release = strdup(u.release);
	}
	/* it names the module directory: a stranger's "../.." is no release */
	if (g.release && !vfd_release_is_valid(g.release)) {
		free(g.release);
		g.release = NULL;
	}
	if (vfd_root_readf_str(root, &g.cmdline_raw, "proc/cmdline") == 0) {
		g.n_cmdline = vfd_cmdline_split(g.cmdline_raw, &g.cmdline);
		if (g.n_cmdline < 0)
			g.n_cmdline = 0;
	}
	g.android = vfd_root_existsf(root, "system/build.prop") ||
		    vfd_root_existsf(root, "system/bin/getprop") ||
		    vfd_root_existsf(root, "vendor/build.prop");
	guest_load_props(&g);
	r = guest_scan_pci(&g);
	if (r == 0)
		r = guest_scan_drm(&g);
	if (r < 0)
		goto out;
	guest_find_tree(&g);
	g.kmsg_err = vfd_kmsg_read(root, &g.kmsg);
	for (size_t i = 0; i < g.n; i++)
		if (g.devs[i].wanted && !g.devs[i].driver)
			guest_lookup_modules(&g, &g.devs[i]);
	guest_collect_fw(&g);

	finding_system(&g, info);
	finding_devices(&g);
	for (size_t i = 0; i < g.n; i++) {
		struct gdev *d = &g.devs[i];

		if (!d->wanted)
			continue;
		any_gpu |= guest_is_gpu(d) && !d->emulated;
		guest_finding_driver(&g, d);
		guest_finding_errors(&g, d);
		for (size_t j = 0; j < g.n_fw; j++)
			if (!g.fw_done[j] && guest_fw_belongs(&g.fw[j], d))
				guest_finding_firmware(&g, j, d->slot);
		if (guest_is_gpu(d))
			guest_finding_drm(&g, d);
		if (guest_is_nic(d))
			guest_finding_net(&g, d);
		/* audio, USB, NVMe: lib/guest/guest-class.c */
		vfd_guest_class_check(g.root, g.rep, d->slot, d->class_code, d->driver);
	}
	for (size_t j = 0; j < g.n_fw; j++)
		if (!g.fw_done[j])
			guest_finding_firmware(&g, j, g.fw[j].slot[0] ? g.fw[j].slot : NULL);
	for (size_t i = 0; i < g.n; i++)
		if (g.devs[i].wanted && guest_is_gpu(&g.devs[i])) {
			/* a GPU named by --expect counts even with an emulated card's IDs */
			guest_finding_boot_display(&g, &g.devs[i]);
			break;
		}
	guest_finding_cmdline(&g, any_gpu);
	gpu = guest_the_gpu(&g);
	if (gpu)
		guest_finding_primary(&g, gpu);
	if (gpu && g.android) {
		guest_finding_egl(&g, gpu);
		guest_finding_vulkan(&g, gpu);
		guest_finding_gralloc(&g, gpu);
	}
	finding_access(&g);
	if (info)
		r = list_passed(&g, info);
out:
	ctx_clear(&g);
	return r;
}

void vfd_guest_info_clear(struct vfd_guest_info *info)
{
	if (!info)
		return;
	free(info->system);
	free(info->kernel);
	free(info->passed);
	memset(info, 0, sizeof(*info));
}
