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
#include "vfd-kb.h"

/*
 * may a line that vfd_kb_match() read as @r (@m) have been read better as
 * copied? Asked of every line, so only the cheapest tests: no entry read
 * it and it holds a word of the classifier's (m->hints) or ends where a cut
 * mark would; or a family, wrapper or broad entry that is not harmless read it
 */
static inline bool explain_may_repair(const char *line, size_t len, int r,
				      const struct vfd_kb_match *m)
{
	if (r == 1)
		return !m->entry->harmless &&
		       (m->entry->family || m->entry->wrapper || m->entry->broad);
	if (r != 0 || !len)
		return false;
	if (m->hints)
		return true;
	switch ((unsigned char)line[len - 1]) {
	case '.': case ')': case ']': case 0xa6: case ' ':
		return true;
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
