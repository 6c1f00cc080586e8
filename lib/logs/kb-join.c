// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines wrapped inside a word and joined back (kb-join.h). A terminal wraps
 * at its width whatever the text there, and a mailer's or a forum's wrap at
 * a word boundary may still split a long token ("0000:01:00.0:", a path);
 * whoever joins the pieces back puts one blank where the break was. So a
 * blank is taken out only where it stands alone between two other bytes
 * (a break at a blank leaves two, which the matcher's blank runs read), and
 * a reading is kept only where the pattern's own literal text runs across
 * the join: an entry whose words the blank split.
 */
#include <errno.h>
#include <string.h>

#include "kb-internal.h"
#include "kb-join.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* do the bytes before and after @at (the join) lie in @m's literal text? */
static bool literal_across(const struct vfd_kb_match *m, size_t at)
{
	if (at <= m->start || at >= m->end)
		return false;
	for (size_t v = 0; v < m->n_values; v++) {
		size_t s = m->value_start[v], e = m->value_end[v];

		/* a value that takes either byte (values from the prefix have s == e) */
		if (s < e && s < at + 1 && e > at - 1)
			return false;
	}
	return true;
}

size_t kb_match_joined(struct vfd_kb *kb, const char *text, size_t len, int *r,
		       struct vfd_kb_match *m, char *out)
{
	struct vfd_kb_match jm, best;
	unsigned int floor = *r == 1 ? kb_match_rank(m->entry) : 0, best_rank = 0;
	size_t best_at = 0, tries = 0;
	int jr;

	if (*r < 0 || len > KB_JOIN_LINE_MAX || (*r == 1 && floor >= 4))
		return 0;
	for (size_t i = 1; i + 1 < len && tries < KB_JOIN_TRIES_MAX; i++) {
		unsigned int rank;

		if (text[i] != ' ' || is_blank(text[i - 1]) || is_blank(text[i + 1]))
			continue;
		tries++;
		memcpy(out, text, i);
		memcpy(out + i, text + i + 1, len - i - 1);
		jr = vfd_kb_match(kb, out, len - 1, &jm);
		if (jr < 0) {
			*r = jr;
			return 0;
		}
		if (jr == 0 || jm.entry->wrapper || jm.entry->broad)
			continue;
		rank = kb_match_rank(jm.entry);
		if ((*r == 1 && rank <= floor) || rank <= best_rank || !literal_across(&jm, i))
			continue;
		best = jm;
		best_rank = rank;
		best_at = i;
		if (rank == 4)
			break;
	}
	if (!best_rank)
		return 0;
	memcpy(out, text, best_at);
	memcpy(out + best_at, text + best_at + 1, len - best_at - 1);
	best.joined = true;
	*m = best;
	*r = 1;
	return len - 1;
}
