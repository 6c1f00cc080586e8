// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel command line editors: /etc/default/grub, which grub-mkconfig sources
 * as shell (GRUB_CMDLINE_LINUX for every entry, GRUB_CMDLINE_LINUX_DEFAULT for
 * the normal ones), and /etc/kernel/cmdline, which kernel-install copies into
 * the boot entries as it is. Only the words concerned change.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "persist.h"

#define VAR_ALL "GRUB_CMDLINE_LINUX"
#define VAR_DEFAULT "GRUB_CMDLINE_LINUX_DEFAULT"

/* does the word @w give what @tok asks for? */
static bool word_has(const char *w, const char *tok)
{
	const char *eq = strchr(tok, '=');
	size_t kl, vl;

	if (strcmp(w, tok) == 0)
		return true;
	if (!eq)
		return false;
	kl = (size_t)(eq - tok) + 1;
	vl = strlen(eq + 1);
	if (strncmp(w, tok, kl) != 0)
		return false;
	/* KEY=a,b,c: one of the comma-separated values */
	for (const char *p = w + kl; *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n == vl && strncmp(p, eq + 1, n) == 0)
			return true;
		p = c ? c + 1 : p + n;
	}
	return false;
}

static bool in_list(const char *const *list, const char *w)
{
	for (; list && *list; list++)
		if (strcmp(*list, w) == 0)
			return true;
	return false;
}

/* the words to drop from @v; -EINVAL when one cannot be cut out alone */
static int mark_drops(const struct shvalue *v, const char *var, const struct cmdline_edit *e,
		      bool *drop, struct strv_builder *removed, struct vfd_parse_error *err)
{
	for (size_t i = 0; i < v->nwords; i++) {
		if (!in_list(e->remove, v->words[i].text))
			continue;
		if (!v->words[i].plain) {
			if (err) {
				err->line = v->line;
				snprintf(err->message, sizeof(err->message),
					 "%s: '%s' is quoted in parts; cannot remove it alone", var,
					 v->words[i].text);
			}
			return -EINVAL;
		}
		drop[i] = true;
		strv_addf(removed, "%s", v->words[i].text);
	}
	return 0;
}

/* is @tok given by a word that stays? */
static bool kept_has(const struct shvalue *v, const bool *drop, const char *tok)
{
	for (size_t i = 0; v && i < v->nwords; i++)
		if (!drop[i] && word_has(v->words[i].text, tok))
			return true;
	return false;
}

/* the byte before @pos once the splices are applied (skipping cut ranges) */
static int byte_before(const char *text, const struct splices *sp, size_t pos)
{
	size_t p = pos;

	for (bool moved = true; moved && p > 0;) {
		moved = false;
		for (size_t i = 0; i < sp->n; i++) {
			if (sp->v[i].start < p && p <= sp->v[i].end && !*sp->v[i].with) {
				p = sp->v[i].start;
				moved = true;
			}
		}
	}
	return p > 0 ? (unsigned char)text[p - 1] : -1;
}

static bool blank_or_nl(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int take_lists(struct strv_builder *add, struct strv_builder *rem, char ***added,
		      char ***removed)
{
	if (add->oom || rem->oom) {
		strv_builder_clear(add);
		strv_builder_clear(rem);
		return -ENOMEM;
	}
	if (added)
		*added = strv_take(add);
	else
		strv_builder_clear(add);
	if (removed)
		*removed = strv_take(rem);
	else
		strv_builder_clear(rem);
	return 0;
}

/* @out with "VAR=..." appended on a line of its own */
static char *append_var(char *out, size_t *out_len, const char *eol, const char *var,
			const struct strv_builder *add)
{
	struct tbuf b = { 0 };

	tbuf_add(&b, out, *out_len);
	for (unsigned int i = text_eols_before_append(out, *out_len); i; i--)
		tbuf_adds(&b, eol);
	free(out);
	tbuf_addf(&b, "%s=\"", var);
	for (size_t i = 0; i < add->n; i++)
		tbuf_addf(&b, "%s%s", i ? " " : "", add->v[i]);
	tbuf_addf(&b, "\"%s", eol);
	return tbuf_take(&b, out_len);
}

/* do the words of @var in @text equal the kept words of @v, then @extra? */
static bool reads_as(const char *text, size_t len, const char *var, const struct shvalue *v,
		     const bool *drop, char *const *extra, size_t nextra)
{
	char **got = NULL;
	size_t k = 0;
	bool same;
	int r = sh_get_words(text, len, var, &got, NULL);

	if (r == -ENOENT) {
		same = nextra == 0;
		for (size_t i = 0; same && i < v->nwords; i++)
			same = drop[i];
		return same;
	}
	if (r < 0 || !got)
		return false;
	same = true;
	for (size_t i = 0; same && i < v->nwords; i++)
		if (!drop[i])
			same = got[k] && strcmp(got[k++], v->words[i].text) == 0;
	for (size_t i = 0; same && i < nextra; i++)
		same = got[k] && strcmp(got[k++], extra[i]) == 0;
	same = same && !got[k];
	vfd_strv_free(got);
	return same;
}

/*
 * The edit only cuts and adds whole words, so its result must read back as
 * the kept words plus the added ones. A file where it would not (escapes
 * that join lines once a word is cut, say) is left for the user to edit.
 */
static bool edit_reads_back(const char *out, size_t olen, const struct shvalue *all,
			    const bool *drop_all, const struct shvalue *def, const bool *drop_def,
			    const struct strv_builder *add, bool to_all, struct vfd_parse_error *err)
{
	if (reads_as(out, olen, VAR_ALL, all, drop_all, to_all ? add->v : NULL,
		     to_all ? add->n : 0) &&
	    reads_as(out, olen, VAR_DEFAULT, def, drop_def, to_all ? NULL : add->v,
		     to_all ? 0 : add->n))
		return true;
	vfd_parse_error_set(err, all->line ? all->line : def->line,
		"the edited file would not read back as intended; edit it by hand");
	return false;
}

int grub_edit(const char *text, size_t len, const struct cmdline_edit *e, char **out,
	      size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err)
{
	struct strv_builder add = { 0 }, rem = { 0 };
	struct shvalue all, def;
	struct splices sp = { 0 };
	bool *drop_all = NULL, *drop_def = NULL, *tdrop;
	struct shvalue *tv;
	const char *eol = text_eol(text, len);
	size_t olen = 0;
	int has_all, has_def, has_t, r;

	*out = NULL;
	has_all = sh_find_assign(text, len, VAR_ALL, &all, err);
	if (has_all < 0)
		return has_all;
	has_def = sh_find_assign(text, len, VAR_DEFAULT, &def, err);
	if (has_def < 0) {
		sh_value_clear(&all);
		return has_def;
	}
	r = -EINVAL;
	if (all.array || def.array) {
		vfd_parse_error_set(err, all.array ? all.line : def.line, "%s is an array, not a string",
			all.array ? VAR_ALL : VAR_DEFAULT);
		goto out;
	}
	drop_all = calloc(all.nwords + 1, sizeof(bool));
	drop_def = calloc(def.nwords + 1, sizeof(bool));
	if (!drop_all || !drop_def) {
		r = -ENOMEM;
		goto out;
	}
	if (mark_drops(&all, VAR_ALL, e, drop_all, &rem, err) < 0 ||
	    mark_drops(&def, VAR_DEFAULT, e, drop_def, &rem, err) < 0)
		goto out;
	for (const char *const *t = e->add; t && *t; t++) {
		if (!kept_has(&all, drop_all, *t) && !kept_has(&def, drop_def, *t) &&
		    !in_list((const char *const *)add.v, *t))
			strv_addf(&add, "%s", *t);
	}
	if (add.oom) {
		r = -ENOMEM;
		goto out;
	}
	/* the words go to one variable (@e->to_all: GRUB_CMDLINE_LINUX); the other is only cut */
	tv = e->to_all ? &all : &def;
	tdrop = e->to_all ? drop_all : drop_def;
	has_t = e->to_all ? has_all : has_def;
	if (e->to_all)
		sh_cut_words(text, def.start, def.end, def.words, def.nwords, drop_def, &sp);
	else
		sh_cut_words(text, all.start, all.end, all.words, all.nwords, drop_all, &sp);
	if (add.n && has_t && !tv->quoted_end) {
		/* unquoted (or empty) value: quote it, so the new words stay in it */
		struct tbuf b = { 0 };
		bool first = true;
		char *esc;

		tbuf_adds(&b, "\"");
		for (size_t i = 0; i < tv->nwords; i++) {
			if (tdrop[i])
				continue;
			esc = sh_dquote_escape(tv->words[i].text);
			tbuf_addf(&b, "%s%s", first ? "" : " ", esc ? esc : "");
			free(esc);
			first = false;
		}
		for (size_t i = 0; i < add.n; i++) {
			tbuf_addf(&b, "%s%s", first ? "" : " ", add.v[i]);
			first = false;
		}
		tbuf_adds(&b, "\"");
		esc = tbuf_take(&b, NULL);
		splices_add(&sp, tv->start, tv->end, esc);
		if (!esc)
			sp.oom = true;
		free(esc);
	} else {
		sh_cut_words(text, tv->start, tv->end, tv->words, tv->nwords, tdrop, &sp);
	}
	if (add.n && has_t && tv->quoted_end) {
		struct tbuf b = { 0 };
		bool kept = false;
		char *s;

		for (size_t i = 0; i < tv->nwords; i++)
			kept |= !tdrop[i];
		for (size_t i = 0; i < add.n; i++) {
			bool space = i > 0 || (kept && !blank_or_nl(byte_before(text, &sp, tv->close)));

			tbuf_addf(&b, "%s%s", space ? " " : "", add.v[i]);
		}
		s = tbuf_take(&b, NULL);
		splices_add(&sp, tv->close, tv->close, s);
		if (!s)
			sp.oom = true;
		free(s);
	}
	*out = splices_apply(&sp, text, len, &olen);
	/* a new GRUB_CMDLINE_LINUX_DEFAULT goes after the edited text, whose end may have changed */
	if (*out && add.n && !has_t)
		*out = append_var(*out, &olen, eol, e->to_all ? VAR_ALL : VAR_DEFAULT, &add);
	if (out_len)
		*out_len = olen;
	if (*out && !edit_reads_back(*out, olen, &all, drop_all, &def, drop_def, &add, e->to_all,
					   err))
		r = -EINVAL;
	else
		r = *out ? take_lists(&add, &rem, added, removed) : -ENOMEM;
	if (r < 0) {
		free(*out);
		*out = NULL;
	}
out:
	strv_builder_clear(&add);
	strv_builder_clear(&rem);
	splices_clear(&sp);
	free(drop_all);
	free(drop_def);
	sh_value_clear(&all);
	sh_value_clear(&def);
	return r;
}

/* replace [start, end) with what @b holds (an allocation failure is remembered) */
static void splice_tbuf(struct splices *sp, size_t start, size_t end, struct tbuf *b)
{
	char *s = tbuf_take(b, NULL);

	splices_add(sp, start, end, s);
	if (!s)
		sp->oom = true;
	free(s);
}

/* the edited text and the lists of what was added and removed (NULL text on failure) */
static int apply_edit(struct splices *sp, const char *text, size_t len, struct strv_builder *add,
		      struct strv_builder *rem, char **out, size_t *out_len, char ***added,
		      char ***removed)
{
	int r;

	*out = splices_apply(sp, text, len, out_len);
	r = *out ? take_lists(add, rem, added, removed) : -ENOMEM;
	if (r < 0) {
		free(*out);
		*out = NULL;
	}
	return r;
}

/* the words of a kernel command line file, double quotes grouping */
static int kcmdline_words(const char *text, size_t len, struct shvalue *v)
{
	for (size_t i = 0; i < len;) {
		struct shword *nw;
		struct tbuf b = { 0 };
		size_t start;
		bool quoted = false, plain = true;

		if (strchr(" \t\n\r\f\v", text[i]) && text[i]) {
			i++;
			continue;
		}
		start = i;
		for (; i < len && (quoted || !(strchr(" \t\n\r\f\v", text[i]) && text[i])); i++) {
			if (text[i] == '"') {
				quoted = !quoted;
				plain = false;
				continue;
			}
			tbuf_add(&b, text + i, 1);
		}
		if (quoted) {
			tbuf_clear(&b);
			return -EINVAL;
		}
		nw = realloc(v->words, (v->nwords + 1) * sizeof(*nw));
		if (!nw) {
			tbuf_clear(&b);
			return -ENOMEM;
		}
		v->words = nw;
		nw[v->nwords].text = tbuf_take(&b, NULL);
		if (!nw[v->nwords].text)
			return -ENOMEM;
		nw[v->nwords].start = start;
		nw[v->nwords].end = i;
		nw[v->nwords].plain = plain;
		v->nwords++;
	}
	return 0;
}

int kcmdline_edit(const char *text, size_t len, const struct cmdline_edit *e, char **out,
		  size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err)
{
	struct strv_builder add = { 0 }, rem = { 0 };
	struct shvalue v = { 0 };
	struct splices sp = { 0 };
	bool *drop = NULL;
	int r;

	*out = NULL;
	r = kcmdline_words(text, len, &v);
	if (r == -EINVAL && err) {
		err->line = 1;
		snprintf(err->message, sizeof(err->message), "unterminated double quote");
	}
	if (r < 0)
		goto out;
	r = -ENOMEM;
	drop = calloc(v.nwords + 1, sizeof(bool));
	if (!drop)
		goto out;
	v.line = 1;
	r = mark_drops(&v, "/etc/kernel/cmdline", e, drop, &rem, err);
	if (r < 0)
		goto out;
	for (const char *const *t = e->add; t && *t; t++)
		if (!kept_has(&v, drop, *t) && !in_list((const char *const *)add.v, *t))
			strv_addf(&add, "%s", *t);
	sh_cut_words(text, 0, len, v.words, v.nwords, drop, &sp);
	if (add.n) {
		struct tbuf b = { 0 };
		size_t at = 0;
		bool kept = false;

		for (size_t i = 0; i < v.nwords; i++) {
			if (!drop[i]) {
				at = v.words[i].end;
				kept = true;
			}
		}
		if (!kept && v.nwords)
			at = v.words[0].start;
		for (size_t i = 0; i < add.n; i++)
			tbuf_addf(&b, "%s%s", i || kept ? " " : "", add.v[i]);
		if (!len)
			tbuf_adds(&b, "\n");
		splice_tbuf(&sp, at, at, &b);
	}
	r = apply_edit(&sp, text, len, &add, &rem, out, out_len, added, removed);
out:
	strv_builder_clear(&add);
	strv_builder_clear(&rem);
	splices_clear(&sp);
	free(drop);
	sh_value_clear(&v);
	return r;
}

/*
 * A systemd-boot entry (Boot Loader Specification, type #1): "key value"
 * lines; every "options" line adds to the command line, in order. Words go
 * after the last kept word of the last options line (a new options line when
 * there is none); removals apply to all of them.
 */
int entry_options_edit(const char *text, size_t len, const struct cmdline_edit *e, char **out,
		       size_t *out_len, char ***added, char ***removed, struct vfd_parse_error *err)
{
	struct strv_builder add = { 0 }, rem = { 0 };
	struct shvalue *lines = NULL;
	bool **drops = NULL;
	size_t nlines = 0, at = 0;
	struct splices sp = { 0 };
	bool have_at = false, kept_any = false, lead = false;
	unsigned int lineno = 0;
	int r = -ENOMEM;

	*out = NULL;
	for (size_t p = 0; p < len;) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t end = nl ? (size_t)(nl - text) : len, v = p, vend = end;
		struct shvalue *nv;
		void *nd;

		lineno++;
		while (v < end && (text[v] == ' ' || text[v] == '\t'))
			v++;
		if (end - v < 8 || memcmp(text + v, "options", 7) != 0 ||
		    (text[v + 7] != ' ' && text[v + 7] != '\t')) {
			p = nl ? end + 1 : len;
			continue;
		}
		v += 7;
		if (vend > v && text[vend - 1] == '\r')
			vend--;
		nv = realloc(lines, (nlines + 1) * sizeof(*nv));
		if (!nv)
			goto out;
		lines = nv;
		nd = realloc(drops, (nlines + 1) * sizeof(*drops));
		if (!nd)
			goto out;
		drops = nd;
		memset(&lines[nlines], 0, sizeof(*lines));
		drops[nlines] = NULL;
		nlines++;
		r = kcmdline_words(text + v, vend - v, &lines[nlines - 1]);
		if (r == -EINVAL)
			vfd_parse_error_set(err, lineno, "options: unterminated double quote");
		if (r < 0)
			goto out;
		r = -ENOMEM;
		lines[nlines - 1].line = lineno;
		lines[nlines - 1].start = v;
		lines[nlines - 1].end = vend;
		for (size_t i = 0; i < lines[nlines - 1].nwords; i++) {
			lines[nlines - 1].words[i].start += v;
			lines[nlines - 1].words[i].end += v;
		}
		drops[nlines - 1] = calloc(lines[nlines - 1].nwords + 1, sizeof(bool));
		if (!drops[nlines - 1])
			goto out;
		p = nl ? end + 1 : len;
	}
	for (size_t l = 0; l < nlines; l++) {
		r = mark_drops(&lines[l], "options", e, drops[l], &rem, err);
		if (r < 0)
			goto out;
	}
	r = -ENOMEM;
	for (const char *const *t = e->add; t && *t; t++) {
		bool has = in_list((const char *const *)add.v, *t);

		for (size_t l = 0; l < nlines && !has; l++)
			has = kept_has(&lines[l], drops[l], *t);
		if (!has)
			strv_addf(&add, "%s", *t);
	}
	for (size_t l = 0; l < nlines; l++) {
		bool all_cut = lines[l].nwords > 0;

		for (size_t i = 0; i < lines[l].nwords; i++)
			all_cut = all_cut && drops[l][i];
		/*
		 * the blank after "options" stays unless every word goes: cutting it
		 * with a first word would join "options" to whatever separated the
		 * next word (a '\r' or form feed the kernel also splits at), and the
		 * line would no longer read as an options line
		 */
		sh_cut_words(text, all_cut ? lines[l].start : lines[l].start + 1, lines[l].end,
			     lines[l].words, lines[l].nwords, drops[l], &sp);
		if (l + 1 < nlines)
			continue;
		/* the words go after the last kept word of the last options line */
		at = lines[l].end;
		have_at = true;
		for (size_t i = 0; i < lines[l].nwords; i++)
			if (!drops[l][i]) {
				at = lines[l].words[i].end;
				kept_any = true;
			}
		/* all cut: the blank after "options" goes with the first word, so start there */
		if (!kept_any && lines[l].nwords) {
			at = lines[l].start;
			lead = true;
		}
	}
	if (add.n) {
		struct tbuf b = { 0 };

		if (!have_at) {
			at = len;
			for (unsigned int i = text_eols_before_append(text, len); i; i--)
				tbuf_adds(&b, text_eol(text, len));
			tbuf_adds(&b, "options");
		}
		/* "options" is followed by a blank, so a line without words has one before @at */
		for (size_t i = 0; i < add.n; i++)
			tbuf_addf(&b, "%s%s", i || kept_any || lead || !have_at ? " " : "", add.v[i]);
		if (!have_at)
			tbuf_adds(&b, text_eol(text, len));
		splice_tbuf(&sp, at, at, &b);
	}
	r = apply_edit(&sp, text, len, &add, &rem, out, out_len, added, removed);
out:
	for (size_t l = 0; l < nlines; l++) {
		sh_value_clear(&lines[l]);
		free(drops ? drops[l] : NULL);
	}
	free(lines);
	free(drops);
	strv_builder_clear(&add);
	strv_builder_clear(&rem);
	splices_clear(&sp);
	return r;
}
