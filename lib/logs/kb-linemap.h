/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A log line mapped into byte classes with a table of where its trigrams
 * first occur (kb-linemap.c): for the prefilter's sample, which asks each of
 * its lines about every word of the knowledge base.
 */
#ifndef VFD_KB_LINEMAP_H
#define VFD_KB_LINEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KB_TRI_BITS	12		/* the trigrams of a line: 2^12 entries, 16 KiB */
#define KB_PAIR_BITS	12		/* its pairs of bytes: 2^12 bits, 512 bytes */

struct kb_line_map {
	unsigned char *line;		/* the line, mapped (room given by the owner) */
	size_t len;
	/*
	 * per hashed trigram of the mapped line: the kb_line_map_set() that
	 * saw it last (high 16 bits) and where it first occurs (low 16)
	 */
	uint32_t tri[1u << KB_TRI_BITS];
	/* the hashed pairs of bytes of the mapped line, set anew with each line */
	uint64_t pairs[(1u << KB_PAIR_BITS) / 64];
	uint16_t stamp;
};

/* the hash of the pair of mapped bytes @x (the first in the low byte) */
static inline uint32_t kb_pair_hash(uint32_t x)
{
	return (x * 0x9e3779b1u) >> (32 - KB_PAIR_BITS);
}

/* the hash of the trigram at @s (three bytes) */
static inline uint32_t kb_tri_at(const unsigned char *s)
{
	uint32_t x = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16;

	return (x * 0x9e3779b1u) >> (32 - KB_TRI_BITS);
}

/* map @s (@len bytes, at most 65536) by @cls into @m, and note its trigrams */
void kb_line_map_set(struct kb_line_map *m, const unsigned char *cls, const unsigned char *s,
		     size_t len);
/* does the mapped line hold @word (@wlen bytes by class, two or more)? */
bool kb_line_map_holds(const struct kb_line_map *m, const unsigned char *word, size_t wlen);
/* is @i (i + 3 <= len) the first place of the hash of the trigram there? */
static inline bool kb_line_map_first(const struct kb_line_map *m, size_t i)
{
	return (m->tri[kb_tri_at(m->line + i)] & 0xffff) == i;
}

#endif
