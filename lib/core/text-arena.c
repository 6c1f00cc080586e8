// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text arena (text-arena.h): blocks of 64 KiB (or one text's size, if
 * larger), filled front to back. A knowledge base of 50,000 patterns has
 * 90,000 values; a malloc and a free each were a sixth of its start-up
 * (bench/RESULTS-explain.md, round 17).
 */
#include <stdlib.h>
#include <string.h>

#include "text-arena.h"

#define TEXT_BLOCK	65536

struct text_block {
	struct text_block *next;
	size_t used, size;
	char text[];
};

char *text_arena_room(struct text_arena *a, size_t len)
{
	struct text_block *b = a->head;
	char *t;

	if (!b || b->size - b->used < len + 1) {
		size_t size = len + 1 > TEXT_BLOCK ? len + 1 : TEXT_BLOCK;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = size;
		a->head = b;
	}
	t = b->text + b->used;
	b->used += len + 1;
	t[len] = '\0';
	return t;
}

char *text_arena_dup(struct text_arena *a, const char *s, size_t len)
{
	char *t = text_arena_room(a, len);

	if (t)
		memcpy(t, s, len);
	return t;
}

char *text_arena_append(struct text_arena *a, char *s, size_t old, char sep,
			const char *more, size_t len)
{
	struct text_block *b = a->head;
	char *t;

	/* the last text of the block being filled grows where it is */
	if (b && s + old + 1 == b->text + b->used && b->size - b->used >= len + 1) {
		b->used += len + 1;
		t = s;
	} else {
		t = text_arena_room(a, old + 1 + len);
		if (!t)
			return NULL;
		memcpy(t, s, old);
	}
	t[old] = sep;
	memcpy(t + old + 1, more, len);
	t[old + 1 + len] = '\0';
	return t;
}

void text_arena_free(struct text_arena *a)
{
	while (a->head) {
		struct text_block *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}
