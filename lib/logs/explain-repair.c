// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lines a copy altered (explain-repair.h). Both readings are tried only
 * where the line as it is found no dedicated entry, and the join only on
 * the lines that would be flagged as unknown or that a family or wrapper
 * reads: a large log's other lines cost one test each.
 */
#include <stdlib.h>

#include "explain-repair.h"
#include "kb-cache.h"
#include "kb-cut.h"
#include "kb-join.h"
#include "kb-stamp.h"

/*
 * the texts after the stamp that neither reading read, by hash (0 empty): a
 * log repeats its lines, and each repeat of a line ending in "..." ran the
 * cut VM again (the bench's boot log: 5,310 runs for 7 distinct lines).
 * Sets of four, a slot taken in turn when its set is full: one slot a text
 * let two texts of one slot push each other out on every boot (256 join
 * tries of the boot log for 185 distinct lines)
 */
#define REPAIR_MEMO	4096		/* a power of two */
#define REPAIR_WAYS	4
struct repair_memo {
	uint64_t h[REPAIR_MEMO];
	uint8_t next[REPAIR_MEMO / REPAIR_WAYS];	/* per set, the slot taken next */
};

void explain_repair_memo_free(struct repair_memo *memo)
{
	free(memo);
}

static int repair(struct vfd_kb *kb, struct unknown_memo **memo, char *scratch,
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

int explain_repair(struct vfd_kb *kb, struct unknown_memo **memo, struct repair_memo **rmemo,
		   char *scratch, const char **line, size_t *len, int r, struct vfd_kb_match *m)
{
	size_t st = kb_stamp_len((const unsigned char *)*line, *len);
	uint64_t h = kb_cache_hash((const unsigned char *)*line + st, *len - st, 0) | 1;
	size_t set = h & (REPAIR_MEMO / REPAIR_WAYS - 1);
	uint64_t *ways;

	for (size_t w = 0; *rmemo && w < REPAIR_WAYS; w++)
		if ((*rmemo)->h[set * REPAIR_WAYS + w] == h)
			return r;
	r = repair(kb, memo, scratch, line, len, r, m);
	/* no memory for the memo: each line is tried */
	if (!*rmemo)
		*rmemo = calloc(1, sizeof(**rmemo));
	if (r < 0 || m->end_cut || m->joined || !*rmemo)
		return r;
	ways = &(*rmemo)->h[set * REPAIR_WAYS];
	for (size_t w = 0; w < REPAIR_WAYS; w++)
		if (!ways[w]) {
			ways[w] = h;
			return r;
		}
	ways[(*rmemo)->next[set]] = h;
	(*rmemo)->next[set] = (uint8_t)(((*rmemo)->next[set] + 1) % REPAIR_WAYS);
	return r;
}
