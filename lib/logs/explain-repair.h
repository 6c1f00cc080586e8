/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lines a copy altered, read again (explain-repair.c): the end cut with a
 * mark (kb_match_end_cut()), a blank put inside a word where a wrapped line
 * was joined back (kb_match_joined()).
 */
#ifndef VFD_EXPLAIN_REPAIR_H
#define VFD_EXPLAIN_REPAIR_H

#include <stdbool.h>
#include <stddef.h>

#include "explain-unknown-memo.h"
#include "kb-cut.h"
#include "kb-join.h"
#include "vfd-kb.h"

/* is @line long enough for kb_match_joined() to try a blank in it? */
static inline bool explain_may_join(size_t len)
{
	return len >= KB_JOIN_COLUMN_MIN + 3 && len <= KB_JOIN_LINE_MAX;
}

/*
 * may @line end in a cut mark (kb_cut_end_mark())? Its last byte before
 * blanks and the one before that: the lines that end in a sentence's dot
 * or a bracket went through the six marks' memcmp()s (26 M instructions
 * of the bench's boot log with five copies of the KB, callgrind)
 */
static inline bool explain_may_end_cut(const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (len < KB_CUT_END_LINE_MIN + 3)
		return false;
	switch ((unsigned char)line[len - 1]) {
	case '.':	/* "..." */
		if (line[len - 2] != '.' || line[len - 3] != '.')
			return false;
		break;
	case ')':	/* "(truncated)" */
		if (line[len - 2] != 'd')
			return false;
		break;
	case ']':	/* "[...]", "[U+2026]", "[truncated]" */
		if (line[len - 2] != '.' && line[len - 2] != 'd' && (unsigned char)line[len - 2] != 0xa6)
			return false;
		break;
	case 0xa6:	/* U+2026 */
		break;
	default:
		return false;
	}
	return kb_cut_end_mark(line, len) != 0;
}

/*
 * may a line that vfd_kb_match() read as @r (@m) have been read better as
 * copied? Asked of every line, so only the cheapest tests, those
 * explain_repair() would make first: it ends in a cut mark; or no entry
 * read it, it holds a word of the classifier's (m->hints) and is long
 * enough to be joined; or a family, wrapper or broad entry that is not
 * harmless read it and it is long enough to be joined. (Any line ending in
 * a dot went on to the memo's hash: 178,568 lines of the bench's boot log,
 * now 25,794.)
 */
static inline bool explain_may_repair(const char *line, size_t len, int r,
				      const struct vfd_kb_match *m)
{
	if (r == 1)
		return !m->entry->harmless &&
		       (m->entry->family || m->entry->wrapper || m->entry->broad) &&
		       (explain_may_join(len) || explain_may_end_cut(line, len));
	if (r != 0 || !len)
		return false;
	if (m->hints)
		return explain_may_join(len) || explain_may_end_cut(line, len);
	switch ((unsigned char)line[len - 1]) {
	case '.': case ')': case ']': case 0xa6: case ' ':
		return explain_may_end_cut(line, len);
	default:
		return false;
	}
}

/*
 * explain_repair - a line (*@line, *@len) read as @r (@m), for which
 * explain_may_repair() holds: read as cut at its end where it ends in a
 * mark; else, where no entry read it and the classifier keeps it
 * (unknown_memo_classify() with *@memo), or a family or wrapper read it, read
 * with a blank inside a word taken out: then *@line is @scratch (room for
 * *@len bytes) holding the joined line, *@len its length.
 */
struct repair_memo;

/*
 * *@rmemo (made on first use) keeps the lines after their stamp that neither
 * reading read: their repeats are not tried again. Returns 1, 0 or a
 * negative errno as vfd_kb_match(), @m the reading.
 */
int explain_repair(struct vfd_kb *kb, struct unknown_memo **memo, struct repair_memo **rmemo,
		   char *scratch, const char **line, size_t *len, int r, struct vfd_kb_match *m);
void explain_repair_memo_free(struct repair_memo *memo);

#endif
