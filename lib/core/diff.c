// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A unified diff (the format of GNU diff -u and patch(1)) between two texts,
 * for showing what persist would change. The files are small configuration
 * files and the edits few: the common head and tail are cut off and the rest
 * compared with a longest-common-subsequence table, or, past a size where
 * that table would be large, shown as removed then added.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "persist.h"

#define CONTEXT 3
#define MAX_TABLE (4u << 20)	/* cells of the LCS table */

struct line {
	const char *p;
	size_t len;		/* with its '\n', when it has one */
};

static int split(const char *t, size_t len, struct line **out, size_t *n)
{
	size_t cap = 16, count = 0;
	struct line *v = malloc(cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(t + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - t) + 1 : len;

		if (count == cap) {
			struct line *nv = realloc(v, cap * 2 * sizeof(*nv));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[count].p = t + pos;
		v[count].len = next - pos;
		count++;
		pos = next;
	}
	*out = v;
	*n = count;
	return 0;
}

static bool line_eq(const struct line *a, const struct line *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* one line of the edit script: ' ' kept, '-' only in a, '+' only in b */
struct op {
	char kind;
	size_t ai, bi;		/* line indexes (the one of the side it belongs to) */
};

/* LCS over a[a0, a1) and b[b0, b1), appended to @ops; false when too large */
static int middle(const struct line *a, size_t a0, size_t a1, const struct line *b, size_t b0,
		  size_t b1, struct op *ops, size_t *nops)
{
	size_t n = a1 - a0, m = b1 - b0;
	uint32_t *t = NULL;
	size_t i = 0, j = 0;

	if (n && m && (n + 1) * (m + 1) <= MAX_TABLE) {
		t = calloc((n + 1) * (m + 1), sizeof(*t));
		if (!t)
			return -ENOMEM;
		/* t[i][j]: LCS length of a[a0+i..] and b[b0+j..] */
		for (size_t x = n; x-- > 0;)
			for (size_t y = m; y-- > 0;)
				t[x * (m + 1) + y] = line_eq(&a[a0 + x], &b[b0 + y])
					? t[(x + 1) * (m + 1) + y + 1] + 1
					: (t[(x + 1) * (m + 1) + y] > t[x * (m + 1) + y + 1]
					   ? t[(x + 1) * (m + 1) + y] : t[x * (m + 1) + y + 1]);
		while (i < n && j < m) {
			if (line_eq(&a[a0 + i], &b[b0 + j])) {
				ops[(*nops)++] = (struct op){ ' ', a0 + i++, b0 + j++ };
			} else if (t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]) {
				ops[(*nops)++] = (struct op){ '-', a0 + i++, b0 + j };
			} else {
				ops[(*nops)++] = (struct op){ '+', a0 + i, b0 + j++ };
			}
		}
		free(t);
	}
	for (; i < n; i++)
		ops[(*nops)++] = (struct op){ '-', a0 + i, b0 + j };
	for (; j < m; j++)
		ops[(*nops)++] = (struct op){ '+', a0 + n, b0 + j };
	return 0;
}

static void range(struct tbuf *o, char sign, size_t start, size_t count)
{
	/* GNU diff: a range of one line is just its number; an empty one names the line before */
	if (count == 1)
		tbuf_addf(o, "%c%zu", sign, start + 1);
	else
		tbuf_addf(o, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

static void emit(struct tbuf *o, char kind, const struct line *l)
{
	tbuf_add(o, &kind, 1);
	tbuf_add(o, l->p, l->len);
	if (!l->len || l->p[l->len - 1] != '\n')
		tbuf_adds(o, "\n\\ No newline at end of file\n");
}

char *unified_diff(const char *a_name, const char *a, size_t alen, const char *b_name,
		   const char *b, size_t blen)
{
	struct line *la = NULL, *lb = NULL;
	struct op *ops = NULL;
	struct tbuf o = { 0 };
	size_t na = 0, nb = 0, pre = 0, suf = 0, nops = 0;

	if (split(a, alen, &la, &na) < 0 || split(b, blen, &lb, &nb) < 0)
		goto oom;
	while (pre < na && pre < nb && line_eq(&la[pre], &lb[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && line_eq(&la[na - 1 - suf], &lb[nb - 1 - suf]))
		suf++;
	ops = malloc((na + nb + 1) * sizeof(*ops));
	if (!ops)
		goto oom;
	for (size_t i = 0; i < pre; i++)
		ops[nops++] = (struct op){ ' ', i, i };
	if (middle(la, pre, na - suf, lb, pre, nb - suf, ops, &nops) < 0)
		goto oom;
	for (size_t i = 0; i < suf; i++)
		ops[nops++] = (struct op){ ' ', na - suf + i, nb - suf + i };

	tbuf_add(&o, "", 0);
	for (size_t k = 0; k < nops;) {
		size_t start, end, as, bs, ac = 0, bc = 0;

		if (ops[k].kind == ' ') {
			k++;
			continue;
		}
		if (!o.len)
			tbuf_addf(&o, "--- %s\n+++ %s\n", a_name ? a_name : "/dev/null",
				  b_name ? b_name : "/dev/null");
		/* a hunk: this change, the ones within 2 * CONTEXT, and context around */
		start = k > CONTEXT ? k - CONTEXT : 0;
		end = k;
		for (size_t gap = 0; end < nops; end++) {
			if (ops[end].kind != ' ') {
				gap = 0;
				continue;
			}
			if (++gap > 2 * CONTEXT)
				break;
		}
		/* trim the trailing context to CONTEXT lines */
		while (end > k && ops[end - 1].kind == ' ') {
			size_t tail = 0;

			for (size_t x = end; x-- > k && ops[x].kind == ' ';)
				tail++;
			if (tail <= CONTEXT)
				break;
			end--;
		}
		as = ops[start].ai;
		bs = ops[start].bi;
		for (size_t x = start; x < end; x++) {
			ac += ops[x].kind != '+';
			bc += ops[x].kind != '-';
		}
		tbuf_adds(&o, "@@ ");
		range(&o, '-', as, ac);
		tbuf_adds(&o, " ");
		range(&o, '+', bs, bc);
		tbuf_adds(&o, " @@\n");
		for (size_t x = start; x < end; x++)
			emit(&o, ops[x].kind, ops[x].kind == '+' ? &lb[ops[x].bi] : &la[ops[x].ai]);
		k = end;
	}
	free(la);
	free(lb);
	free(ops);
	return tbuf_take(&o, NULL);
oom:
	free(la);
	free(lb);
	free(ops);
	tbuf_clear(&o);
	return NULL;
}
