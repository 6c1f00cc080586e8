// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines wrapped inside a word and joined back (kb-join.h). A terminal wraps
 * at its width whatever the text there, and a mailer's or a forum's wrap at
 * a word boundary may still split a long token ("0000:01:00.0:", a path);
 * whoever joins the pieces back puts one blank where the break was. So a
 * blank is taken out only where it stands alone between two other bytes
 * (a break at a blank leaves two, which the matcher's blank runs read), and
 * a reading is kept only where the pattern's own literal text runs across
 * the join, two bytes on each side: an entry whose words the blank split.
 * So the four bytes around the join are four bytes of some pattern's text:
 * a set of the patterns' 4-grams (hashed, built on first use) leaves out
 * most blanks before any match (the bench's boot log with every line
 * distinct: 11,329 matches cost a sixth of its time without it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb-cache.h"
#include "kb-internal.h"
#include "kb-join.h"

#define GRAM_BITS	20		/* 128 KiB: a fifth full with five copies of the KB */

/* four bytes, lower case, the first in the low byte */
static inline uint32_t gram_hash(uint32_t w)
{
	return (w * 2654435761u) >> (32 - GRAM_BITS);
}

/*
 * the 4-grams of one run of literal text (no placeholder; "%%" is one '%')
 * into @g; @low: per byte its lower case, a tab as a blank
 */
static void grams_of_run(uint64_t *g, const char *t, const char *end, const unsigned char *low)
{
	uint32_t w = 0;
	unsigned int n = 0;

	for (; t < end; t++) {
		unsigned char c = (unsigned char)*t;

		if (c == '%')
			t++;
		w = w >> 8 | (uint32_t)low[c] << 24;
		if (++n >= 4) {
			uint32_t h = gram_hash(w);

			g[h >> 6] |= UINT64_C(1) << (h & 63);
		}
	}
}

/* the runs seen, by their 64-bit hash (0: an empty slot), grown as they come */
struct run_set {
	uint64_t *h;
	size_t mask, n;
};

/* twice the slots; no memory: the runs after are taken as new */
static void run_set_grow(struct run_set *s)
{
	size_t mask = s->mask << 1 | 1;
	uint64_t *h = calloc(mask + 1, sizeof(*h));

	for (size_t i = 0; h && i <= s->mask; i++) {
		size_t j = s->h[i] & mask;

		if (!s->h[i])
			continue;
		while (h[j])
			j = (j + 1) & mask;
		h[j] = s->h[i];
	}
	free(s->h);
	s->h = h;
	s->mask = mask;
}

/*
 * had @s the run @t..@end? Adds it if not. By hash alone: two distinct runs
 * of one hash would lose the second's 4-grams, about one chance in 10^9
 * with the five-fold KB's 165,030 runs
 */
static bool run_seen(struct run_set *s, const char *t, const char *end)
{
	uint64_t h;

	if (s->h && s->n >= s->mask / 4 * 3)
		run_set_grow(s);
	if (!s->h)
		return false;
	h = kb_cache_hash((const unsigned char *)t, (size_t)(end - t), 0) | 1;
	for (size_t i = h & s->mask;; i = (i + 1) & s->mask) {
		if (s->h[i] == h)
			return true;
		if (!s->h[i]) {
			s->h[i] = h;
			s->n++;
			return false;
		}
	}
}

/*
 * the 4-grams of each run of literal text of each pattern (blanks as ' '),
 * each distinct run once: the bench's five-fold KB has 165,030 runs of
 * 2.2 MB, 31,892 distinct of 1.1 MB (its copies differ in one word); the
 * built-in one about as many distinct as runs
 */
static int grams_build(struct vfd_kb *kb)
{
	uint64_t *g = calloc((size_t)1 << (GRAM_BITS - 6), sizeof(*g));
	/* no memory for the set: each run is walked */
	struct run_set seen = { calloc(4096, sizeof(uint64_t)), 4095, 0 };
	unsigned char low[256];

	if (!g) {
		free(seen.h);
		return -ENOMEM;
	}
	for (unsigned int c = 0; c < 256; c++)
		low[c] = lower(c == '\t' ? ' ' : (unsigned char)c);
	for (size_t p = 0; p < kb->n_patterns; p++) {
		const char *t = kb->entries[kb->patterns[p].entry].patterns[kb->patterns[p].index].text;

		for (;;) {
			/* the run ends at a placeholder's '%' ("%%" is a literal one) */
			const char *end = strchr(t, '%');

			while (end && end[1] == '%')
				end = strchr(end + 2, '%');
			if (!end)
				end = t + strlen(t);
			if (end > t + 3 && !run_seen(&seen, t, end))
				grams_of_run(g, t, end, low);
			if (!*end || !(t = strchr(end + 1, '%')))
				break;
			t++;
		}
	}
	free(seen.h);
	kb->join_grams = g;
	return 0;
}

/* may the four bytes around the join at @at of @s be a pattern's text? */
static bool gram_known(const struct vfd_kb *kb, const char *s, size_t at)
{
	uint32_t w = 0, h;

	for (size_t k = 0; k < 4; k++) {
		unsigned char c = (unsigned char)s[at - 2 + k];

		w |= (uint32_t)lower(c == '\t' ? ' ' : c) << (8 * k);
	}
	h = gram_hash(w);
	return kb->join_grams[h >> 6] >> (h & 63) & 1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* do the two bytes before and after @at (the join) lie in @m's literal text? */
static bool literal_across(const struct vfd_kb_match *m, size_t at)
{
	if (at < m->start + 2 || at + 2 > m->end)
		return false;
	for (size_t v = 0; v < m->n_values; v++) {
		size_t s = m->value_start[v], e = m->value_end[v];

		/* a value that takes one of them (values from the prefix have s == e) */
		if (s < e && s < at + 2 && e > at - 2)
			return false;
	}
	return true;
}

size_t kb_match_joined(struct vfd_kb *kb, const char *text, size_t len, int *r,
		       struct vfd_kb_match *m, char *out)
{
	struct vfd_kb_match jm, best;
	unsigned int floor = *r == 1 ? kb_match_rank(m->entry) : 0, best_rank = 0;
	size_t best_at = 0, tries = 0;
	int jr;

	if (*r < 0 || len > KB_JOIN_LINE_MAX || (*r == 1 && floor >= 4))
		return 0;
	if (!kb->join_grams && (jr = grams_build(kb)) < 0) {
		*r = jr;
		return 0;
	}
	for (size_t i = KB_JOIN_COLUMN_MIN; i + 1 < len && tries < KB_JOIN_TRIES_MAX; i++) {
		unsigned int rank;

		if (text[i] != ' ' || is_blank(text[i - 1]) || is_blank(text[i + 1]) || i + 2 >= len)
			continue;
		memcpy(out, text, i);
		memcpy(out + i, text + i + 1, len - i - 1);
		if (!gram_known(kb, out, i))
			continue;
		tries++;
		jr = vfd_kb_match(kb, out, len - 1, &jm);
		if (jr < 0) {
			*r = jr;
			return 0;
		}
		if (jr == 0 || jm.entry->wrapper || jm.entry->broad)
			continue;
		rank = kb_match_rank(jm.entry);
		if ((*r == 1 && rank <= floor) || rank <= best_rank || !literal_across(&jm, i))
			continue;
		best = jm;
		best_rank = rank;
		best_at = i;
		if (rank == 4)
			break;
	}
	if (!best_rank)
		return 0;
	memcpy(out, text, best_at);
	memcpy(out + best_at, text + best_at + 1, len - best_at - 1);
	best.joined = true;
	*m = best;
	*r = 1;
	return len - 1;
}
