// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GNU gettext .mo files (the layout of gettext's "MO Files" section): a
 * header of 32-bit words in the writer's byte order (told by the magic),
 * then two tables of N (length, offset) pairs, the msgids' and the
 * msgstrs', each string followed by a NUL. The whole file is checked once,
 * when it is opened, so that reading a message afterwards needs no check:
 * the files come from the host, and a truncated or hostile one must only
 * be refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mo-catalogue.h"

#define MO_MAGIC	0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u
#define MO_HEADER	28u	/* magic, revision, N, O, T, hash size, hash offset */

struct mo_catalogue {
	const unsigned char *data;
	size_t size;
	bool swapped, mapped;
	uint32_t n, orig, trans;	/* count, offsets of the two tables */
};

static uint32_t word(const struct mo_catalogue *c, size_t off)
{
	uint32_t v;

	memcpy(&v, c->data + off, 4);
	return c->swapped ? __builtin_bswap32(v) : v;
}

/* entry @i of the table at @table: within the file, and a NUL right after it */
static bool string_ok(const struct mo_catalogue *c, uint32_t table, size_t i)
{
	uint64_t len = word(c, table + 8 * i), off = word(c, table + 8 * i + 4);

	return off + len < c->size && c->data[off + len] == '\0';
}

static int check(struct mo_catalogue *c)
{
	uint32_t magic, major;

	if (c->size < MO_HEADER)
		return -EBADMSG;
	memcpy(&magic, c->data, 4);
	if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
		return -EBADMSG;
	c->swapped = magic == MO_MAGIC_SWAPPED;
	/* major revisions 0 and 1 have these tables; a later one may not */
	major = word(c, 4) >> 16;
	if (major > 1)
		return -EBADMSG;
	c->n = word(c, 8);
	c->orig = word(c, 12);
	c->trans = word(c, 16);
	/* 64-bit sums: offsets near 4 GiB must not wrap */
	if ((uint64_t)c->n * 8 > c->size ||
	    (uint64_t)c->orig + (uint64_t)c->n * 8 > c->size ||
	    (uint64_t)c->trans + (uint64_t)c->n * 8 > c->size)
		return -EBADMSG;
	for (size_t i = 0; i < c->n; i++)
		if (!string_ok(c, c->orig, i) || !string_ok(c, c->trans, i))
			return -EBADMSG;
	return 0;
}

int mo_catalogue_parse(const void *buf, size_t len, struct mo_catalogue **out)
{
	struct mo_catalogue *c;
	int r;

	*out = NULL;
	if (len > MO_MAX_SIZE)
		return -EFBIG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->data = buf;
	c->size = len;
	r = check(c);
	if (r < 0) {
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

int mo_catalogue_open(const char *path, struct mo_catalogue **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), r;
	struct stat st;
	void *map;

	*out = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	/* a FIFO or device would block or never end */
	if (!S_ISREG(st.st_mode) || st.st_size < (off_t)MO_HEADER) {
		close(fd);
		return -EBADMSG;
	}
	if ((uint64_t)st.st_size > MO_MAX_SIZE) {
		close(fd);
		return -EFBIG;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	r = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	r = mo_catalogue_parse(map, (size_t)st.st_size, out);
	if (r < 0) {
		munmap(map, (size_t)st.st_size);
		return r;
	}
	(*out)->mapped = true;
	return 0;
}

void mo_catalogue_free(struct mo_catalogue *c)
{
	if (!c)
		return;
	if (c->mapped)
		munmap((void *)c->data, c->size);
	free(c);
}

size_t mo_catalogue_count(const struct mo_catalogue *c)
{
	return c ? c->n : 0;
}

int mo_catalogue_get(const struct mo_catalogue *c, size_t i, const char **msgid,
		     size_t *id_len, const char **msgstr, size_t *str_len)
{
	const char *id, *str, *eot;
	size_t il;

	if (!c || i >= c->n)
		return -ERANGE;
	/* checked at open: within the file and NUL-terminated, so strlen stays inside */
	id = (const char *)c->data + word(c, c->orig + 8 * i + 4);
	str = (const char *)c->data + word(c, c->trans + 8 * i + 4);
	il = strlen(id);
	/* "context\004msgid": the context is no part of the message */
	eot = memchr(id, '\004', il);
	if (eot) {
		il -= (size_t)(eot + 1 - id);
		id = eot + 1;
	}
	*msgid = id;
	*id_len = il;
	*msgstr = str;
	*str_len = strlen(str);
	return 0;
}
