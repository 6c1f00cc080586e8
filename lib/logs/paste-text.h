/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A log line as its program printed it, from the copy a user pasted
 * (paste-text.c): web pages, forums and chat turn quotes into typographic
 * ones, spaces into non-breaking ones, "--" into dashes, and some escape
 * the text as HTML; Markdown puts a line between backticks. The knowledge
 * base holds the programs' own bytes, so those copies are read back first.
 */
#ifndef VFD_PASTE_TEXT_H
#define VFD_PASTE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* paste_suspect() eight bytes at a time, on any CPU (and to test the SSE2 one) */
bool paste_suspect_swar(const char *s, size_t len);

/*
 * may @s hold a byte that a copy changed (any non-ASCII byte, '&' of an
 * entity, '`') or a logger's escape ('\\': log-escape.h)? Every line of a
 * log goes through it, so sixteen bytes at a time with SSE2 (every x86-64
 * has it), inline in the reader's loop
 */
static inline bool paste_suspect(const char *s, size_t len)
{
#if defined(__SSE2__)
	const __m128i amp = _mm_set1_epi8('&'), tick = _mm_set1_epi8('`');
	const __m128i bs = _mm_set1_epi8('\\');
	__m128i v;

	if (len < 16)
		return paste_suspect_swar(s, len);
	/* the blocks of sixteen, the last one overlapping the one before it */
	for (size_t i = 0;; i += 16) {
		if (i + 16 > len)
			i = len - 16;
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		if (_mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(v, _mm_cmpeq_epi8(v, bs)),
			    _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, tick)))))
			return true;
		if (i + 16 == len)
			return false;
	}
#else
	return paste_suspect_swar(s, len);
#endif
}
/*
 * @s as printed into @out (room for @len bytes: it never grows) and its
 * length: typographic quotes, dashes, spaces and the ellipsis as ASCII,
 * invisible marks dropped, HTML's entities for ASCII and those characters
 * decoded (one level), a line wrapped in backticks unwrapped. Any other
 * byte is kept as it is.
 */
size_t paste_restore(const char *s, size_t len, char *out);
/*
 * paste_restore(), and where each U+2026 (the ellipsis systemd puts where
 * it cut a line), or an HTML entity for it, was written as "..." in @out: the first @max places into
 * @marks, ascending, their number into @n_marks
 */
size_t paste_restore_marks(const char *s, size_t len, char *out, size_t *marks, size_t max,
			   size_t *n_marks);

/*
 * does @s hold a letter of a script other than ASCII's (UTF-8)? A line
 * without one is no translation worth loading the catalogues for: symbols
 * such as systemd's bullet or a box-drawing line are not words
 */
bool paste_has_letter(const char *s, size_t len);

#endif
