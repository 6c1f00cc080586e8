// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The knowledge base's prefilter. Every literal word (three bytes or more) of
 * every pattern, and a lead of two bytes, must occur in a line the pattern
 * matches, so the Pike VM of kb-pattern.c runs only on lines that hold all of a
 * pattern's words.
 *
 * Each pattern has a primary word: of its words of four bytes or more (every
 * pattern has one, kb-pattern.c sees to it), the one least likely in a log
 * line by the letters of its rarest 4-byte window (rarest_window()), then
 * the one fewest patterns share (a word many patterns use, "failed",
 * "device", is common in logs as well), then the longer one. That guess is
 * poor for boot logs ("acpi", "table" and "pci_bus" look rare), so after the
 * first lines of a log the primaries are chosen again by how many lines of a
 * sample of them hold each word, and each gate's kept window by how often
 * the sample holds it (see sample()). The primaries, and the classifier's
 * words that make a line relevant (explain-unknown.c), are the gates.
 *
 * A line is read once (kb-scan.c), one 4-byte window at a time: each window
 * is hashed into a bit set of the gates' kept windows (8 KiB, in L1; the
 * probes are independent of each other, so the CPU runs them in parallel,
 * where an Aho-Corasick automaton is a chain of dependent loads), and only a
 * window whose bit is set is looked up in an exact table of the kept
 * windows and checked against the gate words that keep it. So the gates a
 * line holds are known without an automaton. Then only the few patterns
 * whose primary is there are looked at, in groups that share their next
 * rarest word (a group whose second word is not in the line is passed over
 * at once: a common primary such as "pci_bus" heads 150 patterns): each of
 * their other words is searched for in the line as it is (once a line,
 * remembered; kb-word.c offers only the places of the word's least common
 * pair of bytes, sixteen places at a time, and compares the word there),
 * and a pattern with all of them is a candidate. The classifier's other
 * words are searched for only when one of its gates is there: without one
 * it finds nothing relevant (vfd_unknown_classify).
 *
 * Words are compared by their bytes' classes (byte_class(): ASCII case
 * ignored, all digits alike, all rare bytes alike), so a word is never
 * missed and a line may hold it with other digits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "kb-prefilter.h"
#include "kb-prefilter-int.h"
#include "internal.h"

/*
 * the class of byte @c as words are compared: ASCII case ignored, all digits
 * alike ('0'), the punctuation of log messages itself, every other byte
 * alike (1). A word is then never missed, and a line may hold it with other
 * digits or other rare bytes (the VM of kb-pattern.c decides).
 */
static unsigned char byte_class(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + 32);
	if ((c >= 'a' && c <= 'z') || (c && strchr(" -_:./()[]=,", c)))
		return c;
	if (c >= '0' && c <= '9')
		return '0';
	return 1;
}

unsigned char kb_prefilter_byte_class(unsigned char c)
{
	return byte_class(c);
}

/*
 * the 4-byte window of @word (@len bytes, four or more) least likely in a
 * log line by its bytes' commonness: its score, and its place in @offset
 * ("register" is looked for as "egis", not as the "regi" of every "region")
 */
static unsigned int rarest_window(const char *word, size_t len, size_t *offset)
{
	const unsigned char *w = (const unsigned char *)word;
	unsigned int best_score = ~0u;

	*offset = 0;
	for (size_t k = 0; k + 4 <= len; k++) {
		unsigned int score = kb_byte_commonness(w[k]) + kb_byte_commonness(w[k + 1]) +
				     kb_byte_commonness(w[k + 2]) + kb_byte_commonness(w[k + 3]);

		if (score < best_score) {
			best_score = score;
			*offset = k;
		}
	}
	return best_score;
}


struct kb_prefilter *kb_prefilter_new(void)
{
	struct kb_prefilter *pf = calloc(1, sizeof(*pf));

	if (!pf)
		return NULL;
	pf->pw_start = calloc(1, sizeof(*pf->pw_start));
	if (!pf->pw_start) {
		kb_prefilter_free(pf);
		return NULL;
	}
	pf->cap_patterns = 0;
	return pf;
}

static void layout_free(struct layout *lay)
{
	free(lay->prim_start);
	free(lay->prim_list);
	free(lay->sec_of);
	free(lay->group_end);
	free(lay->is_gate);
	free(lay->bits);
	free(lay->slots);
	free(lay->gates);
	memset(lay, 0, sizeof(*lay));
}

void kb_prefilter_free(struct kb_prefilter *pf)
{
	if (!pf)
		return;
	text_arena_free(&pf->texts);
	free(pf->mapped);
	free(pf->lens);
	free(pf->look);
	free(pf->plain);
	free(pf->scan_told);
	free(pf->same_as);
	free(pf->win_score);
	free(pf->win_off);
	free(pf->hint_words);
	free(pf->hint_search);
	free(pf->freq);
	free(pf->held);
	free(pf->window_count);
	free(pf->pending);
	free(pf->by_tri_start);
	free(pf->by_tri);
	layout_free(&pf->lay);
	free(pf->found);
	free(pf->map.line);
	free(pf->words);
	free(pf->users);
	free(pf->hint);
	free(pf->gate);
	free(pf->index);
	free(pf->pw);
	free(pf->pw_start);
	free(pf->seen);
	free(pf);
}

/* is word @a a better choice than @b: rarer in the sample, by its letters, ... */
static bool rarer(const struct kb_prefilter *pf, uint32_t a, uint32_t b)
{
	if (pf->freq && pf->freq[a] != pf->freq[b])
		return pf->freq[a] < pf->freq[b];
	if (pf->win_score[a] != pf->win_score[b])
		return pf->win_score[a] < pf->win_score[b];
	if (pf->users[a] != pf->users[b])
		return pf->users[a] < pf->users[b];
	return pf->lens[a] > pf->lens[b];
}

/* the bits @x takes */
static unsigned int bits_of(uint64_t x)
{
	return x ? 64 - (unsigned int)__builtin_clzll(x) : 0;
}

/*
 * rarer() as one number a word, where its four keys fit in 64 bits (else
 * NULL): rarer(a, b) is then key[a] < key[b], one comparison where rarer()
 * was four loads of each word (half of a layout's cost, made twice a log)
 */
static uint64_t *rarity_keys(const struct kb_prefilter *pf)
{
	uint32_t max_freq = 0, max_score = 0, max_users = 0, max_len = 0;
	unsigned int fb, sb, ub, lb;
	uint64_t *key;

	for (size_t w = 0; w < pf->n_words; w++) {
		if (pf->freq && pf->freq[w] > max_freq)
			max_freq = pf->freq[w];
		/* ~0u: no window (a word under four bytes), after every score */
		if (pf->win_score[w] != ~0u && pf->win_score[w] > max_score)
			max_score = pf->win_score[w];
		if (pf->users[w] > max_users)
			max_users = pf->users[w];
		if (pf->lens[w] > max_len)
			max_len = pf->lens[w];
	}
	fb = bits_of(max_freq);
	sb = bits_of((uint64_t)max_score + 1);
	ub = bits_of(max_users);
	lb = bits_of(max_len);
	if (fb + sb + ub + lb > 64 || !pf->n_words)
		return NULL;
	key = malloc(pf->n_words * sizeof(*key));
	if (!key)
		return NULL;
	for (size_t w = 0; w < pf->n_words; w++) {
		uint64_t score = pf->win_score[w] == ~0u ? (uint64_t)max_score + 1 : pf->win_score[w];

		key[w] = (fb ? (uint64_t)pf->freq[w] << (sb + ub + lb) : 0) | score << (ub + lb) |
			 (uint64_t)pf->users[w] << lb | (max_len - pf->lens[w]);
	}
	return key;
}

/*
 * the rarest word of pattern @p (of four bytes or more: a gate) or, with
 * @not, its rarest other word (@not itself when it is the only one): by the
 * sample of the log once there is one, then by its letters, then the one
 * fewest patterns share (a word many patterns use, "failed", "device", is
 * common in logs as well), then the longer; by @key (rarity_keys()) where
 * there is one
 */
static uint32_t rarest_word(const struct kb_prefilter *pf, const uint64_t *key, size_t p,
			    uint32_t not)
{
	uint32_t best = not;

	for (uint32_t k = pf->pw_start[p]; k < pf->pw_start[p + 1]; k++) {
		uint32_t w = pf->pw[k];

		if (w == not || (not == UINT32_MAX && pf->lens[w] < 4))
			continue;
		if (best == not || (key ? key[w] < key[best] : rarer(pf, w, best)))
			best = w;
	}
	return best;
}

/*
 * for lay_out: the primary of pattern @p (*@chosen where the sample chose
 * it, else rarest_word()'s gate) and its secondary (rarest_word()
 * but @primary) in one pass over its words: the rarest word and the rarest
 * other than that one, each the first of equals, as rarest_word() picks
 * (two passes a pattern were a twentieth of a large knowledge base's
 * start-up, and again at the layout after the sample)
 */
static void primary_secondary(const struct kb_prefilter *pf, const uint64_t *key, size_t p,
			      const uint32_t *chosen, uint32_t *primary, uint32_t *secondary)
{
	uint32_t b1 = UINT32_MAX, b2 = UINT32_MAX, gate = UINT32_MAX;

	for (uint32_t k = pf->pw_start[p]; k < pf->pw_start[p + 1]; k++) {
		uint32_t w = pf->pw[k];

		if (pf->lens[w] >= 4 && (gate == UINT32_MAX ||
					 (key ? key[w] < key[gate] : rarer(pf, w, gate))))
			gate = w;
		if (b1 == UINT32_MAX || (key ? key[w] < key[b1] : rarer(pf, w, b1))) {
			b2 = b1;
			b1 = w;
		} else if (w != b1 &&
			   (b2 == UINT32_MAX || (key ? key[w] < key[b2] : rarer(pf, w, b2)))) {
			b2 = w;
		}
	}
	*primary = chosen ? *chosen : gate;
	/* the word itself where it is the pattern's only one; rarest_word() asked
	   for a word but none is the gate again */
	if (*primary == UINT32_MAX)
		*secondary = gate;
	else
		*secondary = b1 != *primary ? b1 : b2 != UINT32_MAX ? b2 : *primary;
}

/*
 * the triples (primary, secondary, pattern) of @n patterns in pattern order
 * sorted by primary, then secondary: two stable counting sorts (was qsort)
 */
static int sort_by_primary(uint32_t *prim, size_t n, size_t n_words)
{
	uint32_t *tmp = malloc((3 * n + 1) * sizeof(*tmp));
	uint32_t *at = malloc((n_words + 1) * sizeof(*at));
	int r = tmp && at ? 0 : -ENOMEM;

	for (int key = 1; r == 0 && key >= 0; key--) {
		memset(at, 0, (n_words + 1) * sizeof(*at));
		for (size_t i = 0; i < n; i++)
			at[prim[3 * i + key] + 1]++;
		for (size_t w = 0; w + 1 < n_words; w++)
			at[w + 1] += at[w];
		for (size_t i = 0; i < n; i++)
			memcpy(tmp + 3 * at[prim[3 * i + key]]++, prim + 3 * i, 3 * sizeof(*tmp));
		memcpy(prim, tmp, 3 * n * sizeof(*prim));
	}
	free(at);
	free(tmp);
	return r;
}

/*
 * can a window of stamp bytes match kept window @key? window_at() ORs 0x20
 * into each byte, so the stamp's bytes read there as digits, '{', '}', '.'
 * and blanks
 */
static bool stamp_key(uint32_t key)
{
	for (int k = 0; k < 4; k++) {
		unsigned char c = (unsigned char)(key >> (8 * k));

		if (!stamp_byte(c) && c != ('[' | 0x20) && c != (']' | 0x20))
			return false;
	}
	return true;
}

/* does the word's byte at @k match others of its class (a digit, a rare byte)? */
static bool loose_byte(const struct kb_prefilter *pf, uint32_t w, uint32_t k)
{
	return pf->mapped[w][k] == '0' || pf->mapped[w][k] == 1;
}

/*
 * window @off of gate word @w, or, where its bytes could all be a dmesg time
 * stamp's ("[i915]" kept as "915]"), another of the word's windows that could
 * not and covers the same digits and rare bytes: one such window turns the
 * skip of every line's time stamp off (lay->skip_stamp). The gate check
 * compares the word by class once the window's bytes matched as they are, so
 * two windows with the same loose bytes (loose_byte) find the same places.
 */
static uint32_t unstamped_window(const struct kb_prefilter *pf, uint32_t w, uint32_t off)
{
	const unsigned char *word = (const unsigned char *)pf->words[w];

	if (!stamp_key(window_at(word + off)))
		return off;
	for (uint32_t k = 0; k + 4 <= pf->lens[w]; k++) {
		bool same = !stamp_key(window_at(word + k));

		for (uint32_t j = 0; same && j < pf->lens[w]; j++)
			if (loose_byte(pf, w, j))
				same = (j >= k && j < k + 4) == (j >= off && j < off + 4);
		if (same)
			return k;
	}
	return off;
}

/*
 * the window of gate word @w that the scan looks for: after the sample, the
 * one the sample's lines held least often ("device:" is looked for as
 * "ice:", not as the "devi" of every "device"), the rarest by its letters
 * before. A word with digits or rare bytes keeps the one by its letters: the
 * scan compares those bytes as they are, a search of the line by their
 * class, and the two must find the same.
 */
static uint32_t kept_window(const struct kb_prefilter *pf, uint32_t w)
{
	uint32_t best = pf->win_off[w], best_count = UINT32_MAX;

	if (!pf->window_count || !pf->plain[w])
		return unstamped_window(pf, w, best);
	for (uint32_t k = 0; k + 4 <= pf->lens[w]; k++) {
		uint32_t key = window_at((const unsigned char *)pf->words[w] + k);
		uint32_t count = pf->window_count[count_slot(key)];

		if (count < best_count) {
			best = k;
			best_count = count;
		}
	}
	return unstamped_window(pf, w, best);
}

/*
 * the gates' kept windows: the bit set, and the exact table with the gate
 * words of each window grouped together (a counting sort by slot)
 */
static int build_gates(const struct kb_prefilter *pf, struct layout *lay)
{
	size_t n_gates = 0, k = 0;
	uint32_t *slot_of, b;

	for (size_t w = 0; w < pf->n_words; w++)
		n_gates += lay->is_gate[w];
	lay->win_size = 16;
	while (lay->win_size < 2 * n_gates + 2)
		lay->win_size *= 2;
	lay->skip_stamp = true;
	lay->bits = calloc((1u << GATE_BITS) / 64, sizeof(*lay->bits));
	lay->slots = aligned_alloc(sizeof(*lay->slots), lay->win_size * sizeof(*lay->slots));
	if (lay->slots)
		memset(lay->slots, 0, lay->win_size * sizeof(*lay->slots));
	lay->gates = malloc((n_gates + 1) * sizeof(*lay->gates));
	slot_of = malloc((pf->n_words + 1) * sizeof(*slot_of));
	if (!lay->bits || !lay->slots || !lay->gates ||
	    !slot_of) {
		free(slot_of);
		return -ENOMEM;
	}
	for (size_t w = 0; w < pf->n_words; w++) {
		size_t slot;
		uint32_t key;

		if (!lay->is_gate[w])
			continue;
		key = window_at((const unsigned char *)pf->words[w] + kept_window(pf, (uint32_t)w));
		b = window_bit(key);
		lay->bits[b / 64] |= UINT64_C(1) << (b % 64);
		lay->skip_stamp &= !stamp_key(key);
		slot = window_slot(lay, key);
		lay->slots[slot].key = key;
		lay->slots[slot].end++;		/* a count, until the sum below */
		slot_of[w] = (uint32_t)slot;
	}
	for (size_t i = 0, sum = 0; i < lay->win_size; i++) {
		size_t count = lay->slots[i].end;

		lay->slots[i].start = lay->slots[i].end = (uint32_t)sum;
		sum += count;
	}
	for (size_t w = 0; w < pf->n_words; w++) {
		if (!lay->is_gate[w])
			continue;
		lay->gates[lay->slots[slot_of[w]].end++] = (struct gate_entry){
			.word = (uint32_t)w, .offset = kept_window(pf, (uint32_t)w),
			.probe = pf->look[w].probe,
		};
		k++;
	}
	for (size_t i = 0; i < lay->win_size; i++) {
		struct window_slot *sl = &lay->slots[i];
		const struct gate_entry *e = &lay->gates[sl->start];

		if (sl->start == sl->end)
			continue;
		sl->word = e->word;
		sl->offset = e->offset;
		sl->len = e->probe.len;
		sl->mapped = e->probe.mapped;
		sl->head = e->probe.head;
	}
	free(slot_of);
	return k == n_gates ? 0 : -EINVAL;
}

/*
 * the set bits of @x, without a call: the target's baseline has no popcnt
 * instruction, and __builtin_popcountll() was a libgcc call, a tenth of the
 * layout after the sample with a large knowledge base
 */
static inline uint32_t bits_in(uint64_t x)
{
	x -= (x >> 1) & UINT64_C(0x5555555555555555);
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (uint32_t)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* by the first number, the larger first */
static int by_count_down(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] != y[0] ? (x[0] > y[0] ? -1 : 1) : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

/*
 * the same order as by_count_down() for @n pairs in pattern order whose
 * counts are a sample's (at most SAMPLE_LINES): a stable counting sort, where
 * qsort() called its comparison a million times for a six-fold knowledge
 * base; -ENOMEM or -ERANGE (a larger count) leave @order as it was
 */
static int sort_by_count_down(uint32_t *order, size_t n)
{
	uint32_t at[SAMPLE_LINES + 2] = { 0 };
	uint32_t *tmp;

	for (size_t i = 0; i < n; i++)
		if (order[2 * i] > SAMPLE_LINES)
			return -ERANGE;
	tmp = malloc((2 * n + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		at[SAMPLE_LINES - order[2 * i] + 1]++;
	for (size_t c = 0; c <= SAMPLE_LINES; c++)
		at[c + 1] += at[c];
	for (size_t i = 0; i < n; i++)
		memcpy(tmp + 2 * at[SAMPLE_LINES - order[2 * i]]++, order + 2 * i, 2 * sizeof(*tmp));
	memcpy(order, tmp, 2 * n * sizeof(*order));
	free(tmp);
	return 0;
}

/*
 * the primaries after the sample, into prim[3 * p]: what costs is the lines
 * that hold some primary, not the sum over primaries, so a pattern takes the
 * word that adds the fewest lines of the sample to those the primaries chosen
 * so far hold ("pci:" once some pattern must have it, over a "memory" a bit
 * rarer alone). The patterns whose rarest word is the most common choose
 * first: they have no better choice.
 */
static int cover_sample(const struct kb_prefilter *pf, const uint64_t *key, uint32_t *prim)
{
	uint64_t covered[SAMPLE_LINES / 64] = { 0 };
	uint32_t *order = malloc((pf->n_patterns + 1) * 2 * sizeof(*order));

	if (!order)
		return -ENOMEM;
	for (size_t p = 0; p < pf->n_patterns; p++) {
		order[2 * p] = pf->freq[rarest_word(pf, key, p, UINT32_MAX)];
		order[2 * p + 1] = (uint32_t)p;
	}
	if (sort_by_count_down(order, pf->n_patterns) < 0)
		qsort(order, pf->n_patterns, 2 * sizeof(*order), by_count_down);
	for (size_t i = 0; i < pf->n_patterns; i++) {
		uint32_t p = order[2 * i + 1], best = UINT32_MAX, best_new = 0;
		const uint64_t *h;

		for (uint32_t k = pf->pw_start[p]; k < pf->pw_start[p + 1]; k++) {
			uint32_t w = pf->pw[k], added = 0;

			if (pf->lens[w] < 4)
				continue;
			h = pf->held + (size_t)w * (SAMPLE_LINES / 64);
			for (size_t j = 0; j < SAMPLE_LINES / 64; j++)
				added += bits_in(h[j] & ~covered[j]);
			if (best == UINT32_MAX || added < best_new ||
			    (added == best_new && (key ? key[w] < key[best] : rarer(pf, w, best)))) {
				best = w;
				best_new = added;
			}
		}
		h = pf->held + (size_t)best * (SAMPLE_LINES / 64);
		for (size_t j = 0; j < SAMPLE_LINES / 64; j++)
			covered[j] |= h[j];
		prim[3 * p] = best;
	}
	free(order);
	return 0;
}

/* the primaries and secondaries of the patterns, and their gates, into @lay */
static int lay_out(const struct kb_prefilter *pf, struct layout *lay)
{
	uint32_t *prim;
	uint64_t *key;
	int r;

	memset(lay, 0, sizeof(*lay));
	lay->prim_start = calloc(pf->n_words + 2, sizeof(*lay->prim_start));
	lay->prim_list = malloc((pf->n_patterns + 1) * sizeof(*lay->prim_list));
	lay->sec_of = malloc((pf->n_patterns + 1) * sizeof(*lay->sec_of));
	lay->group_end = malloc((pf->n_patterns + 1) * sizeof(*lay->group_end));
	lay->is_gate = malloc((pf->n_words + 1) * sizeof(*lay->is_gate));
	prim = malloc((pf->n_patterns + 1) * 3 * sizeof(*prim));
	if (!lay->prim_start || !lay->prim_list || !lay->sec_of || !lay->group_end ||
	    !lay->is_gate || !prim) {
		free(prim);
		layout_free(lay);
		return -ENOMEM;
	}
	memcpy(lay->is_gate, pf->gate, pf->n_words * sizeof(*lay->is_gate));
	/* without memory for it, rarer() is asked: as right, if slower */
	key = rarity_keys(pf);
	if (pf->sampled && cover_sample(pf, key, prim) < 0) {
		free(key);
		free(prim);
		layout_free(lay);
		return -ENOMEM;
	}
	/* the patterns by primary word, then secondary */
	for (size_t p = 0; p < pf->n_patterns; p++) {
		uint32_t w, sec;

		primary_secondary(pf, key, p, pf->sampled ? &prim[3 * p] : NULL, &w, &sec);
		prim[3 * p] = w;
		prim[3 * p + 1] = sec;
		prim[3 * p + 2] = (uint32_t)p;
		lay->is_gate[w] = true;
		lay->prim_start[w + 1]++;
	}
	r = sort_by_primary(prim, pf->n_patterns, pf->n_words);
	for (size_t w = 0; r == 0 && w < pf->n_words; w++)
		lay->prim_start[w + 1] += lay->prim_start[w];
	for (size_t k = 0; r == 0 && k < pf->n_patterns; k++) {
		lay->prim_list[k] = prim[3 * k + 2];
		lay->sec_of[k] = prim[3 * k + 1];
	}
	for (size_t k = pf->n_patterns; r == 0 && k-- > 0;)
		lay->group_end[k] = k + 1 < pf->n_patterns && prim[3 * k] == prim[3 * k + 3] &&
				    prim[3 * k + 1] == prim[3 * k + 4] ? lay->group_end[k + 1] :
				    (uint32_t)k + 1;
	free(prim);
	free(key);
	r = r < 0 ? r : build_gates(pf, lay);
	if (r < 0)
		layout_free(lay);
	return r;
}

/* pf->same_as: for each word, the first one mapped to the same text */
static int find_same_words(struct kb_prefilter *pf)
{
	size_t size = 16;
	uint32_t *table;

	while (size < 2 * pf->n_words + 2)
		size *= 2;
	table = calloc(size, sizeof(*table));	/* word + 1, 0 empty */
	pf->same_as = malloc((pf->n_words + 1) * sizeof(*pf->same_as));
	if (!table || !pf->same_as) {
		free(table);
		return -ENOMEM;
	}
	for (size_t w = 0; w < pf->n_words; w++) {
		const char *m = (const char *)pf->mapped[w];
		size_t i = fnv1a_str(m) & (size - 1);

		while (table[i] && strcmp((const char *)pf->mapped[table[i] - 1], m) != 0)
			i = (i + 1) & (size - 1);
		if (!table[i])
			table[i] = (uint32_t)w + 1;
		pf->same_as[w] = table[i] - 1;
	}
	free(table);
	return 0;
}

/* how each word is looked up with the layout pf->lay */
static void set_look_ups(struct kb_prefilter *pf)
{
	for (size_t w = 0; w < pf->n_words; w++) {
		struct word_look *look = &pf->look[w];

		look->same_as = pf->same_as[w];
		if (pf->plain[w])
			look->how = pf->lay.is_gate[w] ? LOOK_ABSENT : LOOK_SEARCH;
		else
			look->how = pf->same_as[w] != w ? LOOK_SAME : LOOK_SEARCH;
		pf->scan_told[w] = look->how == LOOK_ABSENT;
	}
	pf->n_hint_search = 0;
	for (size_t i = 0; i < pf->n_hint_words; i++)
		if (!pf->scan_told[pf->hint_words[i]])
			pf->hint_search[pf->n_hint_search++] = pf->hint_words[i];
}

int kb_prefilter_build(struct kb_prefilter *pf)
{
	if (pf->seen)
		return -EINVAL;
	pf->seen = calloc(pf->n_words + 1, sizeof(*pf->seen));
	pf->found = malloc((pf->n_words + 1) * sizeof(*pf->found));
	pf->mapped = calloc(pf->n_words + 1, sizeof(*pf->mapped));
	pf->look = aligned_alloc(sizeof(*pf->look), (pf->n_words + 1) * sizeof(*pf->look));
	pf->plain = malloc((pf->n_words + 1) * sizeof(*pf->plain));
	pf->scan_told = malloc((pf->n_words + 1) * sizeof(*pf->scan_told));
	pf->win_score = malloc((pf->n_words + 1) * sizeof(*pf->win_score));
	pf->win_off = malloc((pf->n_words + 1) * sizeof(*pf->win_off));
	pf->hint_words = malloc((pf->n_words + 1) * sizeof(*pf->hint_words));
	pf->hint_search = malloc((pf->n_words + 1) * sizeof(*pf->hint_search));
	pf->freq = calloc(pf->n_words + 1, sizeof(*pf->freq));
	pf->held = calloc((pf->n_words + 1) * (SAMPLE_LINES / 64), sizeof(*pf->held));
	/* without it, the windows are chosen by their letters: as right, if slower */
	pf->window_count = calloc(1u << WINDOW_BITS, sizeof(*pf->window_count));
	pf->map.line = malloc(KB_PREFILTER_LINE_MAX);
	if (!pf->seen || !pf->found || !pf->mapped || !pf->look ||
	    !pf->plain || !pf->scan_told || !pf->win_score || !pf->win_off || !pf->hint_words || !pf->hint_search || !pf->freq ||
	    !pf->held || !pf->map.line)
		return -ENOMEM;
	for (int c = 0; c < 256; c++)
		pf->cls[c] = byte_class((unsigned char)c);
	for (size_t w = 0; w < pf->n_words; w++) {
		size_t len = pf->lens[w], off;

		pf->win_score[w] = rarest_window(pf->words[w], len, &off);
		pf->win_off[w] = (uint32_t)off;
		pf->mapped[w] = (unsigned char *)text_arena_room(&pf->texts, len);
		if (!pf->mapped[w])
			return -ENOMEM;
		pf->plain[w] = true;
		for (size_t k = 0; k <= len; k++) {
			pf->mapped[w][k] = k < len ? pf->cls[(unsigned char)pf->words[w][k]] : 0;
			if (k < len && (pf->mapped[w][k] == '0' || pf->mapped[w][k] == 1))
				pf->plain[w] = false;
		}
		kb_word_init(&pf->look[w].probe, pf->mapped[w], (uint32_t)len);
		if (pf->hint[w] >= 0)
			pf->hint_words[pf->n_hint_words++] = (uint32_t)w;
	}
	kb_pf_index_by_trigram(pf);
	if (find_same_words(pf) < 0)
		return -ENOMEM;
	if (lay_out(pf, &pf->lay) < 0)
		return -ENOMEM;
	set_look_ups(pf);
	return 0;
}

/*
 * does the line of this run hold word @w, looked up once a run: a gate the
 * scan did not find is not there; any other word is searched for in the line
 * as it is (kb_word_find(), which compares by class as line_holds() does)
 */
static inline bool word_present(struct kb_prefilter *pf, uint32_t w, size_t len);

static __attribute__((noinline)) bool look_up_word(struct kb_prefilter *pf, uint32_t w,
						    size_t len)
{
	const struct word_look *look = &pf->look[w];
	bool present;

	switch (look->how) {
	case LOOK_ABSENT:
		present = false;
		break;
	case LOOK_SAME:
		present = word_present(pf, look->same_as, len);
		break;
	default:
		present = kb_word_find(&look->probe, pf->cls, pf->raw, len);
	}
	pf->seen[w] = 2 * pf->stamp + present;
	return present;
}

/* the answer remembered in the loop, the look-up out of it */
static inline bool word_present(struct kb_prefilter *pf, uint32_t w, size_t len)
{
	uint32_t seen = pf->seen[w];

	if (seen >> 1 == pf->stamp)
		return seen & 1;
	/* a gate the scan did not find: half the words asked about */
	return !pf->scan_told[w] && look_up_word(pf, w, len);
}

size_t kb_prefilter_run(struct kb_prefilter *pf, const char *line, size_t len, size_t *cands)
{
	const unsigned char *s = (const unsigned char *)line;
	const struct layout *lay = &pf->lay;
	size_t n_found, n_cands = 0, i;

	pf->classify = false;
	pf->found_hints = 0;
	if (!lay->bits || len < 4)
		return 0;
	if (len > KB_PREFILTER_LINE_MAX)
		len = KB_PREFILTER_LINE_MAX;
	if (pf->runs < SAMPLE_EVERY * SAMPLE_LINES) {
		if (kb_pf_sample(pf, s, len)) {
			struct layout fresh;

			/* without memory for a new one, the first stays: as right, if slower */
			if (lay_out(pf, &fresh) == 0) {
				layout_free(&pf->lay);
				pf->lay = fresh;
				set_look_ups(pf);
			}
			kb_pf_sample_done(pf);
		}
	}
	if (++pf->stamp == UINT32_C(1) << 31) {
		memset(pf->seen, 0, (pf->n_words + 1) * sizeof(*pf->seen));
		pf->stamp = 1;
	}
	n_found = kb_pf_scan(pf, s, len);
	if (n_found == 0)
		return 0;
	pf->raw = s;
	for (i = 0; i < n_found; i++) {
		uint32_t w = pf->found[i];

		pf->classify |= pf->gate[w];
		if (pf->hint[w] >= 0)
			pf->found_hints |= UINT64_C(1) << pf->hint[w];
		for (uint32_t k = lay->prim_start[w]; k < lay->prim_start[w + 1]; k++) {
			uint32_t p, j;

			if (!word_present(pf, lay->sec_of[k], len)) {
				k = lay->group_end[k] - 1;
				continue;
			}
			p = lay->prim_list[k];
			j = pf->pw_start[p];
			while (j < pf->pw_start[p + 1] && word_present(pf, pf->pw[j], len))
				j++;
			if (j == pf->pw_start[p + 1])
				cands[n_cands++] = p;
		}
	}
	pf->line_len = len;
	return n_cands;
}

uint64_t kb_prefilter_hints(struct kb_prefilter *pf)
{
	uint64_t hints = pf->found_hints;

	/* the classifier's words matter only with one of its gates */
	if (!pf->classify)
		return 0;
	/*
	 * those the scan found are known (kb_prefilter_run); the others are
	 * looked for, but for a bit that one found already holds (several words
	 * share a bit: explain-unknown-words.c)
	 */
	for (size_t i = 0; i < pf->n_hint_search; i++) {
		uint32_t w = pf->hint_search[i];

		if (!(hints >> pf->hint[w] & 1) && word_present(pf, w, pf->line_len))
			hints |= UINT64_C(1) << pf->hint[w];
	}
	return hints;
}
