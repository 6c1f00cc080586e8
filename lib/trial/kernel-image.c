// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The release of an x86 kernel image (bzImage), read from its setup header
 * without running it, so that --kernel FILE takes the modules of FILE's own
 * release, not the running kernel's. The header is described in the kernel's
 * Documentation/arch/x86/boot.rst: the magic "HdrS" at 0x202, the boot
 * protocol version at 0x206, and at 0x20e kernel_version, the offset less
 * 0x200 of a NUL-terminated string whose first word is the release
 * (arch/x86/boot/version.c: UTS_RELEASE " (" LINUX_COMPILE_BY ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "trial.h"
#include "vfd.h"

#define HDR_MAGIC_AT 0x202
#define HDR_VERSION_AT 0x206
#define HDR_KERNEL_VERSION_AT 0x20e
#define HDR_KERNEL_VERSION_BASE 0x200

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
