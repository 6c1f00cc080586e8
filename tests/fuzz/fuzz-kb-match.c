// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the log-line matcher with the built-in knowledge base,
 * and the explain accumulator over the same input split into lines (which
 * runs the classifier of unknown lines on what no entry matches), and the
 * classifier on the whole input with every word hint set (its prefix reader
 * and address search on anything), and the kind of the whole-input match
 * (kb-kind.c kb_match_kind reading the cause its values carry: kb-cause.c).
 * The matcher must stay linear: a slow unit fails with -timeout.
 */
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "kb-cause.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vfd_kb *kb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct vfd_explain *ex;
	struct vfd_kb_match m;

	if (!kb) {
		struct vfd_parse_error err;

		if (vfd_kb_new_builtin(&kb, &err) < 0)
			abort();
	}
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
	/* the classifier, with every hint, as if each of its words were there */
	{
		struct vfd_unknown_class c;

		if (vfd_unknown_classify(p, size, ~UINT64_C(0), &c) &&
		    (!c.program || !c.subsystem || !c.problem))
			abort();
		if (vfd_unknown_classify(p, size, m.hints, &c) && (!c.program || !c.subsystem))
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
