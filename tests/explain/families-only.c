// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compiled-in knowledge base with only its family entries (family: yes):
 * what test-family-kinds and test-source-kinds read lines with, to see the
 * kind a family gives when no dedicated entry exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfd.h"
#include "families-only.h"

static bool has_line(const char *s, const char *end, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = s; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - p) >= n && strncmp(p, want, n) == 0)
			return true;
		p = eol + 1;
	}
	return false;
}

/*
 * The compiled-in knowledge base with only its family entries: stanzas are
 * separated by blank lines (00-header.kb); an entry's stanza has an "id:"
 * line; stanzas that are no entry (the format line, comments) are kept.
 */
struct vfd_kb *families_only(void)
{
	size_t len, out_len = 0;
	const char *text = vfd_kb_builtin_text(&len), *end = text + len;
	char *out = malloc(len + 1);
	struct vfd_parse_error err;
	struct vfd_kb *kb = NULL;

	if (!out)
		abort();
	for (const char *p = text; p < end;) {
		const char *s = p, *stop;

		/* the stanza runs to the first empty line */
		for (stop = s; stop < end;) {
			const char *nl = memchr(stop, '\n', (size_t)(end - stop));
			const char *eol = nl ? nl : end;

			if (eol == stop)
				break;
			stop = eol < end ? eol + 1 : end;
		}
		if (!has_line(s, stop, "id:") || has_line(s, stop, "family: yes")) {
			memcpy(out + out_len, s, (size_t)(stop - s));
			out_len += (size_t)(stop - s);
			out[out_len++] = '\n';
		}
		p = stop < end ? stop + 1 : end;
	}
	if (vfd_kb_parse(out, out_len, &kb, &err) < 0) {
		fprintf(stderr, "families alone: line %u: %s\n", err.line,
			err.message);
		kb = NULL;
	}
	free(out);
	return kb;
}

