// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel log: /dev/kmsg records (Documentation/ABI/testing/dev-kmsg:
 * "prio,seq,usec,flags[,more];text", continuation lines start with a space)
 * or dmesg text ("[    1.234567] text"), one decoder for both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define KMSG_MAX (64u << 20)

static int push_line(struct vfd_kmsg *out, size_t *cap, int level, uint64_t usec,
		     const char *text, size_t len)
{
	struct vfd_kmsg_line *l;

	if (array_reserve((void **)&out->lines, cap, out->n, sizeof(*out->lines), 256) < 0)
		return -ENOMEM;
	l = &out->lines[out->n];
	l->text = strndup(text, len);
	if (!l->text)
		return -ENOMEM;
	l->level = level;
	l->usec = usec;
	out->n++;
	return 0;
}

/* "prio,seq,usec,flags;" -> level and usec; returns the text start or NULL */
static const char *parse_record_header(const char *s, const char *end, int *level,
				       uint64_t *usec)
{
	uint64_t field[3] = { 0, 0, 0 };
	int i = 0;
	const char *p = s;

	for (; i < 3; i++) {
		bool digits = false;

		while (p < end && *p >= '0' && *p <= '9') {
			if (field[i] > (UINT64_MAX - 9) / 10)
				return NULL;
			field[i] = field[i] * 10 + (uint64_t)(*p - '0');
			p++;
			digits = true;
		}
		if (!digits || p >= end || *p != ',')
			return NULL;
		p++;
	}
	/* flags and optional further fields up to ';' */
	while (p < end && *p != ';') {
		if (*p == ' ' || *p == '[')
			return NULL;
		p++;
	}
	if (p >= end)
		return NULL;
	*level = (int)(field[0] & 7);
	*usec = field[2];
	return p + 1;
}

/* "[    1.234567] " -> usec; returns the text start or NULL */
static const char *parse_dmesg_stamp(const char *s, const char *end, uint64_t *usec)
{
	const char *p = s + 1;
	uint64_t sec = 0, frac = 0;
	int fdigits = 0;

	if (p >= end || *s != '[')
		return NULL;
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return NULL;
	while (p < end && *p >= '0' && *p <= '9') {
		if (sec > UINT64_MAX / 20)
			return NULL;
		sec = sec * 10 + (uint64_t)(*p++ - '0');
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			if (fdigits < 6) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fdigits++;
			}
			p++;
		}
	}
	if (p >= end || *p != ']')
		return NULL;
	while (fdigits++ < 6)
		frac *= 10;
	*usec = sec * 1000000 + frac;
	p++;
	if (p < end && *p == ' ')
		p++;
	return p;
}

int vfd_kmsg_parse(const char *buf, size_t len, struct vfd_kmsg *out)
{
	const char *p = buf, *end = buf + len;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *text;
		int level = -1;
		uint64_t usec = 0;

		/* kmsg continuation lines (" KEY=value") carry device metadata */
		if (p < eol && *p == ' ') {
			p = eol + 1;
			continue;
		}
		text = parse_record_header(p, eol, &level, &usec);
		if (!text) {
			level = -1;
			text = parse_dmesg_stamp(p, eol, &usec);
			if (!text) {
				usec = 0;
				text = p;
			}
		}
		if (eol > text && eol[-1] == '\r')
			eol--;
		if (eol > text && push_line(out, &cap, level, usec, text, (size_t)(eol - text)) < 0) {
			vfd_kmsg_clear(out);
			return -ENOMEM;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* /dev/kmsg hands out one record per read(); EAGAIN marks the end. */
static int read_live(struct vfd_root *root, char **out, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf;
	int fd;

	fd = vfd_root_openat(root, "dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t got;

		if (cap - n < 8192) {
			char *nb;

			if (cap >= KMSG_MAX)
				break;
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			/* EPIPE: the ring overwrote the record we were at; go on */
			if (errno == EPIPE)
				continue;
			if (errno == EAGAIN)
				break;
			if (n == 0) {
				int r = -errno;

				free(buf);
				close(fd);
				return r;
			}
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int vfd_kmsg_read(struct vfd_root *root, struct vfd_kmsg *out)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (vfd_root_is_live(root))
		r = read_live(root, &buf, &len);
	else
		r = vfd_root_read_filef(root, KMSG_MAX, &buf, &len, "dev/kmsg");
	if (r < 0)
		return r;
	r = vfd_kmsg_parse(buf, len, out);
	free(buf);
	return r;
}

void vfd_kmsg_clear(struct vfd_kmsg *kmsg)
{
	for (size_t i = 0; i < kmsg->n; i++)
		free(kmsg->lines[i].text);
	free(kmsg->lines);
	memset(kmsg, 0, sizeof(*kmsg));
}

const struct vfd_kmsg_line *vfd_kmsg_find(const struct vfd_kmsg *kmsg, const char *needle,
					  size_t *pos)
{
	size_t i = pos ? *pos : 0;

	for (; i < kmsg->n; i++) {
		if (strstr(kmsg->lines[i].text, needle)) {
			if (pos)
				*pos = i + 1;
			return &kmsg->lines[i];
		}
	}
	if (pos)
		*pos = kmsg->n;
	return NULL;
}
