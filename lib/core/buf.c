// SPDX-License-Identifier: GPL-2.0-or-later
/* The text buffer of buf.h (strv.c holds the string lists). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* room for @n more bytes and the NUL; false (and ->oom) when there is none */
static bool tbuf_reserve(struct tbuf *b, size_t n)
{
	size_t ncap = b->cap ? b->cap : 256;
	char *np;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	while (ncap < b->len + n + 1)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (!np) {
		b->oom = true;
		return false;
	}
	b->p = np;
	b->cap = ncap;
	return true;
}

void tbuf_add(struct tbuf *b, const char *s, size_t n)
{
	if (!tbuf_reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void tbuf_adds(struct tbuf *b, const char *s)
{
	tbuf_add(b, s, strlen(s));
}

/* formatted straight into the buffer: measured first, then written */
void tbuf_addf(struct tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!tbuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *tbuf_take(struct tbuf *b, size_t *len)
{
	char *p;

	/* an empty result is still a string */
	if (!b->oom && !b->p)
		tbuf_add(b, "", 0);
	if (b->oom) {
		tbuf_clear(b);
		return NULL;
	}
	p = b->p;
	if (len)
		*len = b->len;
	memset(b, 0, sizeof(*b));
	return p;
}

void tbuf_clear(struct tbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int array_reserve_raw(void **items, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t ncap = *cap ? *cap : (first ? first : 1);
	void *nv;

	if (n < *cap)
		return 0;
	while (ncap <= n) {
		if (ncap > SIZE_MAX / 2 / size)
			return -ENOMEM;
		ncap *= 2;
	}
	nv = realloc(*items, ncap * size);
	if (!nv)
		return -ENOMEM;
	*items = nv;
	*cap = ncap;
	return 0;
}

int array_reserve(void **items, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t old = *cap;
	int r = array_reserve_raw(items, cap, n, size, first);

	if (r == 0 && *cap > old)
		memset((char *)*items + old * size, 0, (*cap - old) * size);
	return r;
}
