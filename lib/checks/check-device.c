// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device layer of `check`: for each target, its group and viability with
 * the blockers and what the host would lose, the driver and override, the
 * /dev/vfio node, the reset method, boot VGA, and the functions that must
 * travel with it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "check-layers.h"
#include "internal.h"

static const char *driver_or_none(const struct vfd_pcidev *d)
{
	const char *drv = vfd_pcidev_get_driver(d);

	return drv ? drv : "no driver";
}

/* The driverctl-style sysfs steps that give @slot to vfio-pci. */
static void fix_bind(struct vfd_finding *f, const struct vfd_pcidev *d)
{
	const char *slot = vfd_pcidev_get_slot(d);

	finding_fix(f, "modprobe vfio-pci");
	finding_fix(f, "echo vfio-pci > /sys/bus/pci/devices/%s/driver_override", slot);
	if (vfd_pcidev_get_driver(d))
		finding_fix(f, "echo %s > /sys/bus/pci/devices/%s/driver/unbind", slot, slot);
	finding_fix(f, "echo %s > /sys/bus/pci/drivers_probe", slot);
}

static const char *share_text(enum vfd_share_reason reason)
{
	switch (reason) {
	case VFD_SHARE_PCI_BRIDGE:
		return "they sit behind a conventional PCI bridge, which cannot isolate "
		       "the devices behind it";
	case VFD_SHARE_MULTIFUNCTION:
		return "they are functions of one multi-function device without ACS";
	case VFD_SHARE_NO_ACS:
		return "an upstream port lacks ACS (Access Control Services)";
	default:
		return NULL;
	}
}

static void device_group(struct check_ctx *ctx, struct vfd_pcidev *d)
{
	const char *slot = vfd_pcidev_get_slot(d);
	int number = vfd_pcidev_get_group(d);
	struct vfd_group *g = vfd_host_find_group(ctx->host, number);
	unsigned int kv = vfd_host_kernel_version(ctx->host);
	enum vfd_share_reason reason;
	struct vfd_finding *f;
	const char *why;
	char culprit[16];
	size_t blockers = 0;

	if (number < 0 || !g) {
		f = report_add(ctx->report, "device.group", "device", VFD_FAIL, slot,
			       "%s has no IOMMU group: vfio-pci cannot use it (probe fails with "
			       "-22)", slot);
		finding_evidence(f, "/sys/bus/pci/devices/%s/iommu_group: not found", slot);
		finding_fix(f, "enable the IOMMU first (see iommu.enabled)");
		return;
	}
	for (size_t i = 0; i < vfd_group_count_devices(g); i++)
		if (!vfd_pcidev_is_viability_ok(vfd_group_device(g, i), kv))
			blockers++;
	reason = vfd_group_share_reason(ctx->host, g, culprit, sizeof(culprit));
	if (blockers == 0) {
		f = report_add(ctx->report, "device.group", "device", VFD_OK, slot,
			       "IOMMU group %d is viable (%zu device%s)", number,
			       vfd_group_count_devices(g), vfd_group_count_devices(g) == 1 ? "" : "s");
		for (size_t i = 0; i < vfd_group_count_devices(g); i++) {
			struct vfd_pcidev *m = vfd_group_device(g, i);

			finding_evidence(f, "/sys/kernel/iommu_groups/%d/devices/%s: %s", number,
					 vfd_pcidev_get_slot(m), driver_or_none(m));
		}
		return;
	}
	f = report_add(ctx->report, "device.group", "device", VFD_FAIL, slot,
		       "IOMMU group %d is not viable: %zu device%s bound to host drivers", number,
		       blockers, blockers == 1 ? "" : "s");
	for (size_t i = 0; i < vfd_group_count_devices(g); i++) {
		struct vfd_pcidev *m = vfd_group_device(g, i);
		const char *ms = vfd_pcidev_get_slot(m);
		struct vfd_use *uses = NULL;
		int n;

		if (vfd_pcidev_is_viability_ok(m, kv)) {
			finding_evidence(f, "/sys/kernel/iommu_groups/%d/devices/%s: %s (allowed)",
					 number, ms, driver_or_none(m));
			continue;
		}
		finding_evidence(f, "/sys/kernel/iommu_groups/%d/devices/%s: bound to %s (blocks)",
				 number, ms, driver_or_none(m));
		n = vfd_host_device_uses(ctx->host, m, &uses);
		for (int u = 0; u < n; u++)
			finding_evidence(f, "%s: releasing it would cost the host: %s (%s)", ms,
					 uses[u].what, uses[u].evidence);
		vfd_uses_free(uses, n > 0 ? n : 0);
		if (m != d && !vfd_pcidev_unassignable(m, &why))
			fix_bind(f, m);
	}
	if (share_text(reason))
		finding_evidence(f, "the group is shared because %s (%s)", share_text(reason),
				 culprit);
	if (reason == VFD_SHARE_NO_ACS || reason == VFD_SHARE_MULTIFUNCTION)
		finding_evidence(f, "pcie_acs_override exists only in patched kernels and gives up "
				    "the isolation the group stands for");
	finding_fix(f, "or move the card to a slot whose group holds only it (see "
		       "'vfio-doctor groups')");
}

static void device_driver(struct check_ctx *ctx, struct vfd_pcidev *d)
{
	const char *slot = vfd_pcidev_get_slot(d);
	const char *drv = vfd_pcidev_get_driver(d);
	const char *ovr = vfd_pcidev_get_driver_override(d);
	struct vfd_finding *f;

	if (drv && strcmp(drv, "vfio-pci") == 0) {
		f = report_add(ctx->report, "device.driver", "device", VFD_OK, slot,
			       "bound to vfio-pci");
	} else if (drv && strstr(drv, "vfio")) {
		f = report_add(ctx->report, "device.driver", "device", VFD_OK, slot,
			       "bound to %s (a vfio-pci variant driver)", drv);
	} else {
		f = report_add(ctx->report, "device.driver", "device", VFD_WARN, slot,
			       drv ? "bound to %s, not vfio-pci" : "%snot bound to any driver",
			       drv ? drv : "");
		fix_bind(f, d);
		finding_fix(f, "to keep it across reboots: driverctl set-override %s vfio-pci", slot);
	}
	finding_evidence(f, "/sys/bus/pci/devices/%s/driver: %s", slot, drv ? drv : "none");
	finding_evidence(f, "/sys/bus/pci/devices/%s/driver_override: %s", slot,
			 ovr ? ovr : "(null)");
	if (ovr && drv && strcmp(ovr, drv) != 0)
		finding_evidence(f, "driver_override asks for %s but %s holds the device: it "
				    "applies at the next probe", ovr, drv);
}

static void device_node(struct check_ctx *ctx, struct vfd_pcidev *d)
{
	const char *slot = vfd_pcidev_get_slot(d);
	const char *drv = vfd_pcidev_get_driver(d);
	int group = vfd_pcidev_get_group(d);
	struct vfd_finding *f;
	char path[32];
	struct stat st;
	char *node;

	if (group < 0)
		return;
	if (vfd_root_statf(ctx->root, &st, "dev/vfio/%d", group) < 0) {
		bool vfio = drv && strstr(drv, "vfio");

		f = report_add(ctx->report, "device.node", "device", vfio ? VFD_FAIL : VFD_INFO, slot,
			       "/dev/vfio/%d does not exist%s", group,
			       vfio ? "" : " (it appears once a device of the group is bound to "
					   "vfio-pci)");
		finding_evidence(f, "/dev/vfio/%d: not found", group);
		if (vfio)
			finding_fix(f, "udevadm trigger --subsystem-match=vfio (the node is made "
				       "by udev from /sys/class/vfio/%d)", group);
		return;
	}
	node = describe_node(ctx->root, &st);
	f = report_add(ctx->report, "device.node", "device", VFD_OK, slot, "/dev/vfio/%d present (%s)",
		       group, node ? node : "?");
	finding_evidence(f, "/dev/vfio/%d: %s", group, node ? node : "?");
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	if (finding_user_access(ctx, f, &st, path, node)) {
		finding_fix(f, "libvirt with managed='yes' sets this up itself; for plain QEMU: "
			       "chown %s /dev/vfio/%d, or a udev rule: SUBSYSTEM==\"vfio\", "
			       "OWNER=\"%s\"", ctx->opts->user, group, ctx->opts->user);
	}
	free(node);
}

static void device_reset(struct check_ctx *ctx, struct vfd_pcidev *d)
{
	const char *slot = vfd_pcidev_get_slot(d);
	const char *method = vfd_pcidev_get_reset_method(d);
	struct vfd_finding *f;

	if (method && *method) {
		f = report_add(ctx->report, "device.reset", "device", VFD_OK, slot,
			       "reset methods: %s", method);
		finding_evidence(f, "/sys/bus/pci/devices/%s/reset_method: %s", slot, method);
	} else if (method) {
		f = report_add(ctx->report, "device.reset", "device", VFD_WARN, slot,
			       "no reset method: the device may not come back after a guest "
			       "reboot or VM restart");
		finding_evidence(f, "/sys/bus/pci/devices/%s/reset_method: missing (the kernel "
				    "found no way to reset it)", slot);
		finding_fix(f, "pass the whole slot and avoid restarting the guest without a host "
			       "reboot; some GPUs need a vendor reset module");
	} else {
		size_t len;
		const uint8_t *cfg = vfd_pcidev_get_config(d, &len);

		f = report_add(ctx->report, "device.reset", "device", VFD_INFO, slot,
			       "reset method unknown (no reset_method attribute)%s",
			       cfg && vfd_config_has_flr(cfg, len) ? "; the device supports FLR" : "");
		finding_evidence(f, "/sys/bus/pci/devices/%s/reset_method: not found", slot);
	}
}

static void device_boot_vga(struct check_ctx *ctx, struct vfd_pcidev *d)
{
	unsigned int kv = vfd_host_kernel_version(ctx->host);
	const char *slot = vfd_pcidev_get_slot(d);
	struct vfd_finding *f;

	if (vfd_pcidev_get_boot_vga(d) != 1)
		return;
	f = report_add(ctx->report, "device.boot-vga", "device", VFD_WARN, slot,
		       "%s is the boot VGA device: the host console and firmware framebuffer "
		       "live there", slot);
	finding_evidence(f, "/sys/bus/pci/devices/%s/boot_vga: 1", slot);
	if (kv >= KERNEL_6_0) {
		/*
		 * vfio_pci_core.c vfio_pci_vga_init() (since 6.0) calls
		 * aperture_remove_conflicting_pci_devices(): binding a VGA device to
		 * vfio-pci removes the firmware framebuffer (efifb, simpledrm) on it.
		 */
		finding_evidence(f, "kernel %u.%u: vfio-pci releases the firmware framebuffer "
				    "itself when it takes a VGA device", kv >> 16, (kv >> 8) & 0xff);
		finding_fix(f, "use another GPU (or the integrated one) for the host console, or "
			       "bind it to vfio-pci at boot (vfio-doctor persist) and expect no host "
			       "display; no video= option is needed on this kernel; the guest may "
			       "need a clean ROM file (romfile=)");
	} else if (kv >= KERNEL_5_15) {
		/* 5.15 moved sysfb to drivers/firmware: simpledrm, not efifb, may hold it */
		finding_fix(f, "use another GPU (or the integrated one) for the host console, or "
			       "add initcall_blacklist=sysfb_init to the kernel command line "
			       "(video=efifb:off does not stop simpledrm) and expect no host "
			       "display; the guest may need a clean ROM file (romfile=)");
	} else {
		finding_fix(f, "use another GPU (or the integrated one) for the host console, or "
			       "add video=efifb:off to the kernel command line and expect no host "
			       "display; the guest may need a clean ROM file (romfile=)");
	}
}

/* other functions of the same slot that must go to the guest too */
static void device_siblings(struct check_ctx *ctx, struct vfd_pcidev *d)
{
	const char *slot = vfd_pcidev_get_slot(d);
	struct vfd_finding *f = NULL;
	size_t n = vfd_host_count_devices(ctx->host);

	for (size_t i = 0; i < n; i++) {
		struct vfd_pcidev *s = vfd_host_device(ctx->host, i);
		const char *ss = vfd_pcidev_get_slot(s);
		const char *drv = vfd_pcidev_get_driver(s);
		uint32_t cls = vfd_pcidev_get_class(s);

		if (s == d || strncmp(ss, slot, 10) != 0)
			continue;
		if (drv && strstr(drv, "vfio"))
			continue;
		if (!f)
			f = report_add(ctx->report, "device.siblings", "device", VFD_WARN, slot,
				       "other functions of this slot must be passed too");
		finding_evidence(f, "%s: %s, bound to %s", ss,
				 vfd_class_is_audio(cls) ? "audio function (e.g. HDMI audio)"
				 : vfd_class_is_usb(cls) ? "USB controller" : "function",
				 drv ? drv : "no driver");
		fix_bind(f, s);
	}
}

static void check_one(struct check_ctx *ctx, struct vfd_pcidev *d)
{
	const char *why_id, *why = vfd_pcidev_unassignable(d, &why_id);
	struct vfd_finding *f;

	/* no binding or group advice for what no guest can have (bind refuses it too) */
	if (why) {
		f = report_add(ctx->report, "device.assignable", "device", VFD_FAIL,
			       vfd_pcidev_get_slot(d), "cannot be passed through: %s", why);
		finding_evidence(f, "/sys/bus/pci/devices/%s/class: 0x%06x, header type %d",
				 vfd_pcidev_get_slot(d), vfd_pcidev_get_class(d),
				 vfd_pcidev_get_header_type(d));
		finding_fix(f, "pass the endpoints instead (vfio-doctor groups --tree)");
		return;
	}
	device_group(ctx, d);
	device_driver(ctx, d);
	device_node(ctx, d);
	device_reset(ctx, d);
	device_boot_vga(ctx, d);
	device_siblings(ctx, d);
	if (ctx->opts && ctx->opts->preflight)
		check_preflight(ctx, d);
}

void check_devices(struct check_ctx *ctx)
{
	const struct vfd_selection *sel = ctx->selection;
	size_t n = vfd_host_count_devices(ctx->host);
	bool any = false;

	if (sel && sel->nargs) {
		for (size_t i = 0; i < sel->n; i++)
			check_one(ctx, sel->devs[i]);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct vfd_pcidev *d = vfd_host_device(ctx->host, i);
		const char *drv = vfd_pcidev_get_driver(d);

		if (drv && strstr(drv, "vfio")) {
			check_one(ctx, d);
			any = true;
		}
	}
	if (!any)
		report_add(ctx->report, "device.none", "device", VFD_INFO, NULL,
			   "no device named and none bound to vfio-pci: name the devices to "
			   "check (see 'vfio-doctor groups')");
}
