// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The prefilter's scan of a line (kb-prefilter.c): every 4-byte window,
 * case folded, hashed into the bit set of the gates' kept windows; a window
 * whose bit is set is looked up in the exact table of the kept windows and
 * checked against the gate words that keep it, four windows a turn. (An
 * AVX2 scan, eight windows with one gather of the bit set, saved a tenth of
 * the instructions and no CPU time, and a gather is slow where the kernel
 * mitigates Gather Data Sampling: bench/RESULTS-explain.md, round 14.)
 */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kb-prefilter.h"
#include "kb-prefilter-int.h"

/*
 * the first window of @s (@len bytes) the scan must look at: none of those
 * before lies wholly in the line's leading run of stamp bytes, which no
 * kept window is made of (lay->skip_stamp). The first sixteen bytes only,
 * at once with SSE2: a longer run is rare, and the rest of it is scanned.
 */
static size_t after_stamp(const unsigned char *s, size_t len)
{
	size_t run = 0;

#if defined(__SSE2__)
	if (len >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)s);
		__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
		__m128i m = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);

		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('[')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(']')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
		run = (size_t)__builtin_ctz(~(unsigned int)_mm_movemask_epi8(m));
	} else
#endif
	{
		while (run < 16 && run < len && stamp_byte(s[run]))
			run++;
	}
	return run > 3 ? run - 3 : 0;
}

/* gate word @w is in the line of this run, at most once in pf->found */
static inline size_t found_gate(struct kb_prefilter *pf, uint32_t w, size_t n_found)
{
	if (pf->seen[w] >> 1 == pf->stamp)
		return n_found;
	pf->seen[w] = 2 * pf->stamp + 1;
	pf->found[n_found] = w;
	return n_found + 1;
}

/*
 * the gate words of @s whose kept window starts at @i, into pf->found (in
 * line: the call saved and restored six registers, a fifth of its cost)
 */
static inline __attribute__((always_inline)) size_t
gates_at(struct kb_prefilter *pf, const unsigned char *s, size_t len, size_t i, uint32_t key,
	 size_t n_found)
{
	const struct layout *lay = &pf->lay;
	const struct window_slot *sl = &lay->slots[window_slot(lay, key)];

	if (sl->key != key)
		return n_found;
	/* the word is compared first: the slot holds all it needs */
	if (i >= sl->offset &&
	    kb_word_head_at(&sl->head, sl->mapped, sl->len, pf->cls, s, len, i - sl->offset))
		n_found = found_gate(pf, sl->word, n_found);
	for (uint32_t g = sl->start + 1; g < sl->end; g++) {
		const struct gate_entry *e = &lay->gates[g];

		if (i >= e->offset && kb_word_at(&e->probe, pf->cls, s, len, i - e->offset))
			n_found = found_gate(pf, e->word, n_found);
	}
	return n_found;
}

size_t kb_pf_scan(struct kb_prefilter *pf, const unsigned char *s, size_t len)
{
	const struct layout *lay = &pf->lay;
	const uint64_t *bits = lay->bits;
	size_t n_found = 0, i = lay->skip_stamp ? after_stamp(s, len) : 0;

	/*
	 * four windows a turn: the loop's own work once for four probes (a
	 * window whose bit is set is read again, rarely)
	 */
	for (; i + 7 <= len; i += 4) {
		uint32_t b0 = window_bit(window_at(s + i)), b1 = window_bit(window_at(s + i + 1));
		uint32_t b2 = window_bit(window_at(s + i + 2)), b3 = window_bit(window_at(s + i + 3));

		if (bit_set(bits, b0))
			n_found = gates_at(pf, s, len, i, window_at(s + i), n_found);
		if (bit_set(bits, b1))
			n_found = gates_at(pf, s, len, i + 1, window_at(s + i + 1), n_found);
		if (bit_set(bits, b2))
			n_found = gates_at(pf, s, len, i + 2, window_at(s + i + 2), n_found);
		if (bit_set(bits, b3))
			n_found = gates_at(pf, s, len, i + 3, window_at(s + i + 3), n_found);
	}
	for (; i + 4 <= len; i++) {
		uint32_t key = window_at(s + i), b = window_bit(key);

		if (bit_set(bits, b))
			n_found = gates_at(pf, s, len, i, key, n_found);
	}
	return n_found;
}
