/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dmesg time stamp in front of a kernel log line ("[   12.345678] ") and
 * what can read it (kb-stamp.c): the matcher's cache keeps a line's reading
 * under the text after the stamp, which is right only where nothing that
 * decides the reading can see into the stamp.
 */
#ifndef VFD_KB_STAMP_H
#define VFD_KB_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

struct kb_prefilter;
struct kb_pattern;

/* kb_stamp_len() but for the check inlined below */
size_t kb_stamp_len_slow(const unsigned char *s, size_t len);
#if defined(__SSE2__)
/*
 * kb-stamp.c printk_stamp() for a line of 16 bytes or more, its first 16 at
 * once: each byte in its range ('[', digits, '.', ']', ' '), but for the
 * blanks at 1 to 4 before the digits (a byte at a time, 69 instructions a
 * line the cache answers: a twentieth of a 50 MB boot log)
 */
static inline bool kb_printk_stamp16(const unsigned char *s)
{
	const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	const __m128i lo = _mm_setr_epi8('[', '0', '0', '0', '0', '0', '.', '0', '0', '0', '0', '0',
					 '0', ']', ' ', 0);
	const __m128i hi = _mm_setr_epi8('[', '9', '9', '9', '9', '9', '.', '9', '9', '9', '9', '9',
					 '9', ']', ' ', -1);
	const __m128i lead = _mm_setr_epi8(0, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	__m128i in = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, lo), x),
				   _mm_cmpeq_epi8(_mm_min_epu8(x, hi), x));
	__m128i blank = _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), lead);
	/* the blanks' bits shifted to start at bit 0: a run from there, or none */
	unsigned int b = (unsigned int)_mm_movemask_epi8(blank) >> 1;

	return _mm_movemask_epi8(_mm_or_si128(in, blank)) == 0xffff && (b & (b + 1)) == 0;
}
#endif

/*
 * the length of the time stamp at the start of @s: '[', blanks, digits, '.',
 * digits, ']' and one blank; 0 when @s does not start with one. Printk's
 * own stamp checked inline: a call a line the cache answers cost more
 */
static inline size_t kb_stamp_len(const unsigned char *s, size_t len)
{
#if defined(__SSE2__)
	if (len >= 16 && kb_printk_stamp16(s))
		return 15;
#endif
	return kb_stamp_len_slow(s, len);
}
/*
 * can a text that starts inside a stamp fit @n bytes whose k-th may be a
 * byte b where fits(ctx, k, b)? True when it can lie in the stamp or run
 * on past its end (the line's own text, anything): a word, or where a
 * match may start, that could depend on the stamp
 */
bool kb_stamp_may_start(bool (*fits)(const void *ctx, size_t k, unsigned char b),
			const void *ctx, size_t n);
/* can a match of @p start inside a stamp (kb-pattern.c can_start())? */
bool kb_stamp_pattern_may_start(const struct kb_pattern *p);
struct vfd_kb;
/*
 * may a match of @p (its program built) start inside a stamp? Its program
 * walked over the stamp's grammar from each of its places: false when no
 * match can (tries may still begin there, with steps that depend on the
 * stamp, where kb_stamp_pattern_may_start() is true); true with @next (a
 * set of 256 bits) the bytes the text after the stamp may start with for
 * such a match to go on (all of them where it may end in the stamp)
 */
bool kb_stamp_program_next(const struct vfd_kb *kb, const struct kb_pattern *p, uint64_t *next);
/*
 * the prefilter's words that may start inside a stamp: 1 when one of the
 * classifier's may (the hints would depend on it); else 0 with
 * @pattern_word[p] (room for every pattern) true for each pattern one of
 * whose words may; -ENOMEM
 */
int kb_stamp_words(const struct kb_prefilter *pf, bool *pattern_word);
/* can a word of the kinds (kb-kind.c) start inside one? true when the table is broken */
bool kb_kind_words_may_start_in_stamp(void);

#endif
