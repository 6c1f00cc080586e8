// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether the guest's firmware drew on the passed-through GPU before the
 * kernel took over: the display the boot loader handed to the kernel.
 *
 * On x86 that is the screen_info at the start of boot_params, which the
 * kernel exports unchanged in /sys/kernel/boot_params/data
 * (arch/x86/kernel/ksysfs.c). Under UEFI the kernel's EFI stub fills it from
 * the Graphics Output Protocol (VIDEO_TYPE_EFI, the GOP's linear framebuffer);
 * a BIOS boot through the real-mode setup code fills it from VESA BIOS calls
 * (VIDEO_TYPE_VLFB) or leaves a VGA text mode. A framebuffer inside one of the
 * GPU's memory BARs proves its GOP (or VESA BIOS) ran: the UEFI image of its
 * option ROM, or the firmware's own driver for an emulated-style card. A
 * framebuffer elsewhere, or none under UEFI, is the black screen a guest
 * shows until its driver loads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "guest-bootfb.h"
#include "guest-internal.h"

/* struct screen_info (include/uapi/linux/screen_info.h): the offsets read here */
#define SI_IS_VGA 0x0f
#define SI_WIDTH 0x12
#define SI_HEIGHT 0x14
#define SI_DEPTH 0x16
#define SI_LFB_BASE 0x18
#define SI_LFB_SIZE 0x1c
#define SI_CAPABILITIES 0x36
#define SI_EXT_LFB_BASE 0x3a
#define SI_SIZE 0x40
#define VIDEO_TYPE_VGAC 0x22
#define VIDEO_TYPE_VLFB 0x23
#define VIDEO_TYPE_EFI 0x70
#define VIDEO_CAPABILITY_64BIT_BASE (1u << 1)
#define IORESOURCE_MEM 0x200
#define PCI_BARS 6

int vfd_guest_read_bootfb(const unsigned char *data, size_t len, struct vfd_guest_bootfb *fb)
{
	if (len < SI_SIZE)
		return -EINVAL;
	fb->type = data[SI_IS_VGA];
	fb->width = get_le16(data + SI_WIDTH);
	fb->height = get_le16(data + SI_HEIGHT);
	fb->depth = get_le16(data + SI_DEPTH);
	fb->base = get_le32(data + SI_LFB_BASE);
	if (get_le32(data + SI_CAPABILITIES) & VIDEO_CAPABILITY_64BIT_BASE)
		fb->base |= (uint64_t)get_le32(data + SI_EXT_LFB_BASE) << 32;
	/* VESA gives the size in 64 KiB units, the EFI stub in bytes (boot/compressed) */
	fb->size = get_le32(data + SI_LFB_SIZE);
	if (fb->type == VIDEO_TYPE_VLFB)
		fb->size <<= 16;
	return 0;
}

/* the memory BAR of @slot that holds @addr: its number, or -1 */
static int bar_holding(struct gctx *g, const char *slot, uint64_t addr, uint64_t *start,
		       uint64_t *end)
{
	char *text = NULL, *line, *save = NULL;
	int bar = -1;

	if (vfd_root_readf_str(g->root, &text, "sys/bus/pci/devices/%s/resource", slot) < 0 ||
	    !text)
		return -1;
	line = strtok_r(text, "\n", &save);
	/* "0x%016llx 0x%016llx 0x%016llx" per resource (drivers/pci/pci-sysfs.c) */
	for (int i = 0; line && i < PCI_BARS && bar < 0; i++, line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e, flags;

		if (sscanf(line, "%llx %llx %llx", &s, &e, &flags) != 3 ||
		    !(flags & IORESOURCE_MEM) || e <= s)
			continue;
		if (addr >= s && addr <= e) {
			bar = i;
			*start = s;
			*end = e;
		}
	}
	free(text);
	return bar;
}

static const char *fb_source(unsigned int type)
{
	return type == VIDEO_TYPE_EFI ? "the UEFI GOP's" : "the VESA BIOS's";
}

/* the wanted GPU whose memory BAR holds @addr, with the BAR; NULL when none does */
static struct gdev *gpu_holding(struct gctx *g, uint64_t addr, int *bar, uint64_t *start,
				uint64_t *end)
{
	for (size_t i = 0; i < g->n; i++) {
		struct gdev *d = &g->devs[i];

		if (d->wanted && guest_is_gpu(d) &&
		    (*bar = bar_holding(g, d->slot, addr, start, end)) >= 0)
			return d;
	}
	return NULL;
}

void guest_finding_boot_display(struct gctx *g, struct gdev *gpu)
{
	char *data = NULL;
	size_t len = 0;
	struct vfd_guest_bootfb fb;
	struct vfd_finding *f;
	struct gdev *holder;
	uint64_t start = 0, end = 0;
	int bar = -1, r;

	/* 4 KiB, root only; not there off x86 (Android on ARM): nothing to say */
	r = vfd_root_read_filef(g->root, 4096, &data, &len, "sys/kernel/boot_params/data");
	if (r < 0) {
		guest_note_denied(g, "sys/kernel/boot_params/data", r);
		return;
	}
	r = vfd_guest_read_bootfb((const unsigned char *)data, len, &fb);
	free(data);
	if (r < 0) {
		report_add(g->rep, "guest.boot-display", LAYER, VFD_INFO, gpu->slot,
			   "/sys/kernel/boot_params/data is %zu bytes, too short for the boot "
			   "display (%d expected)", len, SI_SIZE);
		return;
	}
	/* booted by UEFI (the EFI stub) and handed nothing: no GOP drew on any display */
	if (fb.type == 0 && vfd_root_existsf(g->root, "sys/firmware/efi")) {
		f = report_add(g->rep, "guest.boot-display", LAYER, VFD_WARN, gpu->slot, "%s",
			       "the UEFI firmware handed the kernel no framebuffer: no GOP drew on "
			       "the passed-through GPU, the screen stays dark until the guest's "
			       "driver loads");
		finding_evidence(f, "/sys/firmware/efi exists (a UEFI boot); "
				    "/sys/kernel/boot_params/data: video type 0x00");
		finding_fix(f, "the GPU's option ROM has no UEFI image the firmware could run: "
			       "give QEMU a ROM with a UEFI GOP image (romfile=; `vfio-doctor rom` "
			       "shows the images a ROM holds)");
		return;
	}
	if (fb.type != VIDEO_TYPE_EFI && fb.type != VIDEO_TYPE_VLFB) {
		f = report_add(g->rep, "guest.boot-display", LAYER, VFD_INFO, gpu->slot, "%s",
			       fb.type == 0 ? "the boot loader handed over no display (a direct "
					      "kernel boot, or no console): whether the firmware "
					      "drew on the GPU is not known"
					    : "the boot display was a VGA text mode (a legacy BIOS "
					      "boot): no framebuffer to place");
		finding_evidence(f, "/sys/kernel/boot_params/data: video type 0x%02x", fb.type);
		return;
	}
	/* with several GPUs passed, one of them holding it is the right answer */
	holder = gpu_holding(g, fb.base, &bar, &start, &end);
	if (holder) {
		f = report_add(g->rep, "guest.boot-display", LAYER, VFD_OK, holder->slot,
			       "the firmware drew on the passed-through GPU before the kernel: "
			       "%s %ux%u framebuffer is in its BAR %d", fb_source(fb.type),
			       fb.width, fb.height, bar);
	} else {
		f = report_add(g->rep, "guest.boot-display", LAYER, VFD_WARN, gpu->slot,
			       "%s framebuffer is not on the passed-through GPU: the screen stays "
			       "dark until the guest's driver loads", fb_source(fb.type));
		/* whose it is, when another device of the guest holds it */
		for (size_t i = 0; i < g->n; i++) {
			int other = bar_holding(g, g->devs[i].slot, fb.base, &start, &end);

			if (other >= 0)
				finding_evidence(f, "the framebuffer is in BAR %d of %s (%04x:%04x)",
						 other, g->devs[i].slot, g->devs[i].vendor,
						 g->devs[i].device);
		}
		finding_fix(f, fb.type == VIDEO_TYPE_EFI ?
			       "the GPU's option ROM has no UEFI image the firmware could run, or "
			       "the firmware drew on an emulated display: give QEMU a ROM with a "
			       "UEFI GOP image (romfile=; `vfio-doctor rom` shows the images a ROM "
			       "holds) and remove the emulated display (-vga none)" :
			       "the firmware drew on another display: remove the emulated display "
			       "(-vga none) so the passed-through GPU's BIOS is the one that runs");
	}
	finding_evidence(f, "/sys/kernel/boot_params/data: video type 0x%02x, %ux%u, %u bits "
			 "per pixel, framebuffer 0x%" PRIx64 " (%" PRIu64 " KiB)", fb.type,
			 fb.width, fb.height, fb.depth, fb.base, fb.size >> 10);
	if (holder)
		finding_evidence(f, "/sys/bus/pci/devices/%s/resource: BAR %d is 0x%" PRIx64
				 "-0x%" PRIx64, holder->slot, bar, start, end);
}
