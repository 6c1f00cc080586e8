// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The release of an x86 kernel image (bzImage), read from its setup header
 * without running it, so that --kernel FILE takes the modules of FILE's own
 * release, not the running kernel's. The header is described in the kernel's
 * Documentation/arch/x86/boot.rst: the magic "HdrS" at 0x202, the boot
 * protocol version at 0x206, and at 0x20e kernel_version, the offset less
 * 0x200 of a NUL-terminated string whose first word is the release
 * (arch/x86/boot/version.c: UTS_RELEASE " (" LINUX_COMPILE_BY ...).
 *
 * Also the kernel inside the image, for a VM that is emulated (TCG): the
 * image's own decompressor, run by the emulated CPU, takes most of a nested
 * guest's boot (measured: 13.7 s of 13.7 s to /init under plain TCG, against
 * 5.0 s for the decompressed kernel). The compressed payload is named in the
 * setup header (payload_offset at 0x248, payload_length at 0x24c, protocol
 * 2.08 on); its last four bytes are the decompressed size, appended by the
 * build (scripts/Makefile.lib: size_append; arch/x86/boot/compressed/
 * mkpiggy.c reads them back). It is decompressed here; QEMU starts the ELF it holds at its PVH
 * entry point (hw/i386/x86.c, load_elfboot), an ELF note of type
 * XEN_ELFNOTE_PHYS32_ENTRY (18, include/xen/interface/elfnote.h) that kernels
 * built with CONFIG_PVH carry (arch/x86/platform/pvh/head.S).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "trial.h"
#include "unpack.h"
#include "vfd.h"

#define HDR_MAGIC_AT 0x202
#define HDR_VERSION_AT 0x206
#define HDR_KERNEL_VERSION_AT 0x20e
#define HDR_KERNEL_VERSION_BASE 0x200
#define HDR_SETUP_SECTS_AT 0x1f1
#define HDR_PAYLOAD_OFFSET_AT 0x248
#define HDR_PAYLOAD_LENGTH_AT 0x24c
#define IMAGE_MAX (128u << 20)
#define VMLINUX_MAX (512u << 20)

#define ELF_PT_NOTE 4
#define XEN_ELFNOTE_PHYS32_ENTRY 18

int vfd_trial_kernel_release(const void *image, size_t len, char *out, size_t size)
{
	const unsigned char *b = image;
	size_t at, n;

	if (size)
		out[0] = '\0';
	if (len < HDR_KERNEL_VERSION_AT + 2 || memcmp(b + HDR_MAGIC_AT, "HdrS", 4) != 0)
		return -ENOEXEC;
	/* kernel_version exists from boot protocol 2.00 on */
	if (get_le16(b + HDR_VERSION_AT) < 0x0200 || get_le16(b + HDR_KERNEL_VERSION_AT) == 0)
		return -ENODATA;
	at = (size_t)get_le16(b + HDR_KERNEL_VERSION_AT) + HDR_KERNEL_VERSION_BASE;
	if (at >= len)
		return -ENODATA;
	/* the first word, within the buffer (the string's NUL may be cut off) */
	for (n = 0; at + n < len && b[at + n] && b[at + n] != ' '; n++)
		;
	if (at + n == len)
		return -ENODATA;
	if (n == 0 || n >= size)
		return -ENODATA;
	memcpy(out, b + at, n);
	out[n] = '\0';
	if (!vfd_release_is_valid(out)) {
		out[0] = '\0';
		return -ENODATA;
	}
	return 0;
}

int vfd_trial_kernel_file_release(const char *path, char *out, size_t size)
{
	unsigned char head[65536];
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (size)
		out[0] = '\0';
	if (fd < 0)
		return -errno;
	while (got < sizeof(head)) {
		ssize_t n = read(fd, head + got, sizeof(head) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	r = vfd_trial_kernel_release(head, got, out, size);
	return r;
}

int vfd_trial_kernel_payload(const void *image, size_t len, size_t *off, size_t *plen,
			     size_t *size)
{
	const unsigned char *b = image;
	size_t setup, at, n;

	if (len < HDR_PAYLOAD_LENGTH_AT + 4 || memcmp(b + HDR_MAGIC_AT, "HdrS", 4) != 0)
		return -ENOEXEC;
	if (get_le16(b + HDR_VERSION_AT) < 0x0208)
		return -ENODATA;
	/* the protected-mode code follows the boot sector and setup_sects sectors (0 means 4) */
	setup = b[HDR_SETUP_SECTS_AT] ? b[HDR_SETUP_SECTS_AT] : 4;
	at = (setup + 1) * 512 + get_le32(b + HDR_PAYLOAD_OFFSET_AT);
	n = get_le32(b + HDR_PAYLOAD_LENGTH_AT);
	if (n <= 4 || at >= len || n > len - at)
		return -ENODATA;
	*off = at;
	*plen = n - 4;
	*size = get_le32(b + at + n - 4);
	return 0;
}

/* ELF64 little-endian, x86-64 (EM_X86_64 62): the program headers' PT_NOTE segments */
int vfd_trial_elf_pvh_entry(const void *elf, size_t len, uint32_t *entry)
{
	const unsigned char *b = elf;
	uint64_t phoff;
	unsigned int phentsize, phnum;

	if (len < 64 || memcmp(b, "\177ELF", 4) != 0 || b[4] != 2 || b[5] != 1 ||
	    get_le16(b + 18) != 62)
		return -ENOEXEC;
	phoff = get_le64(b + 32);
	phentsize = get_le16(b + 54);
	phnum = get_le16(b + 56);
	if (phentsize < 56 || phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return -ENOEXEC;
	for (unsigned int i = 0; i < phnum; i++) {
		const unsigned char *ph = b + phoff + (uint64_t)i * phentsize;
		uint64_t at = get_le64(ph + 8), size = get_le64(ph + 32), end;

		if (get_le32(ph) != ELF_PT_NOTE || at > len || size > len - at)
			continue;
		/* each note: namesz, descsz, type, then name and desc, each padded to 4 */
		for (end = at + size; end - at >= 12;) {
			uint64_t namesz = get_le32(b + at), descsz = get_le32(b + at + 4);
			uint32_t type = get_le32(b + at + 8);
			uint64_t name = at + 12, desc = name + ((namesz + 3) & ~3ull);

			if (desc > end || ((descsz + 3) & ~3ull) > end - desc)
				break;
			if (namesz == 4 && memcmp(b + name, "Xen", 4) == 0 &&
			    type == XEN_ELFNOTE_PHYS32_ENTRY && descsz >= 4) {
				*entry = get_le32(b + desc);
				return 0;
			}
			at = desc + ((descsz + 3) & ~3ull);
		}
	}
	return -ENOENT;
}

int vfd_trial_kernel_write_pvh(const char *image_path, const char *out_path)
{
	char *image = NULL, *elf = NULL;
	size_t len = 0, off = 0, plen = 0, size = 0, elf_len = 0, done = 0;
	uint32_t entry;
	int fd, r;

	r = vfd_slurp(image_path, IMAGE_MAX, &image, &len);
	if (r == 0)
		r = vfd_trial_kernel_payload(image, len, &off, &plen, &size);
	if (r == 0)
		r = vfd_decompress(image + off, plen, VMLINUX_MAX, &elf, &elf_len);
	free(image);
	/* the size the build appended: a payload decompressed whole */
	if (r == 0 && elf_len != size)
		r = -EIO;
	if (r == 0)
		r = vfd_trial_elf_pvh_entry(elf, elf_len, &entry);
	if (r < 0) {
		free(elf);
		return r;
	}
	fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		free(elf);
		return r;
	}
	while (done < elf_len) {
		ssize_t n = write(fd, elf + done, elf_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	free(elf);
	if (r < 0)
		unlink(out_path);
	return r;
}
