/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvfd: option ROM images. Include "vfd.h", not this file. */
#ifndef LIBVFD_ROM_H
#define LIBVFD_ROM_H

#include "vfd-root.h"
#include "vfd-findings.h"


/* ------------------------------------------------------------ rom */

/* PCI Firmware 3.0 5.1.2 code types */
#define VFD_ROM_CODE_X86		0x00	/* Intel x86, PC-AT compatible (legacy BIOS) */
#define VFD_ROM_CODE_OPENFIRMWARE	0x01
#define VFD_ROM_CODE_PARISC		0x02	/* HP PA-RISC */
#define VFD_ROM_CODE_EFI		0x03
/* UEFI 2.x 14.4.2: the EFI image header's subsystem and machine type */
#define VFD_EFI_SUBSYSTEM_APPLICATION		10
#define VFD_EFI_SUBSYSTEM_BOOT_DRIVER		11
#define VFD_EFI_SUBSYSTEM_RUNTIME_DRIVER	12
#define VFD_EFI_MACHINE_IA32		0x014c
#define VFD_EFI_MACHINE_X64		0x8664
#define VFD_EFI_MACHINE_AARCH64		0xaa64
#define VFD_EFI_MACHINE_EBC		0x0ebc

/* What can be wrong with a ROM; bits of vfd_rom_info.problems and image.problems. */
#define VFD_ROM_EMPTY			(1u << 0)	/* no data, or all 0x00 / 0xff */
#define VFD_ROM_NO_SIGNATURE		(1u << 1)	/* no 55 AA + PCIR anywhere */
#define VFD_ROM_VENDOR_HEADER		(1u << 2)	/* first image at start > 0 */
#define VFD_ROM_BAD_PCIR		(1u << 3)	/* pointer at 0x18 leads to no "PCIR" */
#define VFD_ROM_PCIR_UNALIGNED		(1u << 4)
#define VFD_ROM_ZERO_LENGTH		(1u << 5)	/* image or x86 init size of 0 */
#define VFD_ROM_TRUNCATED		(1u << 6)
#define VFD_ROM_BAD_CHECKSUM		(1u << 7)	/* x86 image */
#define VFD_ROM_OVERLAP			(1u << 8)	/* header/PCIR/init size past the image */
#define VFD_ROM_BAD_EFI			(1u << 9)	/* no 0x0EF1, or bad driver offset */
#define VFD_ROM_NO_LAST			(1u << 10)	/* chain ends with no "last" image */
#define VFD_ROM_TOO_MANY_IMAGES		(1u << 11)
#define VFD_ROM_TRAILING		(1u << 12)	/* non-padding data after the chain */
#define VFD_ROM_LAST_PROBLEM		VFD_ROM_TRAILING

#define VFD_ROM_MAX_IMAGES		32
#define VFD_ROM_MAX_DEVICE_LIST		16

struct vfd_rom_image {
	size_t offset;			/* of its 55 AA, from the start of the buffer */
	size_t length;			/* PCIR image length in bytes */
	unsigned int problems;		/* VFD_ROM_* found in this image */
	bool has_pcir;			/* the fields below this are valid */
	uint16_t pcir_offset;		/* the pointer at 0x18 */
	uint16_t vendor, device;
	uint16_t device_list[VFD_ROM_MAX_DEVICE_LIST];	/* PCIR revision 3 */
	size_t n_device_list;
	uint32_t class_code;		/* base class << 16 | subclass << 8 | interface */
	uint8_t pcir_revision;
	uint16_t pcir_length;
	uint16_t code_revision;
	uint8_t code_type;		/* VFD_ROM_CODE_*, or another value */
	bool last;			/* bit 7 of the indicator */
	size_t init_size;		/* x86 and EFI: initialization size in bytes */
	bool checksum_known;		/* x86: the init size lies inside the buffer */
	uint8_t checksum;		/* x86: byte sum over init_size, 0 when right */
	bool efi;			/* EFI: 0x0EF1 signature present, fields valid */
	uint16_t efi_subsystem, efi_machine, efi_compression, efi_image_offset;
};

struct vfd_rom_info {
	size_t size;			/* bytes given */
	size_t start;			/* offset of the first image: > 0 after a vendor header */
	size_t end;			/* just past the last image walked */
	bool complete;			/* the walk reached an image marked last */
	size_t trailing;		/* bytes after end */
	bool trailing_padding;		/* ... all 0x00 or all 0xff */
	bool nvidia_header;		/* the header before start begins with "NVGI" */
	uint16_t first_word;		/* with VFD_ROM_NO_SIGNATURE: what 55 AA should be */
	unsigned int problems;		/* union of every VFD_ROM_* found */
	size_t n_images;
	struct vfd_rom_image images[VFD_ROM_MAX_IMAGES];
};

/*
 * vfd_rom_parse - walk the image chain of a PCI expansion ROM held in memory
 * @buf, @len: the ROM (a file, or what sysfs returned); not modified, no
 *             pointer into it is kept.
 * @info: filled whole; no allocation. A ROM that starts with something other
 *        than 55 AA is searched for its first image (a flashing tool's header;
 *        info->start says where to cut).
 * Returns: 0 (what is wrong is in info->problems), -EINVAL for a NULL @info,
 *          or a NULL @buf with @len > 0.
 */
int vfd_rom_parse(const uint8_t *buf, size_t len, struct vfd_rom_info *info);
/* an x86 image, whole and with a right checksum: SeaBIOS can run it */
bool vfd_rom_has_legacy(const struct vfd_rom_info *info);
/*
 * an EFI boot service or runtime driver, whole, for @machine
 * (VFD_EFI_MACHINE_X64 for OVMF) or for EBC, which OVMF interprets
 */
bool vfd_rom_has_uefi(const struct vfd_rom_info *info, uint16_t machine);
/* index of the image vfd_rom_has_legacy() / vfd_rom_has_uefi() found, or -ENOENT */
int vfd_rom_legacy_image(const struct vfd_rom_info *info);
int vfd_rom_uefi_image(const struct vfd_rom_info *info, uint16_t machine);
/* true when an image names @vendor and @device (in its PCIR or device list) */
bool vfd_rom_claims_device(const struct vfd_rom_info *info, uint16_t vendor, uint16_t device);
/* the worst vfd_rom_problem_status() of info->problems (VFD_OK when none) */
enum vfd_status vfd_rom_status(const struct vfd_rom_info *info);
/* one problem bit: stable name ("truncated"), one plain sentence, severity */
const char *vfd_rom_problem_name(unsigned int bit);
const char *vfd_rom_problem_text(unsigned int bit);
enum vfd_status vfd_rom_problem_status(unsigned int bit);
/* "x86", "open-firmware", "pa-risc", "efi"; NULL for other values */
const char *vfd_rom_code_type_name(uint8_t code_type);
/* "application", "boot-service-driver", "runtime-driver"; NULL otherwise */
const char *vfd_efi_subsystem_name(uint16_t subsystem);
/* "x64", "ia32", "aarch64", "ebc", ...; NULL when unknown */
const char *vfd_efi_machine_name(uint16_t machine);

/* the first image with a PCI data structure: the IDs the ROM names; or NULL */
const struct vfd_rom_image *vfd_rom_named_image(const struct vfd_rom_info *info);

/* the device a ROM is judged for: the one it was read from, or rom info --device */
struct vfd_rom_target {
	bool known;			/* vendor and device are known */
	bool from_device;		/* the ROM was read from this device */
	char slot[16];			/* "" when only IDs were given */
	uint16_t vendor, device;
	uint32_t class_code;
	int boot_vga;			/* 1, 0, or -1 when unknown */
	char driver[64];		/* "" when unbound or unknown */
};

/* @t from the host's device @d (known; from_device is left as it was) */
void vfd_rom_target_of(struct vfd_rom_target *t, struct vfd_pcidev *d);
/*
 * vfd_rom_judge - the verdicts on a parsed ROM, appended to @report as
 * findings of layer "rom" with ids "rom.NAME": one per problem of the parse
 * (vfd_rom_problem_name(), its status and text, the numbers behind it as
 * evidence, a fix where one helps), then what @dev adds: rom.wrong-device,
 * rom.no-efi-x64 (a GPU ROM), rom.boot-vga and rom.vfio-pci-in-use (read from
 * the device). @dev may be NULL (nothing known of the device).
 * Returns: 0, -EINVAL for a NULL @info or @report, -ENOMEM.
 */
int vfd_rom_judge(const struct vfd_rom_info *info, const struct vfd_rom_target *dev,
		  struct vfd_report *report);

#define VFD_ROM_READ_SWITCHED	1u	/* the ROM was off: switched on, then off again */
#define VFD_ROM_READ_LEFT_ON	2u	/* switching it off again failed */

/*
 * vfd_rom_read - the expansion ROM of the device @slot ("0000:01:00.0")
 * On the live host: when reading sys/bus/pci/devices/SLOT/rom says the ROM is
 * off (EINVAL), writes "1\n" to it, reads it to the end and writes "0\n",
 * with SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE blocked in between so
 * that they arrive only once the ROM is off again. A ROM that was already on
 * is left on. In a sysroot the rom file is a saved image: it is read, never
 * written.
 * @max: largest size accepted; @flags: VFD_ROM_READ_* (may be NULL).
 * Returns: 0 with *buf (caller frees) and *len; -ENOENT when the device has
 *          no ROM attribute (no ROM BAR); -EACCES/-EPERM without root; -EIO
 *          when the kernel finds no valid ROM (see the kernel log) or the
 *          device does not answer; -EFBIG past @max; on failure *buf is NULL.
 */
int vfd_rom_read(struct vfd_root *root, const char *slot, size_t max, uint8_t **buf,
		 size_t *len, unsigned int *flags);

#endif
