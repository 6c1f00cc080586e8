// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The option ROM parser on real images from Debian packages (ipxe-qemu's
 * legacy + EFI ROMs, seabios' VGA BIOS; skipped when not installed), on
 * images built here, and on deliberately broken copies of both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vfd.h"
#include "tree.h"

/* Debian's paths; the environment may point elsewhere */
#define IPXE_DIR "/usr/lib/ipxe/qemu"
#define SEABIOS_DIR "/usr/share/seabios"

#define IMG 1024	/* each built image: 2 units of 512 bytes */

static void put16(uint8_t *b, size_t off, unsigned int v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	put16(b, off, v & 0xffff);
	put16(b, off + 2, v >> 16);
}

/* a PCIR for a 2-unit image of @type */
static void put_pcir(uint8_t *img, size_t at, uint8_t type, bool last)
{
	memcpy(img + at, "PCIR", 4);
	put16(img, at + 0x04, 0x10de);
	put16(img, at + 0x06, 0x1f06);
	put16(img, at + 0x0a, 0x18);
	img[at + 0x0f] = 0x03;		/* class 030000: VGA */
	put16(img, at + 0x10, IMG / 512);
	put16(img, at + 0x12, 0x0001);
	img[at + 0x14] = type;
	img[at + 0x15] = last ? 0x80 : 0x00;
}

/* make the x86 image at @img sum to 0 over its initialization size */
static void fix_checksum(uint8_t *img)
{
	size_t n = (size_t)img[2] * 512;
	uint8_t sum = 0;

	img[n - 1] = 0;
	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + img[i]);
	img[n - 1] = (uint8_t)(0x100 - sum);
}

/* A GPU-like ROM: an x86 image (10de:1f06) and an x64 EFI boot service driver. */
static void build_rom(uint8_t *rom)
{
	uint8_t *x86 = rom, *efi = rom + IMG;

	memset(rom, 0, 2 * IMG);
	x86[0] = 0x55;
	x86[1] = 0xaa;
	x86[2] = IMG / 512;
	put16(x86, 0x18, 0x20);
	put_pcir(x86, 0x20, VFD_ROM_CODE_X86, false);
	memcpy(x86 + 0x40, "VIDEO", 5);
	fix_checksum(x86);

	efi[0] = 0x55;
	efi[1] = 0xaa;
	put16(efi, 0x02, IMG / 512);
	put32(efi, 0x04, 0x0ef1);
	put16(efi, 0x08, VFD_EFI_SUBSYSTEM_BOOT_DRIVER);
	put16(efi, 0x0a, VFD_EFI_MACHINE_X64);
	put16(efi, 0x0c, 0);
	put16(efi, 0x16, 0x40);
	put16(efi, 0x18, 0x1c);
	put_pcir(efi, 0x1c, VFD_ROM_CODE_EFI, true);
	memcpy(efi + 0x40, "MZ", 2);
}

/* the finding @id of @rep, or NULL */
static const struct vfd_finding *finding(const struct vfd_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->findings[i].id, id) == 0)
			return &rep->findings[i];
	return NULL;
}

/*
 * The verdicts as findings: a good GPU ROM for its own device says nothing;
 * for another device it is rom.wrong-device; cut short and read from the boot
 * GPU on vfio-pci it is truncated, boot-vga and vfio-pci-in-use; without its
 * EFI image, no-efi-x64.
 */
static void judge(void **state)
{
	static uint8_t rom[2 * IMG];
	static struct vfd_rom_info info;
	struct vfd_rom_target dev = {
		.known = true, .slot = "0000:01:00.0", .vendor = 0x10de, .device = 0x1f06,
		.class_code = 0x030000, .boot_vga = 0, .driver = "nouveau",
	};
	struct vfd_report rep = { 0 };
	const struct vfd_finding *f;

	(void)state;
	build_rom(rom);
	assert_int_equal(vfd_rom_parse(rom, sizeof(rom), &info), 0);
	assert_int_equal(vfd_rom_judge(&info, &dev, &rep), 0);
	assert_int_equal(rep.n, 0);
	assert_int_equal(vfd_rom_judge(&info, NULL, &rep), 0);
	assert_int_equal(rep.n, 0);

	dev.device = 0x1f07;
	assert_int_equal(vfd_rom_judge(&info, &dev, &rep), 0);
	assert_int_equal(rep.n, 1);
	f = finding(&rep, "rom.wrong-device");
	assert_non_null(f);
	assert_int_equal(f->status, VFD_FAIL);
	assert_string_equal(f->layer, "rom");
	assert_string_equal(f->device, "0000:01:00.0");
	assert_string_equal(f->evidence[0],
			    "the ROM names 10de:1f06; device 0000:01:00.0 is 10de:1f07");
	assert_non_null(f->fix[0]);
	assert_int_equal(vfd_report_worst(&rep), VFD_FAIL);
	vfd_report_clear(&rep);

	dev.device = 0x1f06;
	dev.from_device = true;
	dev.boot_vga = 1;
	strcpy(dev.driver, "vfio-pci");
	assert_int_equal(vfd_rom_parse(rom, IMG + IMG / 2, &info), 0);
	assert_int_equal(vfd_rom_judge(&info, &dev, &rep), 0);
	f = finding(&rep, "rom.truncated");
	assert_non_null(f);
	assert_string_equal(f->evidence[0], "image 2 at 0x400 needs 1024 bytes; 512 are there");
	assert_non_null(finding(&rep, "rom.boot-vga"));
	assert_non_null(finding(&rep, "rom.no-efi-x64"));
	f = finding(&rep, "rom.vfio-pci-in-use");
	assert_non_null(f);
	assert_int_equal(f->status, VFD_INFO);
	/* the parse's problems first, in bit order, then the device's */
	assert_string_equal(rep.findings[0].id, "rom.truncated");
	vfd_report_clear(&rep);

	/* only an x86 image: OVMF has no GOP for this GPU */
	dev.from_device = false;
	put_pcir(rom, 0x20, VFD_ROM_CODE_X86, true);	/* the x86 image is the last */
	fix_checksum(rom);
	assert_int_equal(vfd_rom_parse(rom, IMG, &info), 0);
	assert_int_equal(vfd_rom_judge(&info, &dev, &rep), 0);
	assert_int_equal(rep.n, 1);
	assert_string_equal(rep.findings[0].id, "rom.no-efi-x64");
	assert_int_equal(rep.findings[0].status, VFD_WARN);
	vfd_report_clear(&rep);
}

static uint8_t *load(const char *envvar, const char *dir, const char *name, size_t *len)
{
	const char *d = getenv(envvar) ? getenv(envvar) : dir;
	char path[4096];
	uint8_t *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("# %s not found: install the Debian package %s to test on it\n", path,
		       strcmp(dir, IPXE_DIR) == 0 ? "ipxe-qemu" : "seabios");
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static uint8_t *load_ipxe(size_t *len)
{
	return load("VFD_TEST_IPXE_DIR", IPXE_DIR, "efi-e1000e.rom", len);
}

static void built(void **state)
{
	static uint8_t rom[2 * IMG];
	static struct vfd_rom_info info;
	const struct vfd_rom_image *x86 = &info.images[0], *efi = &info.images[1];

	build_rom(rom);
	assert_int_equal(vfd_rom_parse(rom, sizeof(rom), &info), 0);
	assert_int_equal(info.problems, 0);
	assert_int_equal(info.n_images, 2);
	assert_true(info.complete);
	assert_int_equal(info.end, sizeof(rom));
	assert_int_equal(info.trailing, 0);
	assert_int_equal(x86->offset, 0);
	assert_int_equal(x86->length, IMG);
	assert_int_equal(x86->pcir_offset, 0x20);
	assert_int_equal(x86->vendor, 0x10de);
	assert_int_equal(x86->device, 0x1f06);
	assert_int_equal(x86->class_code, 0x030000);
	assert_int_equal(x86->code_type, VFD_ROM_CODE_X86);
	assert_false(x86->last);
	assert_true(x86->checksum_known);
	assert_int_equal(x86->checksum, 0);
	assert_int_equal(x86->init_size, IMG);
	assert_int_equal(efi->offset, IMG);
	assert_true(efi->last);
	assert_true(efi->efi);
	assert_int_equal(efi->efi_subsystem, VFD_EFI_SUBSYSTEM_BOOT_DRIVER);
	assert_int_equal(efi->efi_machine, VFD_EFI_MACHINE_X64);
	assert_int_equal(efi->efi_compression, 0);
	assert_int_equal(efi->efi_image_offset, 0x40);
	assert_true(vfd_rom_has_legacy(&info));
	assert_true(vfd_rom_has_uefi(&info, VFD_EFI_MACHINE_X64));
	assert_false(vfd_rom_has_uefi(&info, VFD_EFI_MACHINE_AARCH64));
	assert_true(vfd_rom_claims_device(&info, 0x10de, 0x1f06));
	assert_false(vfd_rom_claims_device(&info, 0x10de, 0x1f07));
	assert_false(vfd_rom_claims_device(&info, 0x1002, 0x1f06));
	assert_int_equal(vfd_rom_status(&info), VFD_OK);
}

static void real_ipxe(void **state)
{
	static struct vfd_rom_info info;
	size_t len = 0;
	uint8_t *rom = load_ipxe(&len);

	if (!rom) {
		skip();
		return;
	}
	assert_int_equal(vfd_rom_parse(rom, len, &info), 0);
	assert_int_equal(info.problems, 0);
	assert_int_equal(info.n_images, 2);
	assert_true(info.complete);
	/* legacy PXE image, then an x64 EFI boot service driver */
	assert_int_equal(info.images[0].code_type, VFD_ROM_CODE_X86);
	assert_int_equal(info.images[0].vendor, 0x8086);
	assert_int_equal(info.images[0].device, 0x10d3);
	assert_int_equal(info.images[0].class_code, 0x020000);
	assert_int_equal(info.images[0].pcir_revision, 3);
	assert_int_equal(info.images[0].n_device_list, 1);
	assert_int_equal(info.images[0].device_list[0], 0x10d3);
	assert_true(info.images[0].checksum_known);
	assert_int_equal(info.images[0].checksum, 0);
	assert_false(info.images[0].last);
	assert_int_equal(info.images[1].offset, info.images[0].length);
	assert_int_equal(info.images[1].code_type, VFD_ROM_CODE_EFI);
	assert_true(info.images[1].efi);
	assert_int_equal(info.images[1].efi_subsystem, VFD_EFI_SUBSYSTEM_BOOT_DRIVER);
	assert_int_equal(info.images[1].efi_machine, VFD_EFI_MACHINE_X64);
	assert_true(info.images[1].last);
	assert_int_equal(info.end, len);
	assert_true(vfd_rom_has_legacy(&info));
	assert_true(vfd_rom_has_uefi(&info, VFD_EFI_MACHINE_X64));
	assert_true(vfd_rom_claims_device(&info, 0x8086, 0x10d3));
	free(rom);
}

static void real_vgabios(void **state)
{
	static struct vfd_rom_info info;
	size_t len = 0;
	uint8_t *rom = load("VFD_TEST_SEABIOS_DIR", SEABIOS_DIR, "vgabios-stdvga.bin", &len);

	if (!rom) {
		skip();
		return;
	}
	assert_int_equal(vfd_rom_parse(rom, len, &info), 0);
	assert_int_equal(info.problems, 0);
	assert_int_equal(info.n_images, 1);
	assert_int_equal(info.images[0].code_type, VFD_ROM_CODE_X86);
	assert_int_equal(info.images[0].vendor, 0x1234);
	assert_int_equal(info.images[0].device, 0x1111);
	assert_int_equal(info.images[0].class_code >> 16, 0x03);
	assert_true(info.images[0].last);
	assert_int_equal(info.images[0].checksum, 0);
	assert_true(vfd_rom_has_legacy(&info));
	assert_false(vfd_rom_has_uefi(&info, VFD_EFI_MACHINE_X64));
	free(rom);
}

/*
 * The corruptions, each applied to a fresh copy of @orig (the built ROM, and
 * the ipxe one when installed). @x86/@efi: offsets of the two images.
 */
static void corruptions(const uint8_t *orig, size_t len, size_t efi_off)
{
	struct vfd_rom_info *info = calloc(1, sizeof(*info));
	uint8_t *b = malloc(len + 4096);
	size_t pcir;

	assert_non_null(info);
	assert_non_null(b);
	pcir = orig[0x18] | (size_t)orig[0x19] << 8;

	/* truncated inside the EFI image: the legacy image still works */
	memcpy(b, orig, len);
	vfd_rom_parse(b, efi_off + (len - efi_off) / 2, info);
	assert_true(info->problems & VFD_ROM_TRUNCATED);
	assert_true(vfd_rom_has_legacy(info));
	assert_false(vfd_rom_has_uefi(info, VFD_EFI_MACHINE_X64));
	assert_int_equal(vfd_rom_status(info), VFD_FAIL);
	/* truncated inside the first header */
	vfd_rom_parse(b, 10, info);
	assert_true(info->problems & VFD_ROM_TRUNCATED);
	assert_false(vfd_rom_has_legacy(info));
	/* cut exactly between the images: the chain has no last image */
	vfd_rom_parse(b, efi_off, info);
	assert_true(info->problems & VFD_ROM_NO_LAST);
	assert_false(info->complete);
	assert_int_equal(vfd_rom_status(info), VFD_WARN);

	/* one flipped bit in the legacy image */
	memcpy(b, orig, len);
	b[0x100] ^= 0x01;
	vfd_rom_parse(b, len, info);
	assert_int_equal(info->problems, VFD_ROM_BAD_CHECKSUM);
	assert_int_equal(info->images[0].checksum, 0x01);
	assert_false(vfd_rom_has_legacy(info));
	assert_true(vfd_rom_has_uefi(info, VFD_EFI_MACHINE_X64));

	/* PCIR pointer past the end, into the header, and at no signature */
	memcpy(b, orig, len);
	put16(b, 0x18, 0xfff0);
	vfd_rom_parse(b, len < 0xfff0 ? len : 0x1000, info);
	assert_true(info->problems & VFD_ROM_BAD_PCIR);
	assert_int_equal(info->n_images, 1);
	assert_false(info->images[0].has_pcir);
	put16(b, 0x18, 0x04);
	vfd_rom_parse(b, len, info);
	assert_true(info->problems & VFD_ROM_BAD_PCIR);
	put16(b, 0x18, (unsigned int)pcir + 4);
	vfd_rom_parse(b, len, info);
	assert_true(info->problems & VFD_ROM_BAD_PCIR);
	assert_false(vfd_rom_has_legacy(info));
	assert_int_equal(vfd_rom_status(info), VFD_FAIL);

	/* image length 0: would loop on itself; the walk stops */
	memcpy(b, orig, len);
	put16(b, pcir + 0x10, 0);
	vfd_rom_parse(b, len, info);
	assert_true(info->problems & VFD_ROM_ZERO_LENGTH);
	assert_int_equal(info->n_images, 1);
	/* ... the same in the second image */
	memcpy(b, orig, len);
	pcir = efi_off + (b[efi_off + 0x18] | (size_t)b[efi_off + 0x19] << 8);
	put16(b, pcir + 0x10, 0);
	vfd_rom_parse(b, len, info);
	assert_true(info->problems & VFD_ROM_ZERO_LENGTH);
	assert_int_equal(info->n_images, 2);

	/* the EFI signature gone */
	memcpy(b, orig, len);
	put32(b, efi_off + 0x04, 0);
	vfd_rom_parse(b, len, info);
	assert_true(info->problems & VFD_ROM_BAD_EFI);
	assert_false(info->images[1].efi);
	assert_false(vfd_rom_has_uefi(info, VFD_EFI_MACHINE_X64));
	/* ... or its driver offset outside the image */
	memcpy(b, orig, len);
	put16(b, efi_off + 0x16, 0xfffe);
	vfd_rom_parse(b, len, info);
	assert_true(info->problems & VFD_ROM_BAD_EFI);

	/* a vendor header (NVIDIA-style) before the first image */
	memset(b, 0, 0x400);
	memcpy(b, "NVGI", 4);
	memcpy(b + 0x400, orig, len);
	vfd_rom_parse(b, len + 0x400, info);
	assert_int_equal(info->problems, VFD_ROM_VENDOR_HEADER);
	assert_int_equal(info->start, 0x400);
	assert_true(info->nvidia_header);
	assert_int_equal(info->images[0].offset, 0x400);
	assert_int_equal(info->n_images, 2);
	assert_true(vfd_rom_has_legacy(info));
	assert_int_equal(vfd_rom_status(info), VFD_FAIL);
	/* ... and an odd-sized anonymous one */
	memset(b, 0x11, 0x123);
	memcpy(b + 0x123, orig, len);
	vfd_rom_parse(b, len + 0x123, info);
	assert_int_equal(info->start, 0x123);
	assert_false(info->nvidia_header);

	/* trailing garbage, and trailing padding (not a problem) */
	memcpy(b, orig, len);
	memset(b + len, 0x5a, 4096);
	vfd_rom_parse(b, len + 4096, info);
	assert_int_equal(info->problems, VFD_ROM_TRAILING);
	assert_int_equal(info->trailing, 4096);
	assert_false(info->trailing_padding);
	assert_int_equal(vfd_rom_status(info), VFD_WARN);
	memset(b + len, 0xff, 4096);
	vfd_rom_parse(b, len + 4096, info);
	assert_int_equal(info->problems, 0);
	assert_true(info->trailing_padding);

	/* a PCIR that is not 4-byte aligned: parsed, but warned about */
	memcpy(b, orig, len);
	pcir = orig[0x18] | (size_t)orig[0x19] << 8;
	memmove(b + pcir + 2, b + pcir, 0x18);
	put16(b, 0x18, (unsigned int)pcir + 2);
	vfd_rom_parse(b, len, info);
	assert_true(info->problems & VFD_ROM_PCIR_UNALIGNED);
	assert_int_equal(info->images[0].vendor, orig[pcir + 4] | orig[pcir + 5] << 8);

	/* every prefix parses without reading past it (ASan watches) */
	for (size_t n = 0; n <= len; n += n < 4096 ? 1 : 509) {
		uint8_t *cut = malloc(n ? n : 1);

		memcpy(cut, orig, n);
		assert_int_equal(vfd_rom_parse(cut, n, info), 0);
		assert_true(info->end <= n);
		free(cut);
	}
	free(b);
	free(info);
}

static void corrupted_built(void **state)
{
	static uint8_t rom[2 * IMG];

	build_rom(rom);
	corruptions(rom, sizeof(rom), IMG);
}

static void corrupted_ipxe(void **state)
{
	static struct vfd_rom_info info;
	size_t len = 0;
	uint8_t *rom = load_ipxe(&len);

	if (!rom) {
		skip();
		return;
	}
	vfd_rom_parse(rom, len, &info);
	assert_int_equal(info.n_images, 2);
	corruptions(rom, len, info.images[1].offset);
	free(rom);
}

/* A chain of images that never ends: the walk is bounded. */
static void endless_chain(void **state)
{
	size_t n = VFD_ROM_MAX_IMAGES + 8, len = n * 512;
	uint8_t *b = calloc(1, len);
	static struct vfd_rom_info info;

	for (size_t i = 0; i < n; i++) {
		uint8_t *img = b + i * 512;

		img[0] = 0x55;
		img[1] = 0xaa;
		img[2] = 1;
		put16(img, 0x18, 0x1c);
		memcpy(img + 0x1c, "PCIR", 4);
		put16(img, 0x1c + 0x10, 1);
		fix_checksum(img);
	}
	vfd_rom_parse(b, len, &info);
	assert_int_equal(info.n_images, VFD_ROM_MAX_IMAGES);
	assert_true(info.problems & VFD_ROM_TOO_MANY_IMAGES);
	assert_false(info.complete);
	free(b);
}

static void empty(void **state)
{
	static struct vfd_rom_info info;
	uint8_t ff[4096], junk[64];

	assert_int_equal(vfd_rom_parse(NULL, 0, &info), 0);
	assert_int_equal(info.problems, VFD_ROM_EMPTY);
	memset(ff, 0xff, sizeof(ff));
	vfd_rom_parse(ff, sizeof(ff), &info);
	assert_int_equal(info.problems, VFD_ROM_EMPTY);
	assert_int_equal(info.n_images, 0);
	assert_false(vfd_rom_has_legacy(&info));
	assert_int_equal(vfd_rom_status(&info), VFD_FAIL);
	/* what the kernel calls an invalid header signature */
	memset(junk, 0, sizeof(junk));
	junk[0] = 0x34;
	junk[1] = 0x12;
	vfd_rom_parse(junk, sizeof(junk), &info);
	assert_int_equal(info.problems, VFD_ROM_NO_SIGNATURE);
	assert_int_equal(info.first_word, 0x1234);
	/* 55 AA alone is not an image */
	junk[0] = 0x55;
	junk[1] = 0xaa;
	vfd_rom_parse(junk, 2, &info);
	assert_true(info.problems & VFD_ROM_TRUNCATED);
	assert_int_equal(vfd_rom_parse(NULL, 4, &info), -EINVAL);
	assert_int_equal(vfd_rom_parse(junk, 4, NULL), -EINVAL);
}

static void names(void **state)
{
	for (unsigned int bit = 1; bit <= VFD_ROM_LAST_PROBLEM; bit <<= 1) {
		assert_non_null(vfd_rom_problem_name(bit));
		assert_non_null(vfd_rom_problem_text(bit));
		assert_true(vfd_rom_problem_status(bit) == VFD_WARN ||
			    vfd_rom_problem_status(bit) == VFD_FAIL);
	}
	assert_null(vfd_rom_problem_name(VFD_ROM_LAST_PROBLEM << 1));
	assert_string_equal(vfd_rom_code_type_name(VFD_ROM_CODE_EFI), "efi");
	assert_string_equal(vfd_rom_code_type_name(VFD_ROM_CODE_X86), "x86");
	assert_null(vfd_rom_code_type_name(0x70));
	assert_string_equal(vfd_efi_machine_name(VFD_EFI_MACHINE_X64), "x64");
	assert_string_equal(vfd_efi_machine_name(VFD_EFI_MACHINE_AARCH64), "aarch64");
	assert_string_equal(vfd_efi_subsystem_name(VFD_EFI_SUBSYSTEM_RUNTIME_DRIVER),
			    "runtime-driver");
	assert_null(vfd_efi_subsystem_name(0));
}

/* In a sysroot the rom file is a saved image: read as it is, never written. */
static void read_sysroot(void **state)
{
	static uint8_t rom[2 * IMG];
	char *dir = tree_new();
	char path[4096];
	struct vfd_root *root;
	unsigned int flags = 99;
	uint8_t *buf = NULL;
	size_t len = 0;
	FILE *f;

	build_rom(rom);
	tree_device(dir, "pci0000:00/0000:00:02.0", 0x10de, 0x1f06, 0x030000, 0, -1, false,
		    NULL, -1);
	tree_device(dir, "pci0000:00/0000:00:03.0", 0x8086, 0x10d3, 0x020000, 0, -1, false,
		    NULL, -1);
	snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/0000:00:02.0/rom", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(rom, 1, sizeof(rom), f);
	fclose(f);
	root = vfd_root_new(dir);
	assert_non_null(root);
	assert_int_equal(vfd_rom_read(root, "0000:00:02.0", 1 << 20, &buf, &len, &flags), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(len, sizeof(rom));
	assert_memory_equal(buf, rom, sizeof(rom));
	free(buf);
	/* the file is as it was: no "1" or "0" written into it */
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	assert_int_equal(ftell(f), sizeof(rom));
	fclose(f);
	/* too large for the limit */
	assert_int_equal(vfd_rom_read(root, "0000:00:02.0", 100, &buf, &len, NULL), -EFBIG);
	assert_null(buf);
	/* no ROM attribute */
	assert_int_equal(vfd_rom_read(root, "0000:00:03.0", 1 << 20, &buf, &len, NULL),
			 -ENOENT);
	assert_null(buf);
	vfd_root_unref(root);
	tree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(built),
		cmocka_unit_test(real_ipxe),
		cmocka_unit_test(real_vgabios),
		cmocka_unit_test(corrupted_built),
		cmocka_unit_test(corrupted_ipxe),
		cmocka_unit_test(endless_chain),
		cmocka_unit_test(empty),
		cmocka_unit_test(names),
		cmocka_unit_test(read_sysroot),
		cmocka_unit_test(judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
