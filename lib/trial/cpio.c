// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The newc cpio writer for the trial's initramfs, and a reader for checking
 * one. Field layout from the kernel's init/initramfs.c (parse_header: 13
 * fields of 8 hex digits after the magic "070701").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cpio.h"

#define NEWC_MAGIC "070701"
#define HEADER_LEN 110
#define TRAILER "TRAILER!!!"

void vfd_cpio_init(struct vfd_cpio *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->ino = 1;
}

static void put(struct vfd_cpio *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len && !c->err) {
		ssize_t w = write(c->fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->err = w < 0 ? -errno : -EIO;
			return;
		}
		p += w;
		len -= (size_t)w;
	}
}

static void pad4(struct vfd_cpio *c, size_t written)
{
	static const char zeros[4];

	if (written % 4)
		put(c, zeros, 4 - written % 4);
}

static int entry(struct vfd_cpio *c, const char *name, uint32_t mode, const void *data,
		 size_t len, unsigned int rmaj, unsigned int rmin)
{
	char hdr[HEADER_LEN + 1];
	size_t namesize = strlen(name) + 1;

	if (len > 0xffffffffu || namesize > 4096)
		return c->err ? c->err : -EFBIG;
	/* magic ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check */
	snprintf(hdr, sizeof(hdr), NEWC_MAGIC "%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->ino++, mode, 0u, 0u, (mode & S_IFMT) == S_IFDIR ? 2u : 1u, 0u, (unsigned int)len,
		 0u, 0u, rmaj, rmin, (unsigned int)namesize, 0u);
	put(c, hdr, HEADER_LEN);
	put(c, name, namesize);
	pad4(c, HEADER_LEN + namesize);
	if (len) {
		put(c, data, len);
		pad4(c, len);
	}
	return c->err;
}

int vfd_cpio_dir(struct vfd_cpio *c, const char *name)
{
	return entry(c, name, S_IFDIR | 0755, NULL, 0, 0, 0);
}

int vfd_cpio_file(struct vfd_cpio *c, const char *name, mode_t perm, const void *data, size_t len)
{
	return entry(c, name, S_IFREG | (perm & 07777), data, len, 0, 0);
}

int vfd_cpio_chardev(struct vfd_cpio *c, const char *name, unsigned int major, unsigned int minor)
{
	return entry(c, name, S_IFCHR | 0600, NULL, 0, major, minor);
}

int vfd_cpio_finish(struct vfd_cpio *c)
{
	c->ino = 0;
	return entry(c, TRAILER, 0, NULL, 0, 0, 0);
}

static bool hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int d;

		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

static size_t round4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int vfd_cpio_next(const uint8_t *buf, size_t len, size_t *pos, struct vfd_cpio_entry *out)
{
	uint32_t f[13];
	size_t p = *pos, name_end, data_end;

	if (p > len || len - p < HEADER_LEN || memcmp(buf + p, NEWC_MAGIC, 6) != 0)
		return -EBADMSG;
	for (int i = 0; i < 13; i++)
		if (!hex8(buf + p + 6 + 8 * i, &f[i]))
			return -EBADMSG;
	/* f[1] mode, f[6] filesize, f[9..10] rdev, f[11] namesize */
	if (f[11] == 0 || f[11] > sizeof(out->name) || f[11] > len - p - HEADER_LEN)
		return -EBADMSG;
	if (buf[p + HEADER_LEN + f[11] - 1] != '\0')
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	memcpy(out->name, buf + p + HEADER_LEN, f[11]);
	name_end = p + round4(HEADER_LEN + f[11]);
	if (strcmp(out->name, TRAILER) == 0)
		return 0;
	if (name_end > len || f[6] > len - name_end)
		return -EBADMSG;
	data_end = name_end + f[6];
	out->mode = f[1];
	out->data = buf + name_end;
	out->size = f[6];
	out->rdev_major = f[9];
	out->rdev_minor = f[10];
	*pos = round4(data_end) <= len ? round4(data_end) : len;
	return 1;
}
