// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Initramfs configuration editors: the initramfs-tools modules list (one
 * module a line, '#' comments; initramfs-tools(7)) and the bash arrays of
 * mkinitcpio.conf(5) (MODULES=(...), FILES=(...), HOOKS=(...), or the old
 * MODULES="..." string form). dracut needs no editor: persist owns a whole
 * file in /etc/dracut.conf.d.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "persist.h"

int modules_file_names(const char *text, size_t len, char ***names)
{
	struct strv_builder b = { 0 };

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, i = pos, j;

		while (i < end && (text[i] == ' ' || text[i] == '\t'))
			i++;
		for (j = i; j < end && text[j] != ' ' && text[j] != '\t' && text[j] != '\r'; j++)
			;
		if (j > i && text[i] != '#')
			strv_addf(&b, "%.*s", (int)(j - i), text + i);
		pos = nl ? end + 1 : len;
	}
	if (b.oom) {
		strv_builder_clear(&b);
		return -ENOMEM;
	}
	*names = strv_take(&b);
	return *names ? 0 : -ENOMEM;
}

static bool same(const struct array_edit *e, const char *a, const char *b)
{
	return e->modules ? module_name_eq(a, b) : strcmp(a, b) == 0;
}

static bool listed(const struct array_edit *e, const char *const *list, const char *w)
{
	for (; list && *list; list++)
		if (same(e, *list, w))
			return true;
	return false;
}

/* the byte at @pos once the cut ranges of @sp are skipped, -1 at the end */
static int byte_after(const char *text, size_t len, const struct splices *sp, size_t pos)
{
	size_t p = pos;

	for (bool moved = true; moved;) {
		moved = false;
		for (size_t i = 0; i < sp->n; i++) {
			if (sp->v[i].start == p && sp->v[i].end > p && !*sp->v[i].with) {
				p = sp->v[i].end;
				moved = true;
			}
		}
	}
	return p < len ? (unsigned char)text[p] : -1;
}

static char *joined(char **v, size_t n, const char *sep_before, const char *sep_after)
{
	struct tbuf b = { 0 };

	if (!n)
		return strdup("");
	tbuf_adds(&b, sep_before);
	for (size_t i = 0; i < n; i++)
		tbuf_addf(&b, "%s%s", i ? " " : "", v[i]);
	tbuf_adds(&b, sep_after);
	return tbuf_take(&b, NULL);
}

static void insert(struct splices *sp, size_t at, char *s)
{
	if (!s)
		sp->oom = true;
	else if (*s)
		splices_add(sp, at, at, s);
	free(s);
}

int shell_array_edit(const char *text, size_t len, const struct array_edit *e, char **out,
		     size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err)
{
	struct strv_builder front = { 0 }, back = { 0 }, rem = { 0 };
	struct splices sp = { 0 };
	struct shvalue v;
	bool *drop = NULL, kept = false;
	size_t last_kept = 0;
	int found, r = -ENOMEM;

	*out = NULL;
	found = sh_find_assign(text, len, e->name, &v, err);
	if (found < 0)
		return found;
	drop = calloc(v.nwords + 1, sizeof(bool));
	if (!drop)
		goto out;
	for (size_t i = 0; i < v.nwords; i++) {
		if (!listed(e, e->remove, v.words[i].text)) {
			kept = true;
			last_kept = i;
			continue;
		}
		if (!v.array && !v.words[i].plain) {
			if (err) {
				err->line = v.line;
				snprintf(err->message, sizeof(err->message),
					 "%s: '%s' is quoted in parts; cannot remove it alone", e->name,
					 v.words[i].text);
			}
			r = -EINVAL;
			goto out;
		}
		drop[i] = true;
		strv_addf(&rem, "%s", v.words[i].text);
	}
	for (int pass = 0; pass < 2; pass++) {
		const char *const *list = pass ? e->append : e->prepend;
		struct strv_builder *to = pass ? &back : &front;

		for (; list && *list; list++) {
			bool have = listed(e, (const char *const *)front.v, *list) ||
				    listed(e, (const char *const *)back.v, *list);

			for (size_t i = 0; i < v.nwords && !have; i++)
				have = !drop[i] && same(e, v.words[i].text, *list);
			if (!have)
				strv_addf(to, "%s", *list);
		}
	}
	if (front.oom || back.oom || rem.oom)
		goto out;
	if (found && v.array) {
		int next;

		sh_cut_words(text, v.open + 1, v.close, v.words, v.nwords, drop, &sp);
		next = byte_after(text, len, &sp, v.open + 1);
		if (!kept) {
			char **all = NULL;
			struct strv_builder both = { 0 };

			for (size_t i = 0; i < front.n; i++)
				strv_addf(&both, "%s", front.v[i]);
			for (size_t i = 0; i < back.n; i++)
				strv_addf(&both, "%s", back.v[i]);
			if (both.oom) {
				strv_builder_clear(&both);
				goto out;
			}
			all = both.v;
			insert(&sp, v.open + 1, joined(all, both.n, "",
						       next >= 0 && !strchr(" \t\r\n)", next)
						       ? " " : ""));
			strv_builder_clear(&both);
		} else {
			insert(&sp, v.open + 1, joined(front.v, front.n, "",
						       next >= 0 && !strchr(" \t\r\n", next) ? " " : ""));
			insert(&sp, v.words[last_kept].end, joined(back.v, back.n, " ", ""));
		}
	} else if (found && v.quoted_end && (text[v.start] == '"' || text[v.start] == '\'') &&
		   v.open == v.start) {
		/* one quoted string: "a b c" */
		sh_cut_words(text, v.start, v.end, v.words, v.nwords, drop, &sp);
		if (!kept) {
			insert(&sp, v.start + 1, joined(front.v, front.n, "", back.n ? " " : ""));
			insert(&sp, v.close, joined(back.v, back.n, "", ""));
		} else {
			insert(&sp, v.start + 1, joined(front.v, front.n, "", " "));
			insert(&sp, v.words[last_kept].end, joined(back.v, back.n, " ", ""));
		}
	} else if (found && (front.n || back.n)) {
		/* anything else the shell joins into one string: write it quoted */
		struct tbuf b = { 0 };
		bool first = true;
		char *s;

		tbuf_adds(&b, "\"");
		for (size_t i = 0; i < front.n; i++, first = false)
			tbuf_addf(&b, "%s%s", first ? "" : " ", front.v[i]);
		for (size_t i = 0; i < v.nwords; i++) {
			char *esc;

			if (drop[i])
				continue;
			esc = sh_dquote_escape(v.words[i].text);
			tbuf_addf(&b, "%s%s", first ? "" : " ", esc ? esc : "");
			free(esc);
			first = false;
		}
		for (size_t i = 0; i < back.n; i++, first = false)
			tbuf_addf(&b, "%s%s", first ? "" : " ", back.v[i]);
		tbuf_adds(&b, "\"");
		s = tbuf_take(&b, NULL);
		if (!s)
			goto out;
		splices_add(&sp, v.start, v.end, s);
		free(s);
	} else if (found) {
		sh_cut_words(text, v.start, v.end, v.words, v.nwords, drop, &sp);
	} else if (front.n || back.n) {
		struct tbuf b = { 0 };
		const char *eol = text_eol(text, len);
		bool first = true;
		char *s;

		for (unsigned int i = text_eols_before_append(text, len); i; i--)
			tbuf_adds(&b, eol);
		tbuf_addf(&b, "%s=(", e->name);
		for (size_t i = 0; i < front.n; i++, first = false)
			tbuf_addf(&b, "%s%s", first ? "" : " ", front.v[i]);
		for (size_t i = 0; i < back.n; i++, first = false)
			tbuf_addf(&b, "%s%s", first ? "" : " ", back.v[i]);
		tbuf_addf(&b, ")%s", eol);
		s = tbuf_take(&b, NULL);
		if (!s)
			goto out;
		splices_add(&sp, len, len, s);
		free(s);
	}
	*out = splices_apply(&sp, text, len, out_len);
	if (!*out)
		goto out;
	r = 0;
	if (added) {
		struct strv_builder both = { 0 };

		for (size_t i = 0; i < front.n; i++)
			strv_addf(&both, "%s", front.v[i]);
		for (size_t i = 0; i < back.n; i++)
			strv_addf(&both, "%s", back.v[i]);
		*added = strv_take(&both);
		if (both.oom || !*added)
			r = -ENOMEM;
	}
	if (removed) {
		*removed = strv_take(&rem);
		if (!*removed)
			r = -ENOMEM;
	}
	if (r < 0) {
		free(*out);
		*out = NULL;
		if (added) {
			vfd_strv_free(*added);
			*added = NULL;
		}
	}
out:
	strv_builder_clear(&front);
	strv_builder_clear(&back);
	strv_builder_clear(&rem);
	splices_clear(&sp);
	free(drop);
	sh_value_clear(&v);
	return r;
}
