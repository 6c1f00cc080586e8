// SPDX-License-Identifier: GPL-2.0-or-later
/* String lists and formatting helpers. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "internal.h"

char *xasprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
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
	char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	strv_push(b, r < 0 ? NULL : s);
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
