// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the option ROM parser and its verdicts over arbitrary bytes. */
#include "vfd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vfd_rom_info info;
	volatile size_t sink = 0;

	if (vfd_rom_parse(data, size, &info) < 0)
		return 0;
	/* what a caller reads: every field of every image */
	if (info.end > size || info.start > size || info.n_images > VFD_ROM_MAX_IMAGES)
		__builtin_trap();
	for (size_t i = 0; i < info.n_images; i++) {
		const struct vfd_rom_image *img = &info.images[i];

		if (img->n_device_list > VFD_ROM_MAX_DEVICE_LIST || img->offset >= size)
			__builtin_trap();
		sink += img->length + img->init_size + img->vendor + img->device;
		sink += img->class_code + img->efi_machine + img->efi_subsystem + img->checksum;
		for (size_t j = 0; j < img->n_device_list; j++)
			sink += img->device_list[j];
		vfd_rom_code_type_name(img->code_type);
		vfd_efi_machine_name(img->efi_machine);
		vfd_efi_subsystem_name(img->efi_subsystem);
	}
	vfd_rom_has_legacy(&info);
	vfd_rom_has_uefi(&info, VFD_EFI_MACHINE_X64);
	vfd_rom_claims_device(&info, 0x10de, 0x1f06);
	vfd_rom_status(&info);
	/* the verdicts, for a GPU read from its device: every finding the judge can make */
	{
		static const struct vfd_rom_target gpu = {
			.known = true, .from_device = true, .slot = "0000:01:00.0",
			.vendor = 0x10de, .device = 0x1f06, .class_code = 0x030000,
			.boot_vga = 1, .driver = "vfio-pci",
		};
		struct vfd_report rep = { 0 };

		if (vfd_rom_judge(&info, &gpu, &rep) == 0)
			for (size_t i = 0; i < rep.n; i++)
				if (!vfd_finding_kind_find(rep.findings[i].id))
					__builtin_trap();
		vfd_report_clear(&rep);
	}
	(void)sink;
	return 0;
}
