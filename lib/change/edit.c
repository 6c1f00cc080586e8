// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text editing helpers for persist: splices (replace ranges
 * of a text, leaving every other byte alone), line endings, and the marked
 * block persist keeps in files others own too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "persist.h"

unsigned int text_eols_before_append(const char *text, size_t len)
{
	unsigned int n = 0;
	size_t end = len, slashes = 0;

	if (!len)
		return 0;
	if (text[end - 1] == '\n')
		end--;
	else
		n++;
	/* "\r\n" ends a line too, and so does a last '\r' once a newline follows it */
	if (end && text[end - 1] == '\r')
		end--;
	while (slashes < end && text[end - 1 - slashes] == '\\')
		slashes++;
	return n + (slashes % 2);
}

const char *text_eol(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);

	return nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
}

uint64_t text_hash(const char *text, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void splices_add(struct splices *s, size_t start, size_t end, const char *with)
{
	struct splice *nv;

	if (s->oom)
		return;
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv) {
		s->oom = true;
		return;
	}
	s->v = nv;
	s->v[s->n].start = start;
	s->v[s->n].end = end;
	s->v[s->n].with = strdup(with ? with : "");
	if (!s->v[s->n].with) {
		s->oom = true;
		return;
	}
	s->n++;
}

static int splice_cmp(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

char *splices_apply(struct splices *s, const char *text, size_t len, size_t *out_len)
{
	struct tbuf b = { 0 };
	size_t pos = 0;

	if (s->oom)
		return NULL;
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), splice_cmp);
	for (size_t i = 0; i < s->n; i++) {
		const struct splice *sp = &s->v[i];

		/* overlapping edits are a bug of the caller: refuse rather than guess */
		if (sp->start < pos || sp->end < sp->start || sp->end > len) {
			tbuf_clear(&b);
			errno = EINVAL;
			return NULL;
		}
		tbuf_add(&b, text + pos, sp->start - pos);
		tbuf_adds(&b, sp->with);
		pos = sp->end;
	}
	tbuf_add(&b, text + pos, len - pos);
	return tbuf_take(&b, out_len);
}

void splices_clear(struct splices *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].with);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* does the line [p, p + n) start with @marker (after blanks)? */
static bool line_is(const char *p, size_t n, const char *marker)
{
	size_t ml = strlen(marker);

	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	return n >= ml && memcmp(p, marker, ml) == 0;
}

int block_find(const char *text, size_t len, size_t *start, size_t *end,
	       struct vfd_parse_error *err)
{
	size_t pos = 0, bstart = 0;
	unsigned int line = 0, bline = 0;
	bool in = false, found = false;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - text) + 1 : len;
		size_t n = next - pos;

		line++;
		if (line_is(text + pos, n, BLOCK_BEGIN)) {
			if (in || found) {
				vfd_parse_error_set(err, line, "%s", in ? "a second '" BLOCK_BEGIN "' before the end "
							"of the first block"
						      : "a second vfio-doctor block");
				return -EINVAL;
			}
			in = true;
			bstart = pos;
			bline = line;
		} else if (line_is(text + pos, n, BLOCK_END)) {
			if (!in) {
				vfd_parse_error_set(err, line, "%s", "'" BLOCK_END "' without its BEGIN line");
				return -EINVAL;
			}
			in = false;
			found = true;
			*start = bstart;
			*end = next;
		}
		pos = next;
	}
	if (in) {
		vfd_parse_error_set(err, bline, "%s", "'" BLOCK_BEGIN "' without its END line");
		return -EINVAL;
	}
	return found ? 1 : 0;
}

int block_set(const char *text, size_t len, const char *const *lines, char **out,
	      size_t *out_len, struct vfd_parse_error *err)
{
	const char *eol = text_eol(text, len);
	struct tbuf b = { 0 };
	size_t start = len, end = len;
	bool empty = !lines || !lines[0];
	int r;

	*out = NULL;
	r = block_find(text, len, &start, &end, err);
	if (r < 0)
		return r;
	if (r == 1) {
		/* a block rewritten keeps the line ending it was written with */
		const char *nl = memchr(text + start, '\n', len - start);

		eol = nl && nl > text + start && nl[-1] == '\r' ? "\r\n" : "\n";
	}
	tbuf_add(&b, text, start);
	if (!empty) {
		/* a file whose last line has no newline gets one before the block */
		for (unsigned int i = r == 0 ? text_eols_before_append(text, len) : 0; i; i--)
			tbuf_adds(&b, eol);
		tbuf_addf(&b, "%s (remove with: vfio-doctor persist --undo)%s", BLOCK_BEGIN, eol);
		for (const char *const *l = lines; *l; l++)
			tbuf_addf(&b, "%s%s", *l, eol);
		tbuf_addf(&b, "%s%s", BLOCK_END, eol);
	}
	tbuf_add(&b, text + end, len - end);
	*out = tbuf_take(&b, out_len);
	return *out ? 0 : -ENOMEM;
}
