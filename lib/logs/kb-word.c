// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A word of the prefilter (kb-prefilter.c) looked for in a log line as it is.
 * The prefilter compares words by their bytes' classes (ASCII case ignored,
 * all digits alike, all rare bytes alike); mapping a whole line into classes
 * to search it for the one or two words a line is asked about cost more than
 * the searches. Here the line stays as it is: a place is offered where two
 * neighbouring bytes of the word (its least common pair of letters, kept
 * punctuation or digits) occur, thirty-two places at a time with AVX2
 * where the CPU has it (asked at run time), sixteen with SSE2 where the
 * target has it (every x86-64 does), one at a time elsewhere, and the word
 * is compared there by class.
 */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "kb-word.h"

#if defined(KB_WORD_AVX2)
#include <immintrin.h>
#endif

/*
 * letters by their frequency in English (case aside), a blank the most
 * common, then digits and ':', '.', ',', any other byte 10; kept less 10, so
 * that the others are the table's zeros. A table, not a function: it is
 * asked four times a window of every word at start-up.
 */
#define LETTER(c, n)	[c] = (n) - 10, [(c) - 'a' + 'A'] = (n) - 10
const int16_t kb_commonness_less10[256] = {
	LETTER('a', 82), LETTER('b', 15), LETTER('c', 28), LETTER('d', 43), LETTER('e', 127),
	LETTER('f', 22), LETTER('g', 20), LETTER('h', 61), LETTER('i', 70), LETTER('j', 2),
	LETTER('k', 8), LETTER('l', 40), LETTER('m', 24), LETTER('n', 67), LETTER('o', 75),
	LETTER('p', 19), LETTER('q', 1), LETTER('r', 60), LETTER('s', 63), LETTER('t', 91),
	LETTER('u', 28), LETTER('v', 10), LETTER('w', 24), LETTER('x', 2), LETTER('y', 20),
	LETTER('z', 1),
	[' '] = 150 - 10,
	['0' ... '9'] = 40 - 10,
	[':'] = 30 - 10, ['.'] = 30 - 10, [','] = 30 - 10,
};
#undef LETTER

/* a class that is one byte of the line, case aside: a letter or kept punctuation */
static bool plain_class(unsigned char c)
{
	return c != '0' && c != 1;
}

void kb_word_head_init(struct kb_word_head *h, const unsigned char *mapped, uint32_t len)
{
	unsigned char head[8] = { 0 }, fold[8] = { 0 }, keep[8] = { 0 };
	uint32_t n = 0;

	while (n < 8 && n < len && plain_class(mapped[n])) {
		head[n] = mapped[n];
		fold[n] = mapped[n] >= 'a' && mapped[n] <= 'z' ? 0x20 : 0;
		keep[n] = 0xff;
		n++;
	}
	memcpy(&h->head, head, 8);
	memcpy(&h->fold, fold, 8);
	memcpy(&h->keep, keep, 8);
	h->head_len = n;
}

void kb_word_init(struct kb_word *w, const unsigned char *mapped, uint32_t len)
{
	unsigned int best = ~0u;

	memset(w, 0, sizeof(*w));
	w->mapped = mapped;
	w->len = len;
	for (uint32_t k = 0; k + 1 < len; k++) {
		unsigned int score = kb_byte_commonness(mapped[k]) +
				     kb_byte_commonness(mapped[k + 1]);

		if (mapped[k] == 1 || mapped[k + 1] == 1 || score >= best)
			continue;
		best = score;
		w->anchor = k;
		w->anchored = true;
	}
	for (int i = 0; i < 2; i++) {
		unsigned char c = mapped[w->anchor + i];

		w->fold[i] = c >= 'a' && c <= 'z' ? 0x20 : 0;
		w->base[i] = c;
		w->range[i] = c == '0' ? 9 : 0;
	}
	kb_word_head_init(&w->head, mapped, len);
}

#if defined(__SSE2__) && defined(__GNUC__)
/*
 * kb_word_find()'s search of places @i to @last (the pair's first byte) in
 * @s (@len bytes, more than @W), @W places at a time in vectors of type @V
 * (GCC's vector extension: the same code is SSE2 at 16 bytes and AVX2 at 32),
 * @MASK giving a compare's byte mask. Letters and punctuation compare as the
 * byte itself, case aside; digits by range. The last block ends at the end
 * of the line, over places already looked at, which are masked off.
 */
#define DEFINE_PAIR_SEARCH(NAME, V, M, W, MASK, ...)					\
__VA_ARGS__ static bool NAME(const struct kb_word *w, const unsigned char *cls,		\
			     const unsigned char *s, size_t len, size_t i, size_t last)	\
{											\
	const V f0 = (V){ 0 } + w->fold[0], f1 = (V){ 0 } + w->fold[1];			\
	const V b0 = (V){ 0 } + w->base[0], b1 = (V){ 0 } + w->base[1];			\
	const V r0 = (V){ 0 } + w->range[0], r1 = (V){ 0 } + w->range[1];			\
	const bool exact = !w->range[0] && !w->range[1];				\
											\
	for (size_t block = i;; block += W) {						\
		size_t from = block + W + 1 <= len ? block : len - W - 1;		\
		V v0, v1;								\
		M m;									\
		unsigned int hits;							\
											\
		memcpy(&v0, s + from, W);						\
		memcpy(&v1, s + from + 1, W);						\
		v0 |= f0;								\
		v1 |= f1;								\
		if (exact)								\
			m = (v0 == b0) & (v1 == b1);					\
		else									\
			m = ((V)(v0 - b0) <= r0) & ((V)(v1 - b1) <= r1);		\
		hits = (unsigned int)MASK(m);						\
		hits &= ~0u << (block - from);						\
		for (; hits; hits &= hits - 1)						\
			if (kb_word_at(w, cls, s, len,					\
				       from + (size_t)__builtin_ctz(hits) - w->anchor))	\
				return true;						\
		if (from + W > last)							\
			return false;							\
	}										\
}

typedef unsigned char bytes16 __attribute__((vector_size(16)));
typedef signed char mask16 __attribute__((vector_size(16)));
#define MASK16(m) _mm_movemask_epi8((__m128i)(m))
DEFINE_PAIR_SEARCH(find_sse2, bytes16, mask16, 16, MASK16)
#endif

#if defined(KB_WORD_AVX2)
/* AVX2, chosen at run time: a boot log's line of 70 bytes is three blocks, not five */
typedef unsigned char bytes32 __attribute__((vector_size(32)));
typedef signed char mask32 __attribute__((vector_size(32)));
#define MASK32(m) _mm256_movemask_epi8((__m256i)(m))
DEFINE_PAIR_SEARCH(find_avx2, bytes32, mask32, 32, MASK32, __attribute__((target("avx2"))))
#endif

/*
 * the searches without AVX2: every place of a word without a pair, the pair
 * one place at a time in a short line (kept out of kb_word_find(), whose
 * registers it needed: the AVX2 search it calls paid for saving them)
 */
static __attribute__((noinline)) bool find_slow(const struct kb_word *w,
						const unsigned char *cls,
						const unsigned char *s, size_t len)
{
	size_t i, last, a = w->anchor;

	if (!w->anchored) {
		for (i = 0; i + w->len <= len; i++)
			if (kb_word_at(w, cls, s, len, i))
				return true;
		return false;
	}
	last = len - w->len + a;
#if defined(__SSE2__) && defined(__GNUC__)
	if (len >= 17)
		return find_sse2(w, cls, s, len, a, last);
#endif
	for (i = a; i <= last; i++)
		if ((unsigned char)((s[i] | w->fold[0]) - w->base[0]) <= w->range[0] &&
		    (unsigned char)((s[i + 1] | w->fold[1]) - w->base[1]) <= w->range[1] &&
		    kb_word_at(w, cls, s, len, i - a))
			return true;
	return false;
}

bool kb_word_find(const struct kb_word *w, const unsigned char *cls, const unsigned char *s,
		  size_t len)
{
	if (len < w->len)
		return false;
#if defined(KB_WORD_AVX2)
	/* places of the pair from its place in the word (the word at 0) to the last */
	if (w->anchored && len >= 33 && kb_have_avx2())
		return find_avx2(w, cls, s, len, w->anchor, len - w->len + w->anchor);
#endif
	return find_slow(w, cls, s, len);
}

size_t kb_lead_next(const unsigned char *s, size_t len, size_t from, const char *lead, size_t n)
{
	unsigned char c0 = (unsigned char)lead[0], c1 = n > 1 ? (unsigned char)lead[1] : 0;
	unsigned char f0 = c0 >= 'a' && c0 <= 'z' ? 0x20 : 0;
	unsigned char f1 = c1 >= 'a' && c1 <= 'z' ? 0x20 : 0;
	size_t i = from;

#if defined(__SSE2__)
	{
		const __m128i v0 = _mm_set1_epi8((char)c0), v1 = _mm_set1_epi8((char)c1);
		const __m128i g0 = _mm_set1_epi8((char)f0), g1 = _mm_set1_epi8((char)f1);

		for (; i + 17 <= len; i += 16) {
			__m128i m = _mm_cmpeq_epi8(_mm_or_si128(_mm_loadu_si128(
					(const __m128i *)(s + i)), g0), v0);
			unsigned int hits;

			if (n > 1)
				m = _mm_and_si128(m, _mm_cmpeq_epi8(_mm_or_si128(_mm_loadu_si128(
						(const __m128i *)(s + i + 1)), g1), v1));
			hits = (unsigned int)_mm_movemask_epi8(m);
			if (hits)
				return i + (size_t)__builtin_ctz(hits);
		}
	}
#endif
	for (; i < len; i++)
		if ((s[i] | f0) == c0 && (n < 2 || (i + 1 < len && (s[i + 1] | f1) == c1)))
			return i;
	return len;
}
