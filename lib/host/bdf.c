// SPDX-License-Identifier: GPL-2.0-or-later
/* Device arguments: PCI addresses and vendor:device IDs. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Exactly @digits hex digits (no sign, no 0x), value stored in *out. */
static bool hexfield(const char *s, size_t len, size_t min, size_t max, unsigned int *out)
{
	unsigned int v = 0;

	if (len < min || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (!isxdigit(c))
			return false;
		v = v * 16 + (unsigned int)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	*out = v;
	return true;
}

int vfd_bdf_parse(const char *s, struct vfd_bdf *out)
{
	const char *c1, *c2, *dot;
	struct vfd_bdf b = { 0 };

	if (!s)
		return -EINVAL;
	c1 = strchr(s, ':');
	dot = strchr(s, '.');
	if (!c1 || !dot || dot < c1)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	if (c2 && c2 < dot) {
		/* DDDD:BB:DD.F */
		if (!hexfield(s, (size_t)(c1 - s), 1, 4, &b.domain) ||
		    !hexfield(c1 + 1, (size_t)(c2 - c1 - 1), 1, 2, &b.bus) ||
		    !hexfield(c2 + 1, (size_t)(dot - c2 - 1), 1, 2, &b.dev))
			return -EINVAL;
	} else {
		/* BB:DD.F in domain 0, as lspci -s accepts */
		if (!hexfield(s, (size_t)(c1 - s), 1, 2, &b.bus) ||
		    !hexfield(c1 + 1, (size_t)(dot - c1 - 1), 1, 2, &b.dev))
			return -EINVAL;
	}
	if (!hexfield(dot + 1, strlen(dot + 1), 1, 1, &b.fn))
		return -EINVAL;
	if (b.dev > 0x1f || b.fn > 7)
		return -EINVAL;
	*out = b;
	return 0;
}

/* @v's low @digits nibbles as lower-case hex at @p; returns the end */
static char *put_hex(char *p, unsigned int v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		p[i] = hex[v & 15];
	return p + digits;
}

/*
 * "%04x:%02x:%02x.%x" written by hand: a scan formats an address a function
 * (and each VF's again), and snprintf's parsing of the format was most of it
 */
void vfd_bdf_format(const struct vfd_bdf *bdf, char *buf, size_t size)
{
	char s[13], *p = s;

	p = put_hex(p, bdf->domain & 0xffff, 4);
	*p++ = ':';
	p = put_hex(p, bdf->bus & 0xff, 2);
	*p++ = ':';
	p = put_hex(p, bdf->dev & 0x1f, 2);
	*p++ = '.';
	p = put_hex(p, bdf->fn & 7, 1);
	*p = '\0';
	if (!size)
		return;
	/* cut where it does not fit, as snprintf cuts */
	size = size < sizeof(s) ? size : sizeof(s);
	memcpy(buf, s, size - 1);
	buf[size - 1] = '\0';
}

int vfd_devspec_parse(const char *s, struct vfd_devspec *out)
{
	const char *colon;
	unsigned int v, d;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -EINVAL;
	if (vfd_bdf_parse(s, &out->bdf) == 0)
		return 0;
	/* VVVV:DDDD: exactly four hex digits each, no dot */
	colon = strchr(s, ':');
	if (!colon || strchr(s, '.'))
		return -EINVAL;
	if (!hexfield(s, (size_t)(colon - s), 4, 4, &v) ||
	    !hexfield(colon + 1, strlen(colon + 1), 4, 4, &d))
		return -EINVAL;
	out->by_id = true;
	out->vendor = (uint16_t)v;
	out->device = (uint16_t)d;
	return 0;
}
