// SPDX-License-Identifier: GPL-2.0-or-later
/* String lists and formatting helpers. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void strv_push(struct strv_builder *b, char *s)
{
	if (!s) {
		b->oom = true;
		return;
	}
	if (b->n + 2 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 4;
		char **nv = realloc(b->v, ncap * sizeof(*nv));

		if (!nv) {
			free(s);
			b->oom = true;
			return;
		}
		b->v = nv;
		b->cap = ncap;
	}
	b->v[b->n++] = s;
	b->v[b->n] = NULL;
}

void strv_addf(struct strv_builder *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_push(b, xvasprintf(fmt, ap));
	va_end(ap);
}

int strv_append(char ***strv, char *s)
{
	/* the builder's growth, over a list whose capacity is its length */
	struct strv_builder b = { .v = *strv, .n = vfd_strv_len(*strv) };

	b.cap = b.v ? b.n + 1 : 0;
	strv_push(&b, s);
	*strv = b.v;
	return b.oom ? -ENOMEM : 0;
}

int strv_vappendf(char ***strv, const char *fmt, va_list ap)
{
	return strv_append(strv, xvasprintf(fmt, ap));
}

int strv_appendf(char ***strv, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strv_vappendf(strv, fmt, ap);
	va_end(ap);
	return r;
}

char **strv_take(struct strv_builder *b)
{
	char **v = b->v;

	if (!v)
		v = calloc(1, sizeof(*v));
	b->v = NULL;
	b->n = b->cap = 0;
	return v;
}

void strv_builder_clear(struct strv_builder *b)
{
	vfd_strv_free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

void vfd_strv_free(char **strv)
{
	if (!strv)
		return;
	for (char **p = strv; *p; p++)
		free(*p);
	free(strv);
}

size_t vfd_strv_len(char *const *strv)
{
	size_t n = 0;

	while (strv && strv[n])
		n++;
	return n;
}
