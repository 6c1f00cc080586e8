// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dmesg time stamp ("[   12.345678] ", printk's print_time()) and the
 * proof that a line's reading does not depend on it, for the knowledge base
 * at hand. A line is the stamp S and the text T after it. The reading of
 * S + T is the reading of S' + T, its places moved by |S'| - |S|, for every
 * stamp S', when nothing that decides it looks inside the stamp:
 *   - the prefilter's words: a word found in S + T could start inside S.
 *     Each word is simulated against the stamp's grammar: if no place of a
 *     stamp can begin it (kb_stamp_may_start), a line holds it in T or not
 *     at all, whatever S is. The gates' scan finds every gate wherever it is
 *     (kb-prefilter.c skips only windows made of stamp bytes, which no kept
 *     window is), so the candidates are those whose words T holds;
 *   - the patterns that run: a match, and any step of a try, starts only
 *     where can_start() lets it (the first byte and the lead's literal
 *     text); a pattern no place of a stamp lets start reads S only through
 *     I_NOTPREV at the first byte of T, which sees S's last byte, always a
 *     blank (kb-match.c checks the candidates of each line it keeps);
 *   - the message's kind (kb-kind.c) is read from words that start after a
 *     byte that is not a word character: one that starts with a stamp byte
 *     could start in S;
 *   - the address and group taken from before the message (kb-match.c
 *     slot_from_prefix, group_from_prefix) need a ':' or an 'h' or a 'g',
 *     and a hex digit where S has its last blank: none is found in S, and
 *     the byte before T that they test is that blank for every stamp.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb-internal.h"
#include "kb-prefilter-int.h"
#include "kb-stamp.h"

size_t kb_stamp_len(const unsigned char *s, size_t len)
{
	size_t i = 1, d;

	if (len < 6 || s[0] != '[')
		return 0;
	while (i < len && s[i] == ' ')
		i++;
	for (d = i; i < len && is_digit(s[i]); i++)
		;
	if (i == d || i >= len || s[i] != '.')
		return 0;
	for (d = ++i; i < len && is_digit(s[i]); i++)
		;
	if (i == d || i + 1 >= len || s[i] != ']' || s[i + 1] != ' ')
		return 0;
	return i + 2;
}

/*
 * The stamp's grammar, as the states before each of its bytes: '[' (0),
 * blanks or the first digit (1), digits or '.' (2), the first digit after
 * it (3), digits or ']' (4), the blank at its end (5); past it, the text.
 */
enum { ST_OPEN, ST_BLANKS, ST_INT, ST_DOT, ST_FRAC, ST_CLOSE, ST_TEXT, ST_N };

struct stamp_step {
	unsigned char from, lo, hi, to;	/* from a state, a byte in [lo, hi], to a state */
};

static const struct stamp_step steps[] = {
	{ ST_OPEN, '[', '[', ST_BLANKS },	{ ST_BLANKS, ' ', ' ', ST_BLANKS },
	{ ST_BLANKS, '0', '9', ST_INT },	{ ST_INT, '0', '9', ST_INT },
	{ ST_INT, '.', '.', ST_DOT },		{ ST_DOT, '0', '9', ST_FRAC },
	{ ST_FRAC, '0', '9', ST_FRAC },		{ ST_FRAC, ']', ']', ST_CLOSE },
	{ ST_CLOSE, ' ', ' ', ST_TEXT },
};

bool kb_stamp_may_start(bool (*fits)(const void *ctx, size_t k, unsigned char b),
			const void *ctx, size_t n)
{
	/* a text may start at any byte of the stamp: every state but the text's */
	unsigned int at = (1u << ST_TEXT) - 1;

	for (size_t k = 0; k < n; k++) {
		unsigned int next = 0;

		for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
			const struct stamp_step *st = &steps[i];

			if (!(at >> st->from & 1) || next >> st->to & 1)
				continue;
			for (unsigned int b = st->lo; b <= st->hi; b++)
				if (fits(ctx, k, (unsigned char)b)) {
					next |= 1u << st->to;
					break;
				}
		}
		/* it ran on past the stamp: the rest is the line's own text */
		if (next >> ST_TEXT & 1)
			return true;
		if (!next)
			return false;
		at = next;
	}
	/* all of it inside the stamp */
	return true;
}

/* a stamp's bytes, as they are and by class */
static bool stamp_byte(unsigned char c)
{
	return c == '[' || c == ']' || c == '.' || c == ' ' || is_digit(c);
}

/* can_start(): the first byte as the program's first set, then the lead's bytes */
static bool lead_fits(const void *ctx, size_t k, unsigned char b)
{
	const struct kb_pattern *p = ctx;

	return lower(b) == (unsigned char)p->lead[k];
}

bool kb_stamp_pattern_may_start(const struct kb_pattern *p)
{
	/*
	 * a pattern that starts with a placeholder has no lead: taken as one
	 * that may (most placeholders take digits). Else its first set is its
	 * lead's first byte in either case, as lead_fits takes it.
	 */
	if (p->lead_len == 0)
		return true;
	/* most leads start with a letter: no need to walk the grammar */
	if (!stamp_byte((unsigned char)p->lead[0]))
		return false;
	return kb_stamp_may_start(lead_fits, p, p->lead_len);
}

struct word_ctx {
	const unsigned char *mapped, *cls;
};

/* a word's byte by class, as kb_word_at() compares it */
static bool word_fits(const void *ctx, size_t k, unsigned char b)
{
	const struct word_ctx *w = ctx;

	return w->cls[b] == w->mapped[k];
}

int kb_stamp_words(const struct kb_prefilter *pf, bool *pattern_word)
{
	bool *word = calloc(pf->n_words + 1, sizeof(*word));

	if (!word)
		return -ENOMEM;
	for (size_t w = 0; w < pf->n_words; w++) {
		struct word_ctx ctx = { pf->mapped[w], pf->cls };

		/* digits are '0' by class */
		word[w] = stamp_byte(pf->mapped[w][0]) &&
			  kb_stamp_may_start(word_fits, &ctx, pf->lens[w]);
		if (word[w] && pf->hint[w] >= 0) {
			free(word);
			return 1;
		}
	}
	for (size_t p = 0; p < pf->n_patterns; p++) {
		pattern_word[p] = false;
		for (uint32_t k = pf->pw_start[p]; k < pf->pw_start[p + 1]; k++)
			pattern_word[p] |= word[pf->pw[k]];
	}
	free(word);
	return 0;
}
