// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI expansion ROMs (option ROMs, a GPU's VBIOS): a pure parser over a
 * buffer, and the sysfs read that fills one.
 *
 * Layout, from the PCI Firmware Specification 3.0 ch. 5 and UEFI 2.x 14.4.2
 * (as edk2's PCI_EXPANSION_ROM_HEADER, EFI_PCI_EXPANSION_ROM_HEADER and
 * PCI_DATA_STRUCTURE lay it out, and as the kernel's pci_get_rom_size() walks
 * it): a chain of images, each starting with 55 AA, holding at 0x18 the
 * offset of its PCI Data Structure ("PCIR"), whose image length (512-byte
 * units) leads to the next image until one has bit 7 of its indicator set.
 *
 * Every read is bounds-checked and little-endian by hand; nothing is laid
 * over the buffer, and the walk only moves forward, at most
 * VFD_ROM_MAX_IMAGES times.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "bytes.h"

/* PCI Firmware 3.0 5.1.1: the header every image starts with */
#define ROM_SIGNATURE		0xaa55	/* bytes 55 AA */
#define ROM_INIT_SIZE		0x02	/* x86: one byte; EFI: 16 bits; 512-byte units */
#define ROM_PCIR_PTR		0x18
#define ROM_HEADER_SIZE		0x1a
/* UEFI 2.x 14.4.2 Table "EFI PCI Expansion ROM Header" */
#define EFI_SIGNATURE_OFF	0x04	/* 32 bits */
#define EFI_SIGNATURE		0x0ef1
#define EFI_SUBSYSTEM		0x08
#define EFI_MACHINE		0x0a
#define EFI_COMPRESSION		0x0c
#define EFI_IMAGE_OFFSET	0x16	/* after 8 reserved bytes at 0x0e */
/* PCI Firmware 3.0 5.1.2: the PCI Data Structure */
#define PCIR_SIGNATURE		0x52494350	/* "PCIR" */
#define PCIR_VENDOR		0x04
#define PCIR_DEVICE		0x06
#define PCIR_DEVICE_LIST	0x08	/* 3.0; the VPD pointer before */
#define PCIR_LENGTH		0x0a
#define PCIR_REVISION		0x0c
#define PCIR_CLASS		0x0d	/* 3 bytes: interface, subclass, base class */
#define PCIR_IMAGE_LENGTH	0x10
#define PCIR_CODE_REVISION	0x12
#define PCIR_CODE_TYPE		0x14
#define PCIR_INDICATOR		0x15
#define PCIR_INDICATOR_LAST	0x80
#define PCIR_MIN_SIZE		0x18	/* up to the indicator and its reserved word */

#define ROM_UNIT		512

/* Does [off, off + n) lie inside a buffer of @len bytes? (no overflow) */
static bool in_buf(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

/* only 0x00 or only 0xff: erased flash, an unmapped BAR, or padding */
static bool is_padding(const uint8_t *b, size_t len)
{
	if (!len)
		return true;
	if (b[0] != 0x00 && b[0] != 0xff)
		return false;
	for (size_t i = 1; i < len; i++)
		if (b[i] != b[0])
			return false;
	return true;
}

/* 55 AA at @off and a "PCIR" where its pointer says */
static bool image_starts_at(const uint8_t *buf, size_t len, size_t off)
{
	size_t pcir;

	if (!in_buf(len, off, ROM_HEADER_SIZE) || get_le16(buf + off) != ROM_SIGNATURE)
		return false;
	pcir = get_le16(buf + off + ROM_PCIR_PTR);
	if (pcir < ROM_HEADER_SIZE || !in_buf(len, off + pcir, PCIR_MIN_SIZE))
		return false;
	return get_le32(buf + off + pcir) == PCIR_SIGNATURE;
}

/* PCI 3.0 device list: 16-bit IDs ending with 0, kept up to the array's size */
static void read_device_list(const uint8_t *buf, size_t len, size_t pcir,
			     struct vfd_rom_image *img)
{
	unsigned int ptr = get_le16(buf + pcir + PCIR_DEVICE_LIST);
	size_t pos;

	if (img->pcir_revision < 3 || ptr == 0)
		return;
	pos = pcir + ptr;
	while (img->n_device_list < VFD_ROM_MAX_DEVICE_LIST && in_buf(len, pos, 2)) {
		unsigned int id = get_le16(buf + pos);

		if (id == 0)
			return;
		img->device_list[img->n_device_list++] = (uint16_t)id;
		pos += 2;
	}
}

static void parse_x86(const uint8_t *buf, size_t len, struct vfd_rom_image *img)
{
	uint8_t sum = 0;

	img->init_size = (size_t)buf[img->offset + ROM_INIT_SIZE] * ROM_UNIT;
	if (img->init_size == 0) {
		/* nothing for the BIOS to run; the checksum would be vacuous */
		img->problems |= VFD_ROM_ZERO_LENGTH;
		return;
	}
	if (img->init_size > img->length)
		img->problems |= VFD_ROM_OVERLAP;
	if (!in_buf(len, img->offset, img->init_size)) {
		img->problems |= VFD_ROM_TRUNCATED;
		return;
	}
	for (size_t i = 0; i < img->init_size; i++)
		sum = (uint8_t)(sum + buf[img->offset + i]);
	img->checksum_known = true;
	img->checksum = sum;
	if (sum)
		img->problems |= VFD_ROM_BAD_CHECKSUM;
}

static void parse_efi(const uint8_t *buf, size_t len, struct vfd_rom_image *img)
{
	size_t off = img->offset;
	size_t pe;

	img->init_size = (size_t)get_le16(buf + off + ROM_INIT_SIZE) * ROM_UNIT;
	if (get_le32(buf + off + EFI_SIGNATURE_OFF) != EFI_SIGNATURE) {
		img->problems |= VFD_ROM_BAD_EFI;
		return;
	}
	img->efi = true;
	img->efi_subsystem = (uint16_t)get_le16(buf + off + EFI_SUBSYSTEM);
	img->efi_machine = (uint16_t)get_le16(buf + off + EFI_MACHINE);
	img->efi_compression = (uint16_t)get_le16(buf + off + EFI_COMPRESSION);
	img->efi_image_offset = (uint16_t)get_le16(buf + off + EFI_IMAGE_OFFSET);
	if (img->init_size > img->length)
		img->problems |= VFD_ROM_OVERLAP;
	pe = img->efi_image_offset;
	if (pe < ROM_HEADER_SIZE || pe >= img->length) {
		img->problems |= VFD_ROM_BAD_EFI;
		return;
	}
	/* an uncompressed driver is a PE/COFF file: "MZ" */
	if (img->efi_compression == 0 && in_buf(len, off + pe, 2) &&
	    (buf[off + pe] != 'M' || buf[off + pe + 1] != 'Z'))
		img->problems |= VFD_ROM_BAD_EFI;
}

/*
 * One image at img->offset, whose 55 AA is already checked. Returns false
 * when the walk cannot go on past it.
 */
static bool parse_image(const uint8_t *buf, size_t len, struct vfd_rom_image *img)
{
	size_t off = img->offset, pcir;

	if (!in_buf(len, off, ROM_HEADER_SIZE)) {
		img->problems |= VFD_ROM_TRUNCATED;
		return false;
	}
	img->pcir_offset = (uint16_t)get_le16(buf + off + ROM_PCIR_PTR);
	pcir = off + img->pcir_offset;
	if (img->pcir_offset < ROM_HEADER_SIZE || !in_buf(len, pcir, PCIR_MIN_SIZE) ||
	    get_le32(buf + pcir) != PCIR_SIGNATURE) {
		img->problems |= VFD_ROM_BAD_PCIR;
		return false;
	}
	img->has_pcir = true;
	/* edk2 stops at a PCIR that is not 4-byte aligned; newer kernels too */
	if (img->pcir_offset & 3)
		img->problems |= VFD_ROM_PCIR_UNALIGNED;
	img->vendor = (uint16_t)get_le16(buf + pcir + PCIR_VENDOR);
	img->device = (uint16_t)get_le16(buf + pcir + PCIR_DEVICE);
	img->pcir_length = (uint16_t)get_le16(buf + pcir + PCIR_LENGTH);
	img->pcir_revision = buf[pcir + PCIR_REVISION];
	img->class_code = (uint32_t)buf[pcir + PCIR_CLASS] |
			  (uint32_t)buf[pcir + PCIR_CLASS + 1] << 8 |
			  (uint32_t)buf[pcir + PCIR_CLASS + 2] << 16;
	img->length = (size_t)get_le16(buf + pcir + PCIR_IMAGE_LENGTH) * ROM_UNIT;
	img->code_revision = (uint16_t)get_le16(buf + pcir + PCIR_CODE_REVISION);
	img->code_type = buf[pcir + PCIR_CODE_TYPE];
	img->last = buf[pcir + PCIR_INDICATOR] & PCIR_INDICATOR_LAST;
	read_device_list(buf, len, pcir, img);
	if (img->length == 0) {
		/* the next image would be this one again: the kernel stops here too */
		img->problems |= VFD_ROM_ZERO_LENGTH;
		return false;
	}
	/* the header and PCIR belong to the image they describe */
	if ((size_t)img->pcir_offset + PCIR_MIN_SIZE > img->length)
		img->problems |= VFD_ROM_OVERLAP;
	if (img->code_type == VFD_ROM_CODE_X86)
		parse_x86(buf, len, img);
	else if (img->code_type == VFD_ROM_CODE_EFI)
		parse_efi(buf, len, img);
	if (!in_buf(len, off, img->length)) {
		img->problems |= VFD_ROM_TRUNCATED;
		return false;
	}
	return true;
}

/* the first offset past 0 where a whole image header starts, or 0 */
static size_t find_image(const uint8_t *buf, size_t len)
{
	for (size_t off = 1; off + ROM_HEADER_SIZE <= len; off++)
		if (buf[off] == 0x55 && buf[off + 1] == 0xaa && image_starts_at(buf, len, off))
			return off;
	return 0;
}

int vfd_rom_parse(const uint8_t *buf, size_t len, struct vfd_rom_info *info)
{
	size_t off;

	if (!info || (!buf && len))
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = len;
	if (len == 0 || is_padding(buf, len)) {
		info->problems |= VFD_ROM_EMPTY;
		return 0;
	}
	off = 0;
	if (!in_buf(len, 0, 2) || get_le16(buf) != ROM_SIGNATURE) {
		/* flashing tools (NVIDIA's among them) put their own header first */
		off = find_image(buf, len);
		if (!off) {
			info->problems |= VFD_ROM_NO_SIGNATURE;
			info->first_word = len >= 2 ? (uint16_t)get_le16(buf) : buf[0];
			return 0;
		}
		info->problems |= VFD_ROM_VENDOR_HEADER;
		info->nvidia_header = len >= 4 && memcmp(buf, "NVGI", 4) == 0;
	}
	info->start = off;
	info->end = off;
	for (;;) {
		struct vfd_rom_image *img;
		bool go_on;

		if (info->n_images == VFD_ROM_MAX_IMAGES) {
			info->problems |= VFD_ROM_TOO_MANY_IMAGES;
			break;
		}
		if (off >= len || !in_buf(len, off, 2) || get_le16(buf + off) != ROM_SIGNATURE) {
			/* the previous image said more follow; none does */
			info->problems |= VFD_ROM_NO_LAST;
			break;
		}
		img = &info->images[info->n_images++];
		img->offset = off;
		go_on = parse_image(buf, len, img);
		info->problems |= img->problems;
		if (!go_on) {
			/* a cut image still accounts for the bytes it covers */
			if (img->problems & VFD_ROM_TRUNCATED)
				info->end = len;
			/* a broken chain: what follows is not "after the last image" */
			return 0;
		}
		off += img->length;
		info->end = off;
		if (img->last) {
			info->complete = true;
			break;
		}
	}
	if (info->end < len) {
		info->trailing = len - info->end;
		info->trailing_padding = is_padding(buf + info->end, info->trailing);
		/* without a last image, NO_LAST already says the chain stops early */
		if (info->complete && !info->trailing_padding)
			info->problems |= VFD_ROM_TRAILING;
	}
	return 0;
}

/* fail-level problems that make an image unusable by any firmware */
#define IMAGE_BROKEN (VFD_ROM_TRUNCATED | VFD_ROM_BAD_PCIR | VFD_ROM_ZERO_LENGTH | \
		      VFD_ROM_BAD_CHECKSUM | VFD_ROM_BAD_EFI)

int vfd_rom_legacy_image(const struct vfd_rom_info *info)
{
	for (size_t i = 0; i < info->n_images; i++) {
		const struct vfd_rom_image *img = &info->images[i];

		if (img->has_pcir && img->code_type == VFD_ROM_CODE_X86 &&
		    !(img->problems & IMAGE_BROKEN))
			return (int)i;
	}
	return -ENOENT;
}

int vfd_rom_uefi_image(const struct vfd_rom_info *info, uint16_t machine)
{
	for (size_t i = 0; i < info->n_images; i++) {
		const struct vfd_rom_image *img = &info->images[i];

		if (!img->efi || (img->problems & IMAGE_BROKEN))
			continue;
		if (img->efi_subsystem != VFD_EFI_SUBSYSTEM_BOOT_DRIVER &&
		    img->efi_subsystem != VFD_EFI_SUBSYSTEM_RUNTIME_DRIVER)
			continue;
		/* OVMF carries the EBC interpreter, so byte code runs everywhere */
		if (img->efi_machine == machine || img->efi_machine == VFD_EFI_MACHINE_EBC)
			return (int)i;
	}
	return -ENOENT;
}

bool vfd_rom_has_legacy(const struct vfd_rom_info *info)
{
	return vfd_rom_legacy_image(info) >= 0;
}

bool vfd_rom_has_uefi(const struct vfd_rom_info *info, uint16_t machine)
{
	return vfd_rom_uefi_image(info, machine) >= 0;
}

bool vfd_rom_claims_device(const struct vfd_rom_info *info, uint16_t vendor, uint16_t device)
{
	for (size_t i = 0; i < info->n_images; i++) {
		const struct vfd_rom_image *img = &info->images[i];

		if (!img->has_pcir || img->vendor != vendor)
			continue;
		if (img->device == device)
			return true;
		for (size_t j = 0; j < img->n_device_list; j++)
			if (img->device_list[j] == device)
				return true;
	}
	return false;
}

static const struct {
	unsigned int bit;
	const char *name;
	enum vfd_status status;
	const char *text;
} problems[] = {
	{ VFD_ROM_EMPTY, "empty", VFD_FAIL,
	  "no data: the ROM is empty or reads as all 0x00 or all 0xff (nothing answers "
	  "behind the ROM BAR)" },
	{ VFD_ROM_NO_SIGNATURE, "no-signature", VFD_FAIL,
	  "no 55 AA signature with a PCI data structure anywhere: this is not a PCI "
	  "option ROM (the kernel logs \"Invalid PCI ROM header signature\")" },
	{ VFD_ROM_VENDOR_HEADER, "vendor-header", VFD_FAIL,
	  "the first image does not start at offset 0: a flashing tool's header comes "
	  "first, which firmware does not skip" },
	{ VFD_ROM_BAD_PCIR, "bad-pcir", VFD_FAIL,
	  "the pointer at 0x18 does not lead to a \"PCIR\" data structure inside the ROM" },
	{ VFD_ROM_PCIR_UNALIGNED, "pcir-unaligned", VFD_WARN,
	  "the PCI data structure is not 4-byte aligned: UEFI firmware (edk2, OVMF) "
	  "stops reading the ROM there" },
	{ VFD_ROM_ZERO_LENGTH, "zero-length", VFD_FAIL,
	  "an image has length 0: the chain cannot go on (it would loop on itself)" },
	{ VFD_ROM_TRUNCATED, "truncated", VFD_FAIL,
	  "an image runs past the end of the data: the ROM is truncated" },
	{ VFD_ROM_BAD_CHECKSUM, "bad-checksum", VFD_FAIL,
	  "the legacy x86 image's bytes do not sum to 0: SeaBIOS and other BIOSes "
	  "refuse it" },
	{ VFD_ROM_OVERLAP, "overlap", VFD_WARN,
	  "an image's header, data structure or initialization size reaches past the "
	  "image length, into the next image" },
	{ VFD_ROM_BAD_EFI, "bad-efi", VFD_FAIL,
	  "an EFI image has no 0x0EF1 signature or its driver offset is wrong" },
	{ VFD_ROM_NO_LAST, "no-last-image", VFD_WARN,
	  "the chain ends without an image marked last: images may be missing "
	  "(a dump cut short, or a vendor-specific layout)" },
	{ VFD_ROM_TOO_MANY_IMAGES, "too-many-images", VFD_WARN,
	  "more images than the parser follows: the rest were not read" },
	{ VFD_ROM_TRAILING, "trailing-data", VFD_WARN,
	  "data follows the last image: not part of the option ROM (another ROM, or "
	  "vendor data from a flash dump)" },
};

const char *vfd_rom_problem_name(unsigned int bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(problems); i++)
		if (problems[i].bit == bit)
			return problems[i].name;
	return NULL;
}

const char *vfd_rom_problem_text(unsigned int bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(problems); i++)
		if (problems[i].bit == bit)
			return problems[i].text;
	return NULL;
}

enum vfd_status vfd_rom_problem_status(unsigned int bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(problems); i++)
		if (problems[i].bit == bit)
			return problems[i].status;
	return VFD_OK;
}

enum vfd_status vfd_rom_status(const struct vfd_rom_info *info)
{
	enum vfd_status worst = VFD_OK;

	for (unsigned int bit = 1; bit && bit <= VFD_ROM_LAST_PROBLEM; bit <<= 1) {
		enum vfd_status s;

		if (!(info->problems & bit))
			continue;
		s = vfd_rom_problem_status(bit);
		if (s > worst)
			worst = s;
	}
	return worst;
}

const char *vfd_rom_code_type_name(uint8_t code_type)
{
	switch (code_type) {
	case VFD_ROM_CODE_X86:
		return "x86";
	case VFD_ROM_CODE_OPENFIRMWARE:
		return "open-firmware";
	case VFD_ROM_CODE_PARISC:
		return "pa-risc";
	case VFD_ROM_CODE_EFI:
		return "efi";
	}
	return NULL;
}

const char *vfd_efi_subsystem_name(uint16_t subsystem)
{
	switch (subsystem) {
	case VFD_EFI_SUBSYSTEM_APPLICATION:
		return "application";
	case VFD_EFI_SUBSYSTEM_BOOT_DRIVER:
		return "boot-service-driver";
	case VFD_EFI_SUBSYSTEM_RUNTIME_DRIVER:
		return "runtime-driver";
	}
	return NULL;
}

/* PE/COFF machine types (UEFI 2.x 2.3: the ones option ROMs use) */
const char *vfd_efi_machine_name(uint16_t machine)
{
	switch (machine) {
	case VFD_EFI_MACHINE_IA32:
		return "ia32";
	case VFD_EFI_MACHINE_X64:
		return "x64";
	case VFD_EFI_MACHINE_AARCH64:
		return "aarch64";
	case VFD_EFI_MACHINE_EBC:
		return "ebc";
	case 0x0200:
		return "ia64";
	case 0x01c2:
		return "arm";
	case 0x5064:
		return "riscv64";
	case 0x6264:
		return "loongarch64";
	}
	return NULL;
}

/* ------------------------------------------------------------ reading */

/*
 * switch the device's ROM on ("1\n") or off ("0\n") through the root's one
 * sysfs write; the kernel takes exactly "0\n" as off, a bare "0" would turn it on
 */
static int rom_write(struct vfd_root *root, const char *slot, const char *cmd)
{
	return vfd_root_writef(root, cmd, "sys/bus/pci/devices/%s/rom", slot);
}

/* read an open fd to its end, at most @max bytes; -EFBIG past that */
static int read_fd(int fd, size_t max, uint8_t **out, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	uint8_t *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t got;

		if (n == cap) {
			uint8_t *nb;

			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		got = pread(fd, buf + n, cap - n, (off_t)n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int r = -errno;

			free(buf);
			return r;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*len = n;
	return 0;
}

int vfd_rom_read(struct vfd_root *root, const char *slot, size_t max, uint8_t **buf,
		 size_t *len, unsigned int *flags)
{
	struct vfd_sighold held;
	bool turned_on = false;
	uint8_t probe;
	ssize_t n;
	int fd, r, r2;

	*buf = NULL;
	*len = 0;
	if (flags)
		*flags = 0;
	fd = vfd_root_openf(root, O_RDONLY, "sys/bus/pci/devices/%s/rom", slot);
	if (fd < 0)
		return fd;
	/* a sysroot keeps a saved image: read it, never write into the tree */
	if (!vfd_root_is_live(root)) {
		r = read_fd(fd, max, buf, len);
		close(fd);
		return r;
	}
	/*
	 * Keep SIGINT, SIGTERM and the like from ending the process while the
	 * ROM is switched on: they are delivered once it is off again.
	 */
	vfd_signals_hold(&held);
	/* reading a switched-off ROM fails with EINVAL: leave one that is on as is */
	do
		n = pread(fd, &probe, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EINVAL) {
		r = rom_write(root, slot, "1\n");
		if (r < 0)
			goto out;
		turned_on = true;
		if (flags)
			*flags |= VFD_ROM_READ_SWITCHED;
	}
	r = read_fd(fd, max, buf, len);
out:
	close(fd);
	if (turned_on) {
		r2 = rom_write(root, slot, "0\n");
		if (r2 < 0) {
			/* the state could not be put back: say so, drop the data */
			if (flags)
				*flags |= VFD_ROM_READ_LEFT_ON;
			free(*buf);
			*buf = NULL;
			*len = 0;
			if (r == 0)
				r = r2;
		}
	}
	vfd_signals_release(&held);
	return r;
}
