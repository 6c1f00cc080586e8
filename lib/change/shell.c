// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A small reader of shell assignments for the files persist edits in place:
 * /etc/default/grub (sourced by grub-mkconfig) and /etc/mkinitcpio.conf
 * (sourced by mkinitcpio). It follows quoting (POSIX 2.2: '...' literal,
 * "..." with \ escaping \ " $ ` and newline, backslash outside quotes,
 * backslash-newline continuation) and keeps, for every character of a value,
 * the bytes it came from, so an edit can touch only the words concerned.
 * What the shell would compute ($VAR, `cmd`, $(cmd)) in a value we must edit
 * is refused, never guessed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "persist.h"

struct lexer {
	const char *t;
	size_t len, pos;
	unsigned int line;
	bool strict;		/* expansions are errors, not skipped */
	struct shchar *chars;
	size_t n, cap;
	bool oom;
	struct vfd_parse_error *err;
	size_t last_open, last_close;	/* the last quoted segment */
	bool ended_quoted;
};

static __attribute__((format(printf, 2, 3))) int lex_fail(struct lexer *lx, const char *fmt,
							      ...)
{
	va_list ap;

	if (lx->err) {
		lx->err->line = lx->line;
		va_start(ap, fmt);
		vsnprintf(lx->err->message, sizeof(lx->err->message), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static void put(struct lexer *lx, char c, size_t raw, size_t rawlen, char quote)
{
	if (lx->oom)
		return;
	if (array_reserve((void **)&lx->chars, &lx->cap, lx->n, sizeof(*lx->chars), 64) < 0) {
		lx->oom = true;
		return;
	}
	lx->chars[lx->n++] = (struct shchar){ c, raw, rawlen, quote };
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* a newline at @p, "\n" or "\r\n": its length, else 0 */
static size_t newline_at(const struct lexer *lx, size_t p)
{
	if (p < lx->len && lx->t[p] == '\n')
		return 1;
	if (p + 1 < lx->len && lx->t[p] == '\r' && lx->t[p + 1] == '\n')
		return 2;
	return 0;
}

/* skip a $(...) or `...` the shell would run (skip mode only) */
static int skip_substitution(struct lexer *lx)
{
	int depth = 0;
	char close = lx->t[lx->pos] == '`' ? '`' : ')';

	if (close == ')')
		lx->pos++;	/* the '$' */
	for (lx->pos++; lx->pos < lx->len; lx->pos++) {
		char c = lx->t[lx->pos];

		if (c == '\n')
			lx->line++;
		if (c == '\\') {
			lx->pos++;
			continue;
		}
		if (close == ')' && c == '(')
			depth++;
		else if (c == close && depth-- == 0)
			return 0;
	}
	return lex_fail(lx, "unterminated %s", close == ')' ? "$(" : "`");
}

/*
 * One shell word from lx->pos: stops at an unquoted blank, newline, ';', '&',
 * '|', '(' or ')'. The characters go to lx->chars.
 */
static int lex_word(struct lexer *lx)
{
	lx->ended_quoted = false;
	while (lx->pos < lx->len) {
		size_t p = lx->pos;
		char c = lx->t[p];
		size_t nl;

		if (is_blank(c) || newline_at(lx, p) || c == ';' || c == '&' || c == '|' ||
		    c == '(' || c == ')' || c == '\r')
			return 0;
		lx->ended_quoted = false;
		if (c == '\'') {
			const char *q = memchr(lx->t + p + 1, '\'', lx->len - p - 1);

			/* named where it opens: the line the user must look at */
			if (!q)
				return lex_fail(lx, "unterminated %s quote", "single");
			for (size_t i = p + 1; i < (size_t)(q - lx->t); i++) {
				if (lx->t[i] == '\n')
					lx->line++;
				put(lx, lx->t[i], i, 1, '\'');
			}
			lx->last_open = p;
			lx->last_close = (size_t)(q - lx->t);
			lx->pos = lx->last_close + 1;
			lx->ended_quoted = true;
			continue;
		}
		if (c == '"') {
			unsigned int opened = lx->line;
			size_t i = p + 1;

			for (;;) {
				if (i >= lx->len) {
					lx->line = opened;
					return lex_fail(lx, "unterminated %s quote", "double");
				}
				c = lx->t[i];
				if (c == '"')
					break;
				if (c == '\\' && (nl = newline_at(lx, i + 1))) {
					/* continuation: neither character is in the value */
					lx->line++;
					i += 1 + nl;
					continue;
				}
				if (c == '\\' && i + 1 < lx->len && strchr("$`\"\\", lx->t[i + 1]) &&
				    lx->t[i + 1]) {
					put(lx, lx->t[i + 1], i, 2, '"');
					i += 2;
					continue;
				}
				if ((c == '$' || c == '`') && lx->strict)
					return lex_fail(lx, "%s: the value is computed by the shell",
							c == '$' ? "'$'" : "'`'");
				if (c == '\n')
					lx->line++;
				put(lx, c, i, 1, '"');
				i++;
			}
			lx->last_open = p;
			lx->last_close = i;
			lx->pos = i + 1;
			lx->ended_quoted = true;
			continue;
		}
		if (c == '\\') {
			nl = newline_at(lx, p + 1);
			if (nl) {
				lx->line++;
				lx->pos = p + 1 + nl;
				continue;
			}
			if (p + 1 >= lx->len)
				return lex_fail(lx, "%s at the end of the file", "a backslash");
			put(lx, lx->t[p + 1], p, 2, 0);
			lx->pos = p + 2;
			continue;
		}
		if (c == '$' || c == '`') {
			if (lx->strict)
				return lex_fail(lx, "%s: the value is computed by the shell",
						c == '$' ? "'$'" : "'`'");
			if (c == '`' || (p + 1 < lx->len && lx->t[p + 1] == '(')) {
				int r = skip_substitution(lx);

				if (r < 0)
					return r;
				lx->pos++;
				continue;
			}
		}
		put(lx, c, p, 1, 0);
		lx->pos = p + 1;
	}
	return 0;
}

static void skip_to_eol(struct lexer *lx)
{
	const char *nl = memchr(lx->t + lx->pos, '\n', lx->len - lx->pos);

	lx->pos = nl ? (size_t)(nl - lx->t) + 1 : lx->len;
	lx->line++;
}

static bool is_name_char(char c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (!first && c >= '0' && c <= '9');
}

static void words_free(struct shword *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i].text);
	free(w);
}

void sh_value_clear(struct shvalue *v)
{
	words_free(v->words, v->nwords);
	memset(v, 0, sizeof(*v));
}

static int add_word(struct shvalue *v, const struct shchar *c, size_t n)
{
	struct shword *nw = realloc(v->words, (v->nwords + 1) * sizeof(*nw));
	struct shword *w;
	char *text = malloc(n + 1);
	bool plain = true;

	if (!nw || !text) {
		if (nw)
			v->words = nw;
		free(text);
		return -ENOMEM;
	}
	v->words = nw;
	for (size_t i = 0; i < n; i++) {
		text[i] = c[i].c;
		if (c[i].rawlen != 1 || c[i].quote != c[0].quote ||
		    (i && c[i].raw != c[i - 1].raw + 1))
			plain = false;
	}
	text[n] = '\0';
	w = &v->words[v->nwords++];
	w->text = text;
	w->start = n ? c[0].raw : 0;
	w->end = n ? c[n - 1].raw + c[n - 1].rawlen : 0;
	w->plain = plain;
	return 0;
}

/* the unquoted characters split at whitespace, as the kernel splits its command line */
static int split_words(struct shvalue *v, const struct shchar *c, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j;

		if (strchr(" \t\n\r\f\v", c[i].c) && c[i].c) {
			i++;
			continue;
		}
		for (j = i; j < n && !(strchr(" \t\n\r\f\v", c[j].c) && c[j].c); j++)
			;
		if (add_word(v, c + i, j - i) < 0)
			return -ENOMEM;
		i = j;
	}
	return 0;
}

/* NAME=(...) from lx->pos at the '(' */
static int lex_array(struct lexer *lx, struct shvalue *v, bool keep)
{
	unsigned int opened = lx->line;

	v->array = true;
	v->open = lx->pos++;
	for (;;) {
		size_t nl, wstart;
		int r;

		while (lx->pos < lx->len && (is_blank(lx->t[lx->pos]) || lx->t[lx->pos] == '\r'))
			lx->pos++;
		if (lx->pos >= lx->len) {
			lx->line = opened;
			return lex_fail(lx, "%s: no closing ')'", "array");
		}
		nl = newline_at(lx, lx->pos);
		if (nl || lx->t[lx->pos] == '\n') {
			lx->pos += nl ? nl : 1;
			lx->line++;
			continue;
		}
		if (lx->t[lx->pos] == '#') {
			skip_to_eol(lx);
			continue;
		}
		if (lx->t[lx->pos] == ')') {
			v->close = lx->pos++;
			return 0;
		}
		if (strchr(";&|(", lx->t[lx->pos]))
			return lex_fail(lx, "'%c' inside an array", lx->t[lx->pos]);
		wstart = lx->pos;
		lx->n = 0;
		r = lex_word(lx);
		if (r < 0)
			return r;
		if (lx->oom)
			return -ENOMEM;
		if (keep && lx->n && add_word(v, lx->chars, lx->n) < 0)
			return -ENOMEM;
		if (keep && lx->n) {
			/* an element is the whole shell word, quotes and all */
			struct shword *w = &v->words[v->nwords - 1];

			w->start = wstart;
			w->end = lx->pos;
			w->plain = true;
		}
		/* an element in the array that the shell would compute */
		if (!lx->n && lx->strict)
			return lex_fail(lx, "%s: an empty element", "array");
	}
}

int sh_find_assign(const char *text, size_t len, const char *name, struct shvalue *v,
		   struct vfd_parse_error *err)
{
	struct lexer lx = { .t = text, .len = len, .line = 1, .err = err };
	size_t nlen = strlen(name);
	int found = 0, r = 0;

	memset(v, 0, sizeof(*v));
	while (lx.pos < lx.len) {
		size_t p = lx.pos, q;
		unsigned int line = lx.line;
		bool ours, append = false;

		while (p < len && (is_blank(text[p]) || text[p] == '\r'))
			p++;
		if (p + 7 <= len && memcmp(text + p, "export", 6) == 0 && is_blank(text[p + 6])) {
			p += 7;
			while (p < len && is_blank(text[p]))
				p++;
		}
		for (q = p; q < len && is_name_char(text[q], q == p); q++)
			;
		if (q == p || q >= len || (text[q] != '=' && !(text[q] == '+' && q + 1 < len &&
							      text[q + 1] == '='))) {
			/* not an assignment: a comment, a blank line, a command */
			lx.pos = p;
			skip_to_eol(&lx);
			continue;
		}
		ours = q - p == nlen && memcmp(text + p, name, nlen) == 0;
		if (text[q] == '+') {
			append = true;
			q++;
		}
		lx.pos = q + 1;
		lx.strict = ours;
		lx.n = 0;
		if (ours) {
			if (append) {
				r = lex_fail(&lx, "%s+=: the value adds to itself", name);
				goto out;
			}
			sh_value_clear(v);
			v->line = line;
			v->start = lx.pos;
		}
		if (lx.pos < len && text[lx.pos] == '(') {
			struct shvalue scratch = { 0 };

			/* another array is only skipped: it must not touch @v */
			r = lex_array(&lx, ours ? v : &scratch, ours);
		} else {
			r = lex_word(&lx);
			if (r == 0 && ours) {
				v->quoted_end = lx.ended_quoted;
				v->open = lx.last_open;
				v->close = lx.last_close;
				r = lx.oom ? -ENOMEM : split_words(v, lx.chars, lx.n);
			}
		}
		if (r < 0)
			goto out;
		if (lx.oom) {
			r = -ENOMEM;
			goto out;
		}
		if (ours) {
			v->end = lx.pos;
			found = 1;
		}
		/* the rest of the line: a comment, "; export NAME", ... */
		if (lx.pos < len)
			skip_to_eol(&lx);
	}
out:
	free(lx.chars);
	if (r < 0) {
		sh_value_clear(v);
		return r;
	}
	return found;
}

char *sh_dquote_escape(const char *s)
{
	struct tbuf b = { 0 };

	for (; *s; s++) {
		if (strchr("\\\"$`", *s))
			tbuf_add(&b, "\\", 1);
		tbuf_add(&b, s, 1);
	}
	return tbuf_take(&b, NULL);
}

static bool all_blank(const char *t, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		if (!is_blank(t[i]))
			return false;
	return true;
}

void sh_cut_words(const char *text, size_t vstart, size_t vend, const struct shword *words,
		  size_t n, const bool *drop, struct splices *sp)
{
	size_t used = vstart;	/* bytes before this were already cut or kept */

	for (size_t i = 0; i < n; i++) {
		const struct shword *w = &words[i];
		size_t before = i ? words[i - 1].end : vstart;
		size_t after = i + 1 < n ? words[i + 1].start : vend;

		if (!drop[i]) {
			used = w->end;
			continue;
		}
		if (before >= used && before < w->start && all_blank(text, before, w->start)) {
			splices_add(sp, before, w->end, "");
			used = w->end;
		} else if (w->end < after && all_blank(text, w->end, after)) {
			splices_add(sp, w->start, after, "");
			used = after;
		} else {
			splices_add(sp, w->start, w->end, "");
			used = w->end;
		}
	}
}

int sh_get_words(const char *text, size_t len, const char *var, char ***words,
		 struct vfd_parse_error *err)
{
	struct strv_builder b = { 0 };
	struct shvalue v;
	int r = sh_find_assign(text, len, var, &v, err);

	*words = NULL;
	if (r <= 0)
		return r ? r : -ENOENT;
	for (size_t i = 0; i < v.nwords; i++)
		strv_addf(&b, "%s", v.words[i].text);
	sh_value_clear(&v);
	if (b.oom) {
		strv_builder_clear(&b);
		return -ENOMEM;
	}
	*words = strv_take(&b);
	return 0;
}
