// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A log line mapped into the prefilter's byte classes, with a stamped table
 * of where each hashed trigram first occurs, so that a word is not searched
 * for at all when the line lacks its first or last trigram. The prefilter's
 * sample asks each of its lines about every word; a run asks about one or
 * two and searches the line as it is (kb-word.c).
 */
#include <string.h>

#include "kb-linemap.h"

/*
 * does @line (@len bytes, mapped) hold @word (@wlen bytes, two or more) at
 * @from or after?
 * Words are short and so are log lines: the first two bytes are compared at
 * each place at once, without a search's setup (memmem's costs more here)
 */
static bool find_word(const unsigned char *line, size_t from, size_t len,
		      const unsigned char *word, size_t wlen)
{
	uint32_t head = (uint32_t)word[0] | (uint32_t)word[1] << 8;

	for (size_t i = from; i + wlen <= len; i++) {
		uint32_t x = (uint32_t)line[i] | (uint32_t)line[i + 1] << 8;

		if (x == head && memcmp(line + i + 2, word + 2, wlen - 2) == 0)
			return true;
	}
	return false;
}

/*
 * Not searched for when the line lacks the word's first or last trigram,
 * and searched from where both can be: the first trigram where it first
 * occurs, the last one not before its first place (a trigram that shares
 * the hash of the word's occurs there or earlier, never later)
 */
bool kb_line_map_holds(const struct kb_line_map *m, const unsigned char *word, size_t wlen)
{
	uint32_t first, last;

	if (wlen < 3) {
		/* two bytes, asked of every line: most lines lack the pair */
		uint32_t b = kb_pair_hash((uint32_t)word[0] | (uint32_t)word[1] << 8);

		if (!(m->pairs[b / 64] >> (b % 64) & 1))
			return false;
		return find_word(m->line, 0, m->len, word, wlen);
	}
	first = m->tri[kb_tri_at(word)];
	last = m->tri[kb_tri_at(word + wlen - 3)];
	if (first >> 16 != m->stamp || last >> 16 != m->stamp)
		return false;
	first &= 0xffff;
	last &= 0xffff;
	if (last >= first + (wlen - 3))
		first = last - (uint32_t)(wlen - 3);
	return find_word(m->line, first, m->len, word, wlen);
}

void kb_line_map_set(struct kb_line_map *m, const unsigned char *cls, const unsigned char *s,
		     size_t len)
{
	if (++m->stamp == 0) {
		memset(m->tri, 0, sizeof(m->tri));
		m->stamp = 1;
	}
	m->len = len;
	memset(m->pairs, 0, sizeof(m->pairs));
	/*
	 * from the end, so that a trigram's place is its first one: the three
	 * mapped bytes from i in a register, as kb_tri_at() reads them
	 */
	for (size_t i = len, x = 0; i-- > 0;) {
		uint32_t c = cls[s[i]];

		m->line[i] = (unsigned char)c;
		x = (x << 8 | c) & 0xffffff;
		if (i + 2 <= len) {
			uint32_t b = kb_pair_hash((uint32_t)x & 0xffff);

			m->pairs[b / 64] |= UINT64_C(1) << (b % 64);
		}
		if (i + 3 <= len)
			m->tri[((uint32_t)x * 0x9e3779b1u) >> (32 - KB_TRI_BITS)] =
				(uint32_t)m->stamp << 16 | (uint32_t)i;
	}
}
