/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a log line that systemd shortened to the terminal's width
 * (kb-cut.c): `systemctl status` without a pager and `journalctl
 * --no-full` keep the start and the end of a long message and put U+2026
 * where the middle was left out. Such a line is matched as "head, a gap
 * of unknown text, tail".
 */
#ifndef VFD_KB_CUT_H
#define VFD_KB_CUT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "vfd.h"

struct kb_cut_index;

/*
 * does @s hold three dots in a row (a cut that became "...")? Asked of every
 * line no entry reads: sixteen bytes a step, the next block 14 bytes on, so
 * that each run of three lies whole in one block (memchr() stopped at each
 * of a log's many dots, memmem() is slower on such short needles)
 */
static inline bool kb_has_dots(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

#if defined(__SSE2__)
	if (len >= 16) {
		const __m128i dot = _mm_set1_epi8('.');

		for (size_t i = 0;; i += 14) {
			unsigned int m;

			if (i + 16 > len)
				i = len - 16;
			m = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)(s + i)), dot));
			if (m & (m >> 1) & (m >> 2))
				return true;
			if (i + 16 == len)
				return false;
		}
	}
#endif
	while (end - p >= 3) {
		p = memchr(p, '.', (size_t)(end - p - 2));
		if (!p)
			return false;
		if (p[1] == '.' && p[2] == '.')
			return true;
		p++;
	}
	return false;
}

/* ellipses of one line that are looked at; more are read as the text "..." */
#define KB_CUT_MARKS_MAX	4

/*
 * the literal text of a pattern that must match on each side of a cut
 * (tests/explain/dev/README.md, "Tenth round": measured at 80, 100 and 120
 * columns)
 */
#define KB_CUT_HEAD_MIN		12	/* characters before the first cut */
#define KB_CUT_TAIL_MIN		3	/* characters after the last cut */

/*
 * kb_match_cut - the entry that best explains @text[0..len), where each of
 * the @n_marks places in @marks (ascending, at most KB_CUT_MARKS_MAX) holds
 * the three bytes "..." that stand for an ellipsis: either the text "..."
 * or a cut of unknown text (at least one of them a cut). A pattern matches
 * when it can match the text before a cut as the start of one instance and
 * the text after it as the rest, with at least KB_CUT_HEAD_MIN of its
 * literal characters before the first cut and KB_CUT_TAIL_MIN after the
 * last; among those that do, the highest rank (as vfd_kb_match), then the
 * most literal characters matched. Values that lie across a cut are left
 * out. Slow (every pattern one of whose words the line holds is run), for
 * the few lines that carry an ellipsis: lines over 1 KiB are not read as
 * cut, and the work on one line is capped (m->incomplete when it ran out).
 * Returns: 1 with @m filled (m->cut set), 0 none, -ENOMEM, -EINVAL.
 */
int kb_match_cut(struct vfd_kb *kb, const char *text, size_t len, const size_t *marks,
		 size_t n_marks, struct vfd_kb_match *m);

/*
 * Literal characters of a pattern before the end of a line chopped with no
 * mark (kb_match_chopped()): with nothing after the cut, only a long head
 * tells entries apart (tests/explain/dev/README.md, "Cut lines in other
 * spellings": 12 read one chopped line in 30 wrong, 30 fewer than 1 in 200)
 */
#define KB_CUT_CHOP_HEAD_MIN	30

/*
 * kb_match_chopped - the entry that best explains @text[0..len) taken as
 * the start of a message whose end was chopped off with no mark (a pager's
 * "less -S", a form's width): as kb_match_cut() with one cut at the line's
 * end, KB_CUT_CHOP_HEAD_MIN literal characters of the pattern before it and
 * none needed after it. Returns as kb_match_cut().
 */
int kb_match_chopped(struct vfd_kb *kb, const char *text, size_t len, struct vfd_kb_match *m);

/*
 * A line whose end a copy cut with a mark (kb_cut_end_mark()): the text
 * before the mark, KB_CUT_END_LINE_MIN bytes at least, is read as a
 * message's start holding KB_CUT_END_HEAD_MIN literal characters of a
 * pattern (tests/explain/dev/README.md, "Twenty-second round, paste
 * robustness": the mark says the line was cut, so fewer than a line
 * chopped with none needs; the head alone still has to tell entries apart)
 */
#define KB_CUT_END_LINE_MIN	24
#define KB_CUT_END_HEAD_MIN	20

/*
 * kb_cut_end_mark - the length of @text[0..len)'s text before a mark a copy
 * leaves where it cut the line's end ("...", U+2026, "[...]", "[U+2026]",
 * "(truncated)", "[truncated]"; blanks around it left out), or 0: no mark,
 * a run of four dots or more, or fewer than KB_CUT_END_LINE_MIN bytes before it
 */
size_t kb_cut_end_mark(const char *text, size_t len);

/*
 * kb_match_end_cut - a line that vfd_kb_match() read as @whole (1 with @m,
 * 0 none, or its error) and that ends in a cut mark (kb_cut_end_mark()):
 * read as a message's start (as kb_match_chopped(), with
 * KB_CUT_END_HEAD_MIN); that reading replaces @m (m->cut and m->end_cut
 * set) where it ranks higher; a dedicated entry's reading of the whole
 * line stands (the dots were the message's own). Returns 1, 0 or a
 * negative errno as vfd_kb_match().
 */
int kb_match_end_cut(struct vfd_kb *kb, const char *text, size_t len, int whole,
		     struct vfd_kb_match *m);

/*
 * kb_match_cut_over - a line with ellipses at @marks that vfd_kb_match()
 * read as @whole (1 with @m, 0 none, or its error): the cut reading
 * replaces @m where it ranks higher (no reading, a wrapper or a family
 * against a program's own entry); the whole line's reading stands where a
 * dedicated entry read it (the ellipsis was a forum's "..."). Returns 1, 0
 * or a negative errno as vfd_kb_match().
 */
int kb_match_cut_over(struct vfd_kb *kb, const char *text, size_t len, const size_t *marks,
		      size_t n_marks, int whole, struct vfd_kb_match *m);

/*
 * kb_cut_ascii_marks - the places of @text[0..len) where three ASCII dots may
 * be systemd's ellipsis: in a locale that is not UTF-8 it writes "..." for
 * it, three columns wide, and keeps ((W - 3) * 90 + 50) / 100 bytes of a
 * message of W columns before it and the rest of the W after it (kb-cut.c).
 * A "..." counts where the bytes after it and the bytes before it, from the
 * line's start or from a ": " before it (where a journal prefix ends), are
 * such a split, with KB_CUT_TAIL_MIN bytes after it at least. The first
 * @max such places into @marks, ascending. Returns their number.
 */
size_t kb_cut_ascii_marks(const char *text, size_t len, size_t *marks, size_t max);

void kb_cut_index_free(struct kb_cut_index *ix);

#endif
