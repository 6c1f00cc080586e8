// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the log-line matcher with the built-in knowledge base,
 * and the explain accumulator over the same input split into lines (which
 * runs the classifier of unknown lines on what no entry matches), and the
 * classifier on the whole input with every word hint set (its prefix reader
 * and address search on anything), and the kind of the whole-input match
 * (kb-kind.c kb_match_kind reading the cause its values carry: kb-cause.c).
 * The matcher must stay linear: a slow unit fails with -timeout. The input
 * after several dmesg time stamps, read twice, must read the same from the
 * matcher's cache (lib/logs/kb-cache.c) as from a knowledge base without one,
 * with the same kind, and the classifier's answers kept by the text after
 * the stamp (explain-unknown-memo.c) must be its answers.
 * Each "..." of the input (the first four) is also taken as a place where
 * systemd may have cut the line (lib/logs/kb-cut.c): the reading's places
 * and values lie in the line, none of its values spans a cut.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vfd.h"
#include "kb-cause.h"
#include "kb-cache.h"
#include "kb-cut.h"
#include "kb-internal.h"
#include "explain-unknown.h"
#include "explain-unknown-memo.h"
#include "explain-translated.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vfd_kb *kb, *plain;	/* plain: without the cache */

static bool same_match(const struct vfd_kb_match *a, const struct vfd_kb_match *b)
{
	if (!a->entry != !b->entry || (a->entry && strcmp(a->entry->id, b->entry->id) != 0) ||
	    a->pattern != b->pattern || a->start != b->start || a->end != b->end ||
	    a->n_values != b->n_values || a->slot_from_prefix != b->slot_from_prefix ||
	    a->hints != b->hints || a->incomplete != b->incomplete)
		return false;
	for (size_t i = 0; i < a->n_values; i++)
		if (a->values[i].type != b->values[i].type ||
		    strcmp(a->values[i].text, b->values[i].text) != 0)
			return false;
	return true;
}

/* the classifier's answers as kept by the text after the stamp (explain-unknown-memo.c) */
static bool same_class(const char *line, size_t len, uint64_t hints)
{
	static struct unknown_memo *memo;
	struct vfd_unknown_class a, b;
	bool ra = unknown_memo_classify(&memo, line, len, hints, &a);
	bool rb = vfd_unknown_classify(line, len, hints, &b);

	return ra == rb && (!ra || (a.problem == b.problem && strcmp(a.program, b.program) == 0 &&
				    strcmp(a.subsystem, b.subsystem) == 0));
}

/* the same kind, where one was kept with the cache's reading (kb-match.c) */
static bool same_kind(const struct vfd_kb_match *a, const struct vfd_kb_match *b,
		      const char *line, size_t len)
{
	const char *ka = kb_match_kind(a, line, len), *kb_ = kb_match_kind(b, line, len);

	return !ka == !kb_ && (!ka || strcmp(ka, kb_) == 0);
}

/*
 * the input after each stamp, twice: the cache's reading and a fresh one,
 * their kinds, and the classifier's answers kept and fresh
 */
static void cached_as_fresh(const char *p, size_t size)
{
	static const char *const stamps[] = { "[    1.000000] ", "[ 9050.256100] ", "" };
	char line[KB_CACHE_KEY_MAX + 32];

	if (size > KB_CACHE_KEY_MAX)
		return;
	for (int round = 0; round < 2; round++)
		for (size_t s = 0; s < sizeof(stamps) / sizeof(stamps[0]); s++) {
			size_t n = strlen(stamps[s]);
			struct vfd_kb_match a, b;

			memcpy(line, stamps[s], n);
			memcpy(line + n, p, size);
			if (vfd_kb_match(kb, line, n + size, &a) !=
				    vfd_kb_match(plain, line, n + size, &b) ||
			    !same_match(&a, &b) || !same_kind(&a, &b, line, n + size) ||
			    !same_class(line, n + size, a.hints) ||
			    !same_class(line, n + size, ~UINT64_C(0)))
				abort();
		}
}

/* a word of explain-unknown.c's reassured() in @p, ASCII case ignored */
static bool reassuring(const char *p, size_t size)
{
	static const char *const words[] = { "not a bug", "harmless", "ignored", "firmware" };

	for (size_t w = 0; w < sizeof(words) / sizeof(*words); w++)
		for (size_t i = 0; i + strlen(words[w]) <= size; i++)
			if (strncasecmp(p + i, words[w], strlen(words[w])) == 0)
				return true;
	return false;
}

/* the input read as cut at its "..." */
static void read_as_cut(const char *p, size_t size)
{
	size_t marks[KB_CUT_MARKS_MAX], n = 0;
	struct vfd_kb_match m;
	int r;

	for (size_t i = 0; i + 3 <= size && n < KB_CUT_MARKS_MAX; i++)
		if (memcmp(p + i, "...", 3) == 0) {
			marks[n++] = i;
			i += 2;
		}
	/* where three ASCII dots may be systemd's: each at a "...", rising, in the line */
	{
		size_t am[KB_CUT_MARKS_MAX], an = kb_cut_ascii_marks(p, size, am, KB_CUT_MARKS_MAX);

		if (an > KB_CUT_MARKS_MAX)
			abort();
		for (size_t k = 0; k < an; k++)
			if ((k && am[k] < am[k - 1] + 3) || am[k] + 3 > size ||
			    memcmp(p + am[k], "...", 3) != 0)
				abort();
	}
	/* a line systemd cut is a terminal's width (and a cut reading runs many patterns) */
	if (size > 200)
		return;
	/* the line as one that lost its end: a match within it, values too */
	r = kb_match_chopped(kb, p, size, &m);
	if (r < 0 || r > 1 || (r == 1 && (!m.cut || !m.chopped || m.start > m.end || m.end > size)))
		abort();
	for (size_t v = 0; r == 1 && v < m.n_values; v++)
		if (m.value_start[v] > m.value_end[v] || m.value_end[v] > size)
			abort();
	if (!n)
		return;
	r = kb_match_cut(kb, p, size, marks, n, &m);
	if (r < 0 || r > 1 || (r == 1 && (!m.cut || m.start > m.end || m.end > size)))
		abort();
	for (size_t v = 0; r == 1 && v < m.n_values; v++)
		if (m.value_start[v] > m.value_end[v] || m.value_end[v] > size)
			abort();
}

/*
 * explain loads the translated catalogues of every language the first time
 * a line is read against them, once per process (translated-shared.c): a
 * second or more under ASan that libFuzzer would charge to whichever unit
 * came first, and that unit would fail -timeout on a busy machine. Load them
 * here, before the clock runs; the set is the one explain asks for.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct vfd_translated *set;

	(void)argc;
	(void)argv;
	(void)vfd_translated_shared("/usr/share/locale", NULL, NULL, &set);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct vfd_explain *ex;
	struct vfd_kb_match m;

	if (!kb) {
		struct vfd_parse_error err;

		if (vfd_kb_new_builtin(&kb, &err) < 0 || vfd_kb_new_builtin(&plain, &err) < 0)
			abort();
		if (kb_match_cache_open(kb) < 0)
			abort();
		/* a knowledge base makes its cache at its 64th line: never, for this one */
		plain->lines_read = KB_CACHE_AFTER;
	}
	cached_as_fresh(p, size);
	read_as_cut(p, size);
	/* the whole input as one line */
	if (vfd_kb_match(kb, p, size, &m) == 1) {
		char *fix = vfd_kb_expand(m.entry->n_fixes ? m.entry->fixes[0] : "%slot%", &m);

		free(fix);
		if (m.start > m.end || m.end > size)
			abort();
		for (size_t v = 0; v < m.n_values; v++)
			if (m.value_start[v] > m.value_end[v] || m.value_end[v] > size)
				abort();
		/* a kind of the taxonomy, whatever the line carries */
		{
			const char *kind = kb_match_kind(&m, p, size);
			size_t k = 0;

			while (kind && vfd_kb_kinds[k] && strcmp(vfd_kb_kinds[k], kind) != 0)
				k++;
			if (!kind || !vfd_kb_kinds[k])
				abort();
		}
	}
	/*
	 * the classifier, with every hint, as if each of its words were there
	 * (a problem then, unless the line holds the printer's own reassurance:
	 * only that lowers a flagged line); and by itself, its words found by
	 * its own search: where no entry matched and the prefilter's scan found
	 * one of its words (a word with a digit or a rare byte, "can't", the
	 * scan finds only as written; the search by class, as "can\xd9t" too),
	 * as with the prefilter's hints
	 */
	{
		struct vfd_unknown_class c, alone;
		bool unmatched = vfd_kb_match(kb, p, size, &m) == 0 && !m.incomplete && m.hints;
		bool flagged;

		if (vfd_unknown_classify(p, size, ~UINT64_C(0), &c) &&
		    (!c.program || !c.subsystem || (!c.problem && !reassuring(p, size))))
			abort();
		flagged = vfd_unknown_classify(p, size, m.hints, &c);
		if (flagged && (!c.program || !c.subsystem))
			abort();
		if (vfd_unknown_classify_alone(p, size, &alone) != flagged && unmatched)
			abort();
		if (flagged && unmatched && (alone.problem != c.problem ||
					     strcmp(alone.program, c.program) != 0 ||
					     strcmp(alone.subsystem, c.subsystem) != 0))
			abort();
	}
	/* and line by line through explain */
	ex = vfd_explain_new(kb);
	while (ex && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		vfd_explain_feed(ex, p, len);
		p += len + 1;
	}
	vfd_explain_free(ex);
	return 0;
}
