// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The verdicts on a parsed option ROM, as findings of layer "rom": each
 * problem of the parse with the numbers behind it and its fix, and what the
 * device the ROM is meant for adds (IDs the ROM does not name, a GPU without
 * an x64 EFI driver, a copy read from the boot GPU or from a device a guest
 * may hold). `vfio-doctor rom` renders them.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define ID_PREFIX "rom."

/* the first image carrying @bit, or NULL */
static const struct vfd_rom_image *image_with(const struct vfd_rom_info *info, unsigned int bit,
					      size_t *index)
{
	for (size_t i = 0; i < info->n_images; i++) {
		if (info->images[i].problems & bit) {
			*index = i;
			return &info->images[i];
		}
	}
	return NULL;
}

/* the numbers behind one problem of the parse (evidence) and its fix */
static void describe_problem(const struct vfd_rom_info *info, unsigned int bit,
			     struct vfd_finding *f)
{
	size_t i = 0;
	const struct vfd_rom_image *img = image_with(info, bit, &i);

	switch (bit) {
	case VFD_ROM_EMPTY:
		finding_evidence(f, "%zu bytes, none of them ROM data", info->size);
		break;
	case VFD_ROM_NO_SIGNATURE:
		finding_evidence(f, "expected 55 AA at offset 0, found %02x %02x",
				 info->first_word & 0xff, info->first_word >> 8);
		break;
	case VFD_ROM_VENDOR_HEADER:
		finding_evidence(f, "%zu bytes before the first image%s", info->start,
				 info->nvidia_header ? " (an NVIDIA \"NVGI\" header)" : "");
		finding_fix(f, "strip them: dd if=in.rom of=out.rom bs=1 skip=%zu  "
			       "(or: tail -c +%zu in.rom > out.rom)", info->start, info->start + 1);
		break;
	case VFD_ROM_BAD_PCIR:
		if (img)
			finding_evidence(f, "image %zu at 0x%zx: pointer 0x%04x leads to %s", i + 1,
					 img->offset, img->pcir_offset,
					 img->pcir_offset < 0x1a ? "the ROM header itself"
					 : img->offset + img->pcir_offset + 0x18 > info->size
					 ? "beyond the end of the data" : "no \"PCIR\" signature");
		break;
	case VFD_ROM_PCIR_UNALIGNED:
		if (img)
			finding_evidence(f, "image %zu: PCIR at +0x%x", i + 1, img->pcir_offset);
		break;
	case VFD_ROM_ZERO_LENGTH:
		if (img)
			finding_evidence(f, "image %zu at 0x%zx: %s is 0", i + 1, img->offset,
					 img->length ? "initialization size" : "image length");
		break;
	case VFD_ROM_TRUNCATED:
		if (img && !img->has_pcir)
			finding_evidence(f, "image %zu at 0x%zx: the header is cut after %zu bytes",
					 i + 1, img->offset, info->size - img->offset);
		else if (img)
			finding_evidence(f, "image %zu at 0x%zx needs %zu bytes; %zu are there",
					 i + 1, img->offset, img->length > img->init_size
					 ? img->length : img->init_size, info->size - img->offset);
		finding_fix(f, "dump it again from a card that is not the boot display, or use "
			       "the card vendor's ROM file");
		break;
	case VFD_ROM_BAD_CHECKSUM:
		if (img)
			finding_evidence(f, "image %zu: the %zu bytes sum to 0x%02x, not 0", i + 1,
					 img->init_size, img->checksum);
		finding_fix(f, "use an unmodified dump; a boot GPU's shadowed ROM is changed by "
			       "POST");
		break;
	case VFD_ROM_OVERLAP:
		if (img)
			finding_evidence(f, "image %zu: length %zu, PCIR at +0x%x, initialization "
					 "size %zu", i + 1, img->length, img->pcir_offset,
					 img->init_size);
		break;
	case VFD_ROM_BAD_EFI:
		if (img && !img->efi)
			finding_evidence(f, "image %zu at 0x%zx: code type EFI without the 0x0EF1 "
					 "signature", i + 1, img->offset);
		else if (img)
			finding_evidence(f, "image %zu at 0x%zx: driver offset 0x%x", i + 1,
					 img->offset, img->efi_image_offset);
		break;
	case VFD_ROM_NO_LAST:
		finding_evidence(f, "the chain stops at offset 0x%zx of %zu", info->end,
				 info->size);
		break;
	case VFD_ROM_TOO_MANY_IMAGES:
		finding_evidence(f, "%d images read", VFD_ROM_MAX_IMAGES);
		break;
	case VFD_ROM_TRAILING:
		finding_evidence(f, "%zu bytes after offset 0x%zx", info->trailing, info->end);
		finding_fix(f, "keep only the images: head -c %zu in.rom > out.rom", info->end);
		break;
	}
}

/* PCI class 03: display controller */
static bool is_display(uint32_t class_code)
{
	return (class_code >> 16) == 0x03;
}

const struct vfd_rom_image *vfd_rom_named_image(const struct vfd_rom_info *info)
{
	for (size_t i = 0; i < info->n_images; i++)
		if (info->images[i].has_pcir)
			return &info->images[i];
	return NULL;
}

void vfd_rom_target_of(struct vfd_rom_target *t, struct vfd_pcidev *d)
{
	const char *drv = vfd_pcidev_get_driver(d);

	t->known = true;
	snprintf(t->slot, sizeof(t->slot), "%s", vfd_pcidev_get_slot(d));
	t->vendor = vfd_pcidev_get_vendor(d);
	t->device = vfd_pcidev_get_device(d);
	t->class_code = vfd_pcidev_get_class(d);
	t->boot_vga = vfd_pcidev_get_boot_vga(d);
	snprintf(t->driver, sizeof(t->driver), "%s", drv ? drv : "");
}

/* one verdict about the device: @fix may be NULL */
static struct vfd_finding *verdict(struct vfd_report *report, const char *name,
				   enum vfd_status status, const char *slot, const char *summary,
				   const char *fix)
{
	char id[48];
	struct vfd_finding *f;

	snprintf(id, sizeof(id), ID_PREFIX "%s", name);
	f = report_add(report, id, "rom", status, slot, "%s", summary);
	if (f && fix)
		finding_fix(f, "%s", fix);
	return f;
}

/* what the device the ROM is for adds to the parse's problems */
static int judge_for_device(const struct vfd_rom_info *info, const struct vfd_rom_target *dev,
			    struct vfd_report *report)
{
	const char *slot = dev->slot[0] ? dev->slot : NULL;
	const struct vfd_rom_image *named = vfd_rom_named_image(info);
	bool gpu = is_display(dev->class_code);
	struct vfd_finding *f;

	for (size_t i = 0; i < info->n_images && !gpu; i++)
		gpu = info->images[i].has_pcir && is_display(info->images[i].class_code);
	if (dev->known && named && !vfd_rom_claims_device(info, dev->vendor, dev->device)) {
		f = verdict(report, "wrong-device", VFD_FAIL, slot,
			    "the ROM is not for this device: SeaBIOS runs only an image naming "
			    "the device's IDs, and the driver may refuse it",
			    "use the ROM of this exact card (same vendor:device and board)");
		if (!f)
			return -ENOMEM;
		finding_evidence(f, "the ROM names %04x:%04x; %s%s is %04x:%04x", named->vendor,
				 named->device, slot ? "device " : "the device", dev->slot,
				 dev->vendor, dev->device);
	}
	if (gpu && info->n_images && !vfd_rom_has_uefi(info, VFD_EFI_MACHINE_X64) &&
	    !(info->problems & (VFD_ROM_EMPTY | VFD_ROM_NO_SIGNATURE)) &&
	    !verdict(report, "no-efi-x64", VFD_WARN, slot,
		     "no usable EFI driver for x64 (GOP): under OVMF the screen stays black "
		     "until the guest's own driver loads",
		     "use SeaBIOS for this guest, or a ROM from the card vendor with a UEFI "
		     "(GOP) image"))
		return -ENOMEM;
	if (dev->from_device && dev->boot_vga == 1 &&
	    !verdict(report, "boot-vga", VFD_WARN, slot,
		     "this is the boot GPU: the kernel returns the copy the firmware shadowed "
		     "at 0xC0000, which POST may have changed or cut short",
		     "dump it with another GPU as the boot display, or use the card vendor's "
		     "ROM file"))
		return -ENOMEM;
	if (dev->from_device && strcmp(dev->driver, "vfio-pci") == 0 &&
	    vfd_rom_status(info) == VFD_FAIL &&
	    !verdict(report, "vfio-pci-in-use", VFD_INFO, slot,
		     "the device is bound to vfio-pci: while a guest uses it, its ROM reads "
		     "back as errors or garbage; stop the guest and dump again", NULL))
		return -ENOMEM;
	return 0;
}

int vfd_rom_judge(const struct vfd_rom_info *info, const struct vfd_rom_target *dev,
		  struct vfd_report *report)
{
	static const struct vfd_rom_target unknown = { .boot_vga = -1 };

	if (!info || !report)
		return -EINVAL;
	if (!dev)
		dev = &unknown;
	for (unsigned int bit = 1; bit && bit <= VFD_ROM_LAST_PROBLEM; bit <<= 1) {
		struct vfd_finding *f;

		if (!(info->problems & bit))
			continue;
		f = verdict(report, vfd_rom_problem_name(bit), vfd_rom_problem_status(bit),
			    dev->slot[0] ? dev->slot : NULL, vfd_rom_problem_text(bit), NULL);
		if (!f)
			return -ENOMEM;
		describe_problem(info, bit, f);
	}
	return judge_for_device(info, dev, report);
}
