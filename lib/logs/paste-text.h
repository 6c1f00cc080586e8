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

/* paste_suspect() eight bytes at a time, on any CPU (and to test the others) */
bool paste_suspect_swar(const char *s, size_t len);

/* what paste_scan() finds in a line */
#define PASTE_SUSPECT	1u	/* paste_suspect() */
#define PASTE_DOTS	2u	/* kb_has_dots() (kb-cut.h); told only of a line not suspect */
/*
 * paste_suspect() and kb_has_dots() of @s in one pass: PASTE_SUSPECT where
 * it is suspect, else PASTE_DOTS where it holds "..." (explain asks of a
 * line not suspect whether it holds dots where no entry reads it). Every
 * line of a log goes through it, so 32 bytes a step with AVX2 where the CPU
 * has it (kb-word.h kb_have_avx2()), else sixteen with SSE2
 */
unsigned int paste_scan(const char *s, size_t len);

/*
 * may @s hold a byte that a copy changed (any non-ASCII byte, '&' of an
 * entity, '`') or a logger's escape ('\\': log-escape.h)?
 */
static inline bool paste_suspect(const char *s, size_t len)
{
	return paste_scan(s, len) & PASTE_SUSPECT;
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
