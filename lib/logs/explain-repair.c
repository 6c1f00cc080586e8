// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines a copy altered (explain-repair.h). Both readings are tried only
 * where the line as it is found no dedicated entry, and the join only on
 * the lines that would be flagged as unknown or that a family or wrapper
 * reads: a large log's other lines cost one test each.
 */
#include "explain-repair.h"
#include "kb-cut.h"
#include "kb-join.h"

int explain_repair(struct vfd_kb *kb, struct unknown_memo **memo, char *scratch,
		   const char **line, size_t *len, int r, struct vfd_kb_match *m)
{
	struct vfd_unknown_class class;
	size_t n;

	r = kb_match_end_cut(kb, *line, *len, r, m);
	if (r < 0 || (r == 1 && (m->end_cut || m->entry->harmless ||
				 !(m->entry->family || m->entry->wrapper || m->entry->broad))))
		return r;
	/* a cut line is not joined: its blanks are as copied */
	if (kb_cut_end_mark(*line, *len))
		return r;
	if (r == 0 && !(m->hints && unknown_memo_classify(memo, *line, *len, m->hints, &class)))
		return r;
	n = kb_match_joined(kb, *line, *len, &r, m, scratch);
	if (n) {
		*line = scratch;
		*len = n;
	}
	return r;
}
