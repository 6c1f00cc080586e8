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

/* the top bit of each byte of @x that is not an ASCII digit */
static inline uint64_t not_digits(uint64_t x)
{
	/* zero in the bytes whose high half is 3 and low half 9 or less */
	uint64_t t = ((x & UINT64_C(0xf0f0f0f0f0f0f0f0)) ^ UINT64_C(0x3030303030303030)) |
		     (((x & UINT64_C(0x0f0f0f0f0f0f0f0f)) + UINT64_C(0x0606060606060606)) &
		      UINT64_C(0xf0f0f0f0f0f0f0f0));

	return (((t & UINT64_C(0x7f7f7f7f7f7f7f7f)) + UINT64_C(0x7f7f7f7f7f7f7f7f)) | t) &
	       UINT64_C(0x8080808080808080);
}

/*
 * the end of the run of digits of @s (@len bytes) from @i: eight bytes at a
 * time where the line has them
 */
static inline size_t digits_end(const unsigned char *s, size_t len, size_t i)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; i + 8 <= len; i += 8) {
		uint64_t x, t;

		memcpy(&x, s + i, 8);
		t = not_digits(x);
		if (t)
			return i + (size_t)(__builtin_ctzll(t) >> 3);
	}
#endif
	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

/*
 * printk's own stamp, "[%5lu.%06lu] " (15 bytes while the seconds have five
 * digits or fewer): nearly every stamp, checked in place (a byte at a time,
 * the grammar below was most of the cost of a line the cache of readings
 * answers, kb-match.c cache_key). True only where the grammar reads 15.
 */
static inline bool printk_stamp(const unsigned char *s, size_t len)
{
	size_t k = 1;

	if (len < 15 || s[0] != '[' || s[6] != '.' || s[13] != ']' || s[14] != ' ')
		return false;
	while (k < 5 && s[k] == ' ')
		k++;
	while (k < 6 && is_digit(s[k]))
		k++;
	if (k < 6)
		return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		uint64_t x;

		memcpy(&x, s + 7, 8);
		/* the six digits; the last two bytes are "] " */
		return !(not_digits(x) & UINT64_C(0x0000808080808080));
	}
#else
	for (k = 7; k < 13; k++)
		if (!is_digit(s[k]))
			return false;
	return true;
#endif
}

size_t kb_stamp_len_slow(const unsigned char *s, size_t len)
{
	size_t i = 1, d;

	if (printk_stamp(s, len))
		return 15;
	if (len < 6 || s[0] != '[')
		return 0;
	while (i < len && s[i] == ' ')
		i++;
	d = i;
	i = digits_end(s, len, i);
	if (i == d || i >= len || s[i] != '.')
		return 0;
	d = ++i;
	i = digits_end(s, len, i);
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

/* may an instruction that tests the byte before (I_NOTPREV of @k) pass at @state? */
static bool notprev_may_pass(const struct vfd_kb *kb, uint8_t k, unsigned int state)
{
	static const char *const before[ST_N] = {
		[ST_BLANKS] = "[ ", [ST_INT] = "0", [ST_DOT] = ".", [ST_FRAC] = "0",
		[ST_CLOSE] = "]", [ST_TEXT] = " ",
	};

	/* the line's first byte: nothing before it */
	if (state == ST_OPEN)
		return true;
	for (const char *b = before[state]; *b; b++)
		if (!kb_in_class(kb, k, (unsigned char)*b))
			return true;
	return false;
}

/*
 * where an instruction that takes no byte leads (@to: 0 to 2 places); an
 * I_NOTPREV where @notprev_passes, an I_NOTNEXT always (the byte after may
 * be the text's)
 */
static unsigned int successors(const struct inst *in, uint32_t pc, bool notprev_passes,
			       uint32_t *to)
{
	switch (in->op) {
	case I_SPLIT:
		to[0] = in->x;
		to[1] = in->y;
		return 2;
	case I_JMP:
		to[0] = in->x;
		return 1;
	case I_NOTPREV:
		to[0] = pc + 1;
		return notprev_passes;
	case I_SAVE:
	case I_NOTNEXT:
		to[0] = pc + 1;
		return 1;
	}
	return 0;
}

static void byte_add(uint64_t *set, unsigned int b)
{
	set[b >> 6] |= UINT64_C(1) << (b & 63);
}

/*
 * the bytes the line's text may start with where a match under way left the
 * stamp at @pc: the bytes the instructions reachable from it without input
 * take (all of them where it may match there); the byte before is the
 * stamp's blank
 */
static void text_may_start(const struct vfd_kb *kb, const struct kb_pattern *p, uint32_t pc,
			   uint8_t *seen, uint32_t *todo, uint64_t *next)
{
	size_t top = 0;

	if (pc >= p->n_prog || seen[pc])
		return;
	seen[pc] = 1;
	todo[top++] = pc;
	while (top) {
		const struct inst *in = &p->prog[todo[--top]];
		uint32_t at = todo[top], to[2];
		unsigned int n_to = 0;

		switch (in->op) {
		case I_CHAR:
			byte_add(next, in->arg);
			if (in->arg >= 'a' && in->arg <= 'z')
				byte_add(next, in->arg - 32u);
			break;
		case I_CLASS:
			for (unsigned int b = 0; b < 256; b++)
				if (kb_in_class(kb, in->arg, (unsigned char)b))
					byte_add(next, b);
			break;
		case I_MATCH:	/* whatever the text is */
			memset(next, 0xff, 4 * sizeof(*next));
			break;
		default:
			n_to = successors(in, at, !kb_in_class(kb, in->arg, ' '), to);
			break;
		}
		for (unsigned int k = 0; k < n_to; k++)
			if (to[k] < p->n_prog && !seen[to[k]]) {
				seen[to[k]] = 1;
				todo[top++] = to[k];
			}
	}
}

bool kb_stamp_program_next(const struct vfd_kb *kb, const struct kb_pattern *p, uint64_t *next)
{
	/* the program's places by the stamp's states, walked from every place of the stamp */
	size_t n = p->n_prog * ST_N;
	uint8_t *seen = calloc(n + 1, 1), *entered = calloc(p->n_prog + 1, 1);
	/* the walk's places, then (after n + 1) text_may_start()'s */
	uint32_t *todo = malloc((n + p->n_prog + 2) * sizeof(*todo));
	size_t top = 0;
	bool may = false;

	memset(next, 0, 4 * sizeof(*next));
	if (!seen || !todo || !entered) {
		free(seen);
		free(entered);
		free(todo);
		memset(next, 0xff, 4 * sizeof(*next));
		return true;
	}
	for (unsigned int st = ST_OPEN; st < ST_TEXT; st++) {
		seen[st] = 1;
		todo[top++] = st;
	}
	while (top) {
		uint32_t at = todo[--top], pc = at / ST_N, st = at % ST_N;
		const struct inst *in = &p->prog[pc];
		uint32_t to[2];
		unsigned int n_to = 0, to_mask = 0;

		switch (in->op) {
		case I_CHAR:
		case I_CLASS:
			/* the states a byte of the stamp the instruction takes leads to */
			for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
				if (steps[i].from != st)
					continue;
				for (unsigned int b = steps[i].lo; b <= steps[i].hi; b++)
					if (in->op == I_CHAR ? lower((unsigned char)b) == in->arg
							     : kb_in_class(kb, in->arg, (unsigned char)b)) {
						to_mask |= 1u << steps[i].to;
						break;
					}
			}
			/* a match under way past the stamp: the text must go on with it */
			if (to_mask >> ST_TEXT & 1) {
				may = true;
				text_may_start(kb, p, pc + 1, entered, todo + n + 1, next);
			}
			for (unsigned int t = 0; t < ST_TEXT; t++)
				if (to_mask >> t & 1 && pc + 1 < p->n_prog &&
				    !seen[(pc + 1) * ST_N + t]) {
					seen[(pc + 1) * ST_N + t] = 1;
					todo[top++] = (pc + 1) * ST_N + t;
				}
			continue;
		case I_MATCH:		/* inside the stamp: whatever the text */
			may = true;
			memset(next, 0xff, 4 * sizeof(*next));
			break;
		default:
			n_to = successors(in, pc, notprev_may_pass(kb, in->arg, st), to);
			break;
		}
		for (unsigned int i = 0; i < n_to; i++)
			if (to[i] < p->n_prog && !seen[to[i] * ST_N + st]) {
				seen[to[i] * ST_N + st] = 1;
				todo[top++] = to[i] * ST_N + st;
			}
	}
	free(seen);
	free(entered);
	free(todo);
	return may;
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
