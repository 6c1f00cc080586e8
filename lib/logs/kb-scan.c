// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The prefilter's scan of a line (kb-prefilter.c): every 4-byte window,
 * case folded, hashed into the bit set of the gates' kept windows; a window
 * whose bit is set is looked up in the exact table of the kept windows and
 * checked against the gate words that keep it. Eight windows at a time with
 * AVX2 where the CPU has it (asked at run time), four a turn elsewhere.
 */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kb-prefilter.h"
#include "kb-prefilter-int.h"

#if defined(KB_WORD_AVX2)
#include <immintrin.h>
#endif

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

#if defined(KB_WORD_AVX2)
/*
 * the bits of eight windows of the 16 bytes at @p, those starting at the
 * bytes @pick names (four each, in order), as a mask: each window hashed as
 * window_bit(window_at()) does, its bit read from the set as a 32-bit word
 * (the set's 64-bit words are little-endian: bit b is bit b % 32 of 32-bit
 * word b / 32) with one gather for all eight. The scalar scan spent eleven
 * instructions a window (load, fold, multiply, shifts, the set's word, the
 * test); this spends about two.
 */
static inline __attribute__((target("avx2"))) unsigned int
window_bits8(const uint64_t *bits, const unsigned char *p, __m256i pick)
{
	__m256i v = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)p));
	__m256i h, b, word;

	v = _mm256_or_si256(_mm256_shuffle_epi8(v, pick), _mm256_set1_epi32((int)FOLD4));
	h = _mm256_mullo_epi32(v, _mm256_set1_epi32((int)0x9e3779b1u));
	b = _mm256_srli_epi32(h, 32 - GATE_BITS);
	word = _mm256_i32gather_epi32((const int *)bits, _mm256_srli_epi32(b, 5), 4);
	word = _mm256_srlv_epi32(word, _mm256_and_si256(b, _mm256_set1_epi32(31)));
	return (unsigned int)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(word, 31)));
}

/*
 * the windows of @s (@len bytes, 16 or more) from @i on, eight at a time
 * with AVX2, into pf->found as the scalar scan does (the same gates in the
 * same order: a set bit's window is checked by gates_at(), lowest first).
 * The last 16 bytes are read as one block: its windows 0 to 7 and 5 to 12
 * cover those the loop left (at most twelve), the ones before @i masked off.
 */
static __attribute__((target("avx2"))) size_t scan_avx2(struct kb_prefilter *pf,
							 const unsigned char *s, size_t len,
							 size_t i)
{
	const __m256i first = _mm256_setr_epi8(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6,
					       4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10);
	const __m256i later = _mm256_setr_epi8(5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10, 8, 9, 10, 11,
					       9, 10, 11, 12, 10, 11, 12, 13, 11, 12, 13, 14,
					       12, 13, 14, 15);
	const uint64_t *bits = pf->lay.bits;
	size_t n_found = 0;

	for (; i + 16 <= len; i += 8)
		for (unsigned int m = window_bits8(bits, s + i, first); m; m &= m - 1) {
			size_t at = i + (size_t)__builtin_ctz(m);

			n_found = gates_at(pf, s, len, at, window_at(s + at), n_found);
		}
	if (i + 4 <= len) {
		size_t from = len - 16;
		unsigned int m = window_bits8(bits, s + from, first) |
				 window_bits8(bits, s + from, later) << 5;

		for (m &= ~0u << (i - from); m; m &= m - 1) {
			size_t at = from + (size_t)__builtin_ctz(m);

			n_found = gates_at(pf, s, len, at, window_at(s + at), n_found);
		}
	}
	return n_found;
}
#endif

size_t kb_pf_scan(struct kb_prefilter *pf, const unsigned char *s, size_t len)
{
	const struct layout *lay = &pf->lay;
	const uint64_t *bits = lay->bits;
	size_t n_found = 0, i = lay->skip_stamp ? after_stamp(s, len) : 0;

#if defined(KB_WORD_AVX2)
	if (len >= 16 && kb_have_avx2()) {
		n_found = scan_avx2(pf, s, len, i);
		i = len;	/* no window left */
	}
#endif
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
