// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Translated strerror() texts (translated-errno.h): two small hash tables,
 * strerror()'s English texts (to pick them out of libc.mo, which holds
 * thousands of other messages) and their translations (to read a line's tail).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mo-catalogue.h"
#include "translated-errno.h"

#define ERRNO_MAX	133	/* EHWPOISON, glibc's last errno on Linux */
#define ENGLISH_SLOTS	512	/* a power of two over twice ERRNO_MAX */

struct text {
	const char *str, *id;
	uint32_t str_len, id_len;
	uint16_t lang;
};

struct errno_texts {
	const char *english[ENGLISH_SLOTS];	/* glibc's, static in the C locale */
	struct text *texts;
	size_t n, cap;
	uint32_t *slots;	/* index + 1 into texts, open addressing */
	size_t n_slots;
};

static uint32_t hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

int errno_texts_new(struct errno_texts **out)
{
	struct errno_texts *e = calloc(1, sizeof(*e));
	locale_t c;

	*out = NULL;
	if (!e)
		return -ENOMEM;
	c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!c) {
		free(e);
		return -ENOMEM;
	}
	/* the C locale's texts are glibc's own strings: they outlive the locale */
	for (int n = 1; n <= ERRNO_MAX; n++) {
		const char *s = strerror_l(n, c);
		uint32_t i;

		if (!s || strncmp(s, "Unknown error", 13) == 0)
			continue;
		for (i = hash(s, strlen(s)) & (ENGLISH_SLOTS - 1); e->english[i];
		     i = (i + 1) & (ENGLISH_SLOTS - 1))
			if (strcmp(e->english[i], s) == 0)
				break;
		e->english[i] = s;
	}
	freelocale(c);
	*out = e;
	return 0;
}

void errno_texts_free(struct errno_texts *e)
{
	if (!e)
		return;
	free(e->texts);
	free(e->slots);
	free(e);
}

size_t errno_texts_count(const struct errno_texts *e)
{
	return e ? e->n : 0;
}

static bool is_english(const struct errno_texts *e, const char *s, size_t len)
{
	for (uint32_t i = hash(s, len) & (ENGLISH_SLOTS - 1); e->english[i];
	     i = (i + 1) & (ENGLISH_SLOTS - 1))
		if (strlen(e->english[i]) == len && memcmp(e->english[i], s, len) == 0)
			return true;
	return false;
}

/* texts[k] into the slots (room is made by the caller) */
static void place(struct errno_texts *e, size_t k)
{
	uint32_t i = hash(e->texts[k].str, e->texts[k].str_len) & (uint32_t)(e->n_slots - 1);

	while (e->slots[i])
		i = (i + 1) & (uint32_t)(e->n_slots - 1);
	e->slots[i] = (uint32_t)k + 1;
}

static int grow(struct errno_texts *e)
{
	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 256;
		struct text *nt = realloc(e->texts, ncap * sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		e->texts = nt;
		e->cap = ncap;
	}
	/* at most half full */
	if (2 * (e->n + 1) > e->n_slots) {
		size_t ns = e->n_slots ? e->n_slots * 2 : 512;
		uint32_t *s = calloc(ns, sizeof(*s));

		if (!s)
			return -ENOMEM;
		free(e->slots);
		e->slots = s;
		e->n_slots = ns;
		for (size_t k = 0; k < e->n; k++)
			place(e, k);
	}
	return 0;
}

int errno_texts_add(struct errno_texts *e, const struct mo_catalogue *c, uint16_t lang)
{
	int added = 0;

	for (size_t i = 0; i < mo_catalogue_count(c); i++) {
		const char *id, *str;
		size_t il, sl;

		if (mo_catalogue_get(c, i, &id, &il, &str, &sl) < 0 || !il || !sl ||
		    sl > UINT32_MAX || !is_english(e, id, il) ||
		    (sl == il && strncasecmp(str, id, il) == 0))
			continue;
		if (grow(e) < 0)
			return -ENOMEM;
		e->texts[e->n] = (struct text){ str, id, (uint32_t)sl, (uint32_t)il, lang };
		place(e, e->n++);
		added++;
	}
	return added;
}

bool errno_texts_english(const struct errno_texts *e, const char *s, size_t len,
			 const char **id, size_t *id_len, uint16_t *lang)
{
	if (!e || !e->n)
		return false;
	for (uint32_t i = hash(s, len) & (uint32_t)(e->n_slots - 1); e->slots[i];
	     i = (i + 1) & (uint32_t)(e->n_slots - 1)) {
		const struct text *t = &e->texts[e->slots[i] - 1];

		if (t->str_len == len && memcmp(t->str, s, len) == 0) {
			*id = t->id;
			*id_len = t->id_len;
			*lang = t->lang;
			return true;
		}
	}
	return false;
}
