/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An arena of NUL-terminated texts that all live as long as their owner and
 * are freed together (a knowledge base's values, the prefilter's words):
 * one malloc per 64 KiB block instead of one per string, and nothing to free
 * string by string. Internal to libvfd.
 */
#ifndef VFD_TEXT_ARENA_H
#define VFD_TEXT_ARENA_H

#include <stddef.h>

struct text_block;

struct text_arena {
	struct text_block *head;	/* the block being filled; older ones after it */
};

/* room for @len bytes and a NUL (set), or NULL */
char *text_arena_room(struct text_arena *a, size_t len);
/* a copy of the @len bytes at @s with a NUL after them, or NULL */
char *text_arena_dup(struct text_arena *a, const char *s, size_t len);
/*
 * @s (@old bytes, taken from @a) followed by @sep and the @len bytes at
 * @more: in place where @s is the last text of the arena and there is room,
 * else a new copy (the old one stays until the arena is freed); NULL
 */
char *text_arena_append(struct text_arena *a, char *s, size_t old, char sep,
			const char *more, size_t len);
void text_arena_free(struct text_arena *a);

#endif
