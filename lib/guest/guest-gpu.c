// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A passed-through GPU: the DRM nodes its driver made, the Mesa stack that
 * driver wants, the command line that keeps it away, and whether it is the
 * primary display or an emulated one is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest-internal.h"

static int drm_rank(const char *name)
{
	/* card0 < card1 < ... < renderD128: by kind, then number */
	if (strncmp(name, "card", 4) == 0)
		return atoi(name + 4);
	return 100000 + atoi(name + 7);
}

static int cmp_drm(const void *a, const void *b)
{
	return drm_rank(((const struct drmnode *)a)->name) -
	       drm_rank(((const struct drmnode *)b)->name);
}

static bool drm_name_ok(const char *s)
{
	const char *digits;

	if (strncmp(s, "card", 4) == 0)
		digits = s + 4;
	else if (strncmp(s, "renderD", 7) == 0)
		digits = s + 7;
	else
		return false;
	if (!*digits || strlen(digits) > 6)
		return false;
	for (; *digits; digits++)
		if (*digits < '0' || *digits > '9')
			return false;
	return true;
}

int guest_scan_drm(struct gctx *g)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *dir = vfd_root_opendirf(g->root, "sys/class/drm");

	if (!dir) {
		guest_note_denied(g, "sys/class/drm", -errno);
		return 0;
	}
	while ((de = readdir(dir))) {
		struct drmnode *m;

		/* card0-HDMI-A-1 (connectors) and version are not devices */
		if (!drm_name_ok(de->d_name))
			continue;
		if (array_reserve((void **)&g->drm, &cap, g->n_drm, sizeof(*g->drm), 8) < 0) {
			closedir(dir);
			return -ENOMEM;
		}
		m = &g->drm[g->n_drm++];
		memset(m, 0, sizeof(*m));
		/* drm_name_ok bounds it */
		snprintf(m->name, sizeof(m->name), "%.31s", de->d_name);
		guest_class_slot(g, "drm", m->name, m->slot);
		/* the DRM driver: card0/device/driver -> .../drivers/amdgpu (or virtio_gpu) */
		vfd_root_readlinkf_base(g->root, &m->driver, "sys/class/drm/%s/device/driver",
					m->name);
		m->node = vfd_root_existsf(g->root, "dev/dri/%s", m->name);
	}
	closedir(dir);
	if (g->n_drm)
		qsort(g->drm, g->n_drm, sizeof(*g->drm), cmp_drm);
	return 0;
}

static const struct gpu_stack gpu_stacks[] = {
	{ "amdgpu", "radeonsi", { "radv", "radeon", "amd" }, "CONFIG_DRM_AMDGPU" },
	{ "radeon", "r600/radeonsi", { NULL }, "CONFIG_DRM_RADEON" },
	{ "i915", "iris (crocus on older GPUs)", { "intel", "anv", NULL }, "CONFIG_DRM_I915" },
	{ "xe", "iris", { "intel", "anv", NULL }, "CONFIG_DRM_XE" },
	{ "nouveau", "nouveau", { "nouveau", "nvk", NULL }, "CONFIG_DRM_NOUVEAU" },
	{ "virtio-pci", NULL, { NULL }, NULL },
};

const struct gpu_stack *guest_stack_of(const char *kdriver)
{
	for (size_t i = 0; kdriver && i < ARRAY_SIZE(gpu_stacks); i++)
		if (strcmp(gpu_stacks[i].kdriver, kdriver) == 0)
			return &gpu_stacks[i];
	return NULL;
}

/* the connectors of DRM card @card: card0-Virtual-1/status "connected" (drm_sysfs.c) */
static void connectors(struct gctx *g, struct vfd_finding *f, const char *card, size_t *n,
		       size_t *connected)
{
	size_t len = strlen(card);
	struct dirent *de;
	DIR *dir = vfd_root_opendirf(g->root, "sys/class/drm");

	while (dir && (de = readdir(dir))) {
		char *status = NULL, *modes = NULL;

		if (strncmp(de->d_name, card, len) != 0 || de->d_name[len] != '-')
			continue;
		(*n)++;
		vfd_root_readf_str(g->root, &status, "sys/class/drm/%s/status", de->d_name);
		vfd_root_readf_str(g->root, &modes, "sys/class/drm/%s/modes", de->d_name);
		if (status && strcmp(status, "connected") == 0)
			(*connected)++;
		if (modes && strchr(modes, '\n'))
			*strchr(modes, '\n') = '\0';
		finding_evidence(f, "connector %s: %s%s%s", de->d_name, status ? status : "unknown",
				 modes && *modes ? ", first mode " : "", modes ? modes : "");
		free(status);
		free(modes);
	}
	if (dir)
		closedir(dir);
}

void guest_finding_drm(struct gctx *g, struct gdev *d)
{
	struct vfd_finding *f;
	size_t cards = 0, renders = 0, missing = 0, nconn = 0, connected = 0;

	if (!d->driver)
		return;
	f = report_add(g->rep, "guest.drm", LAYER, VFD_OK, d->slot, "%s", "");
	for (size_t i = 0; i < g->n_drm; i++) {
		const struct drmnode *m = &g->drm[i];

		if (strcmp(m->slot, d->slot) != 0)
			continue;
		if (m->name[0] == 'c')
			cards++;
		else
			renders++;
		missing += !m->node;
		finding_evidence(f, "/sys/class/drm/%s is below %s (%s); /dev/dri/%s %s", m->name,
				 m->slot, m->driver ? m->driver : "no driver", m->name,
				 m->node ? "present" : "absent");
		if (m->name[0] == 'c')
			connectors(g, f, m->name, &nconn, &connected);
	}
	free(f->summary);
	if (!cards && !renders) {
		f->status = guest_stack_of(d->driver) ? VFD_FAIL : VFD_WARN;
		f->summary = xasprintf("%s drives the GPU but made no DRM device (/sys/class/drm)",
				       d->driver);
		finding_fix(f, "%s", guest_stack_of(d->driver) ?
			    "the driver stopped before registering: see guest.driver-errors and the "
			    "kernel log" :
			    "this driver is no DRM driver (a framebuffer or a stub): Mesa needs "
			    "amdgpu, i915, xe or nouveau");
		return;
	}
	if (missing) {
		f->status = VFD_WARN;
		f->summary = xasprintf("%zu of the GPU's DRM nodes are missing from /dev/dri",
				       missing);
		finding_fix(f, "%s", g->android ?
			    "ueventd creates /dev/dri nodes: check /dev/dri after boot and the "
			    "ueventd.rc lines for /dev/dri/*" :
			    "udev creates /dev/dri nodes: udevadm trigger --subsystem-match=drm");
		return;
	}
	if (!renders) {
		f->status = VFD_WARN;
		f->summary = xasprintf("the GPU has a card node but no render node (renderD*)");
		finding_fix(f, "Mesa renders through /dev/dri/renderD*: the driver or kernel is too "
			       "old for render nodes");
		return;
	}
	if (nconn)
		f->summary = xasprintf("%zu card and %zu render node%s for the GPU (%s), %zu of %zu "
				       "connectors connected", cards, renders,
				       renders == 1 ? "" : "s", d->driver, connected, nconn);
	else
		f->summary = xasprintf("%zu card and %zu render node%s for the GPU (%s)", cards,
				       renders, renders == 1 ? "" : "s", d->driver);
}

void guest_finding_cmdline(struct gctx *g, bool gpu)
{
	struct vfd_finding *f;

	if (!gpu)
		return;
	if (guest_cmdline_has(g, "nomodeset")) {
		f = report_add(g->rep, "guest.cmdline", LAYER, VFD_WARN, NULL,
			       "nomodeset on the guest's kernel command line keeps GPU drivers away");
		finding_evidence(f, "/proc/cmdline: %s", g->cmdline_raw);
		finding_fix(f, "remove nomodeset from the guest's boot entry%s", g->android ?
			    " (Android-x86: the GRUB entry of the installation)" :
			    " (/etc/default/grub, then update-grub)");
	}
	if (g->android) {
		const char *hw = vfd_cmdline_get(g->cmdline, g->n_cmdline, "HWACCEL");

		if (hw && strcmp(hw, "0") == 0) {
			f = report_add(g->rep, "guest.cmdline", LAYER, VFD_WARN, NULL,
				       "HWACCEL=0: Android-x86 is told to render in software");
			finding_evidence(f, "/proc/cmdline: %s", g->cmdline_raw);
			finding_fix(f, "remove HWACCEL=0 from the boot entry");
		}
	}
}

struct gdev *guest_the_gpu(struct gctx *g)
{
	struct gdev *first = NULL;

	for (size_t i = 0; i < g->n; i++) {
		struct gdev *d = &g->devs[i];

		if (!d->wanted || !guest_is_gpu(d) || d->emulated)
			continue;
		if (d->driver && guest_stack_of(d->driver))
			return d;
		if (!first)
			first = d;
	}
	return first;
}

void guest_finding_primary(struct gctx *g, struct gdev *gpu)
{
	struct gdev *boot = NULL, *card0 = NULL, *fbdev = NULL;
	const char *virt = NULL;
	struct vfd_finding *f;
	char fbslot[16], *procfb = NULL;

	for (size_t i = 0; i < g->n; i++)
		if (g->devs[i].boot_vga == 1)
			boot = &g->devs[i];
	for (size_t i = 0; i < g->n_drm; i++)
		if (strcmp(g->drm[i].name, "card0") == 0)
			card0 = guest_find_dev(g, g->drm[i].slot);
	guest_class_slot(g, "graphics", "fb0", fbslot);
	fbdev = guest_find_dev(g, fbslot);
	if (vfd_root_read_filef(g->root, 4096, &procfb, NULL, "proc/fb") == 0)
		procfb[strcspn(procfb, "\n")] = '\0';
	if (card0 && guest_virtual_display_name(card0))
		virt = guest_virtual_display_name(card0);
	else if (boot && guest_virtual_display_name(boot))
		virt = guest_virtual_display_name(boot);
	else if (!card0 && fbdev && guest_virtual_display_name(fbdev))
		virt = guest_virtual_display_name(fbdev);
	if (virt) {
		struct gdev *v = card0 && guest_virtual_display_name(card0) ? card0 :
				 boot && guest_virtual_display_name(boot) ? boot : fbdev;

		f = report_add(g->rep, "guest.primary-display", LAYER, VFD_WARN, v->slot,
			       "the %s (%04x:%04x) is the primary display, not the passed-through "
			       "GPU %s", virt, v->vendor, v->device, gpu->slot);
	} else if (card0 == gpu || boot == gpu || fbdev == gpu) {
		f = report_add(g->rep, "guest.primary-display", LAYER, VFD_OK, gpu->slot,
			       "the passed-through GPU is the primary display");
	} else {
		f = report_add(g->rep, "guest.primary-display", LAYER, VFD_INFO, NULL,
			       "the primary display could not be told (no boot VGA, card0 or fb0)");
	}
	if (boot)
		finding_evidence(f, "/sys/bus/pci/devices/%s/boot_vga: 1 (%04x:%04x)", boot->slot,
				 boot->vendor, boot->device);
	for (size_t i = 0; i < g->n_drm; i++)
		if (strcmp(g->drm[i].name, "card0") == 0)
			finding_evidence(f, "/sys/class/drm/card0 is below %s (%s)",
					 g->drm[i].slot[0] ? g->drm[i].slot : "not PCI",
					 g->drm[i].driver ? g->drm[i].driver : "no driver");
	if (fbslot[0])
		finding_evidence(f, "/sys/class/graphics/fb0 is below %s", fbslot);
	if (procfb && *procfb)
		finding_evidence(f, "/proc/fb: %s", procfb);
	if (virt) {
		if (g->android)
			finding_fix(f, "Android draws on card0: remove the emulated display from the "
				       "VM so the GPU becomes card0 (QEMU: -vga none and no "
				       "virtio-vga/virtio-gpu/qxl device; libvirt: <video><model "
				       "type='none'/></video>)");
		else
			finding_fix(f, "the desktop runs on the emulated display: remove it from the "
				       "VM (QEMU: -vga none; libvirt: <video><model type='none'/>"
				       "</video>), or run programs on the GPU with DRI_PRIME=1");
	}
	free(procfb);
}
